package org.pipeplan.placement.ideal;

import java.util.Arrays;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;

/**
 * Incrementally tracks the transfer cost of a set D of units on an accelerator: Σ c(u) over the
 * distinct operators u whose output crosses the boundary of D, in either direction (u in D with a
 * consumer outside it, or u outside with a consumer in it).
 *
 * <p>D only ever grows and shrinks by whole units, and an operator's consumers in its own unit are
 * always on its side of the boundary, so only consumers in other units matter: an operator crosses
 * when it is in D and not all of the units of its consumers are, or outside D and some of them are.
 * Adding or removing a unit therefore touches only its operators with consumers elsewhere and the
 * operators elsewhere that feed it ({@link Layout}), not all its members: on coarsened graphs,
 * whose units are blocks of hundreds of operators, that is most of the cost of the DP.
 */
final class CrossingTransfers {

    /** What the tracking needs of the graph and its units, built once and shared by every walker. */
    static final class Layout {
        private final double[] cost;
        /** Per operator: how many other units hold its consumers. */
        private final int[] consumerUnits;
        /** Per unit: its operators with a consumer in another unit. */
        private final int[][] boundary;
        /** Per unit: the operators of other units (or of none) with a consumer in it, each once. */
        private final int[][] feeders;

        Layout(OperatorGraph g, DeviceKind kind, int[][] members) {
            int n = g.size();
            cost = g.transferTimes(kind);
            int[] unitOf = new int[n];
            Arrays.fill(unitOf, -1);
            for (int unit = 0; unit < members.length; unit++) {
                for (int v : members[unit]) {
                    unitOf[v] = unit;
                }
            }
            consumerUnits = new int[n];
            int[] boundaryCount = new int[members.length];
            int[] feederCount = new int[members.length];
            int[] seen = new int[members.length];
            Arrays.fill(seen, -1);
            // two passes over the edges: count, then fill
            for (int pass = 0; pass < 2; pass++) {
                int[][] boundaryFill = pass == 1 ? new int[members.length][] : null;
                int[][] feederFill = pass == 1 ? new int[members.length][] : null;
                if (pass == 1) {
                    for (int unit = 0; unit < members.length; unit++) {
                        boundaryFill[unit] = new int[boundaryCount[unit]];
                        feederFill[unit] = new int[feederCount[unit]];
                    }
                    Arrays.fill(boundaryCount, 0);
                    Arrays.fill(feederCount, 0);
                    Arrays.fill(seen, -1);
                }
                for (int u = 0; u < n; u++) {
                    int own = unitOf[u];
                    int distinct = 0;
                    boolean orphan = false; // a consumer in no unit is never in D: it counts as one more unit
                    for (int j = 0; j < g.outDegree(u); j++) {
                        int w = unitOf[g.edge(g.outEdge(u, j)).target()];
                        if (w < 0 && !orphan) {
                            orphan = true;
                            distinct++;
                        }
                        if (w < 0 || w == own || seen[w] == u) {
                            continue;
                        }
                        seen[w] = u;
                        distinct++;
                        if (pass == 1) {
                            feederFill[w][feederCount[w]] = u;
                        }
                        feederCount[w]++;
                    }
                    if (distinct > 0 && own >= 0) {
                        if (pass == 1) {
                            boundaryFill[own][boundaryCount[own]] = u;
                        }
                        boundaryCount[own]++;
                    }
                    consumerUnits[u] = distinct;
                }
                if (pass == 1) {
                    boundary = boundaryFill;
                    feeders = feederFill;
                    return;
                }
            }
            throw new AssertionError("unreachable");
        }
    }

    private final Layout layout;
    private final boolean[] inside;
    /** Per operator: how many units of its consumers (other than its own) are in D. */
    private final int[] unitsInside;

    CrossingTransfers(Layout layout) {
        this.layout = layout;
        this.inside = new boolean[layout.cost.length];
        this.unitsInside = new int[layout.cost.length];
    }

    private double charge(int u) {
        boolean crosses = inside[u] ? unitsInside[u] < layout.consumerUnits[u] : unitsInside[u] > 0;
        return crosses ? layout.cost[u] : 0;
    }

    /** Adds a unit to D; returns the change of the transfer cost. */
    double add(int unit) {
        double delta = 0;
        for (int x : layout.boundary[unit]) {
            double before = charge(x);
            inside[x] = true;
            delta += charge(x) - before;
        }
        for (int p : layout.feeders[unit]) {
            double before = charge(p);
            unitsInside[p]++;
            delta += charge(p) - before;
        }
        return delta;
    }

    /** Removes a unit previously added (the caller restores its own running total). */
    void remove(int unit) {
        for (int x : layout.boundary[unit]) {
            inside[x] = false;
        }
        for (int p : layout.feeders[unit]) {
            unitsInside[p]--;
        }
    }
}

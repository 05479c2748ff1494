package org.pipeplan.units;

import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/**
 * Device loads of a placement of units, kept up to date under single-unit moves.
 *
 * <p>Moving a unit from device a to device b changes the loads of a and b only: a third device
 * pays for a node's output according to where its own consumers are, and those do not move
 * between it and the outside. A move is therefore scored in O(members + their in-edges).
 */
public final class IncrementalLoads {

    private final UnitGraph units;
    private final OperatorGraph g;
    private final int devices;
    private final boolean[] accelerator;
    private final double[][] unitTime;
    private final double[] unitMemory;
    /** cost[d][v]: transfer time of v's output on device d's kind (0 for host devices). */
    private final double[][] cost;
    private final int[] outDegree;
    private final int[][] inSources;
    private final int[] deviceOfNode;
    private final int[] deviceOfUnit;
    /** outOn[u * devices + d]: out-edges of node u ending on device d. */
    private final int[] outOn;
    private final double[] compute;
    private final double[] comm;
    private final double[] memory;
    private final int[] seen;
    private int stampValue;

    public IncrementalLoads(PlacementProblem problem, UnitGraph units) {
        this.units = units;
        this.g = problem.graph();
        List<Device> all = problem.devices().all();
        this.devices = all.size();
        this.accelerator = new boolean[devices];
        this.unitTime = new double[devices][];
        for (Device d : all) {
            accelerator[d.index()] = d.isAccelerator();
            unitTime[d.index()] = units.computeTimes(d.kind());
        }
        this.unitMemory = units.memoryBytes();
        this.cost = new double[devices][];
        for (Device d : all) {
            cost[d.index()] = d.isAccelerator() ? g.transferTimes(d.kind()) : new double[g.size()];
        }
        int n = g.size();
        this.outDegree = new int[n];
        this.inSources = new int[n][];
        for (int v = 0; v < n; v++) {
            outDegree[v] = g.outDegree(v);
            inSources[v] = new int[g.inDegree(v)];
            for (int j = 0; j < inSources[v].length; j++) {
                inSources[v][j] = g.edge(g.inEdge(v, j)).source();
            }
        }
        this.deviceOfNode = new int[n];
        this.deviceOfUnit = new int[units.size()];
        this.outOn = new int[n * devices];
        this.compute = new double[devices];
        this.comm = new double[devices];
        this.memory = new double[devices];
        this.seen = new int[n];
    }

    /** Places every unit and recomputes all loads from scratch. */
    public void reset(int[] unitDevices) {
        System.arraycopy(unitDevices, 0, deviceOfUnit, 0, deviceOfUnit.length);
        for (int v = 0; v < g.size(); v++) {
            deviceOfNode[v] = unitDevices[units.unitOf(v)];
        }
        java.util.Arrays.fill(outOn, 0);
        java.util.Arrays.fill(compute, 0);
        java.util.Arrays.fill(comm, 0);
        java.util.Arrays.fill(memory, 0);
        for (int v = 0; v < g.size(); v++) {
            for (int p : inSources[v]) {
                outOn[p * devices + deviceOfNode[v]]++;
            }
        }
        for (int u = 0; u < deviceOfUnit.length; u++) {
            int d = deviceOfUnit[u];
            compute[d] += unitTime[d][u];
            memory[d] += unitMemory[u];
        }
        for (int v = 0; v < g.size(); v++) {
            for (int d = 0; d < devices; d++) {
                comm[d] += charge(v, d);
            }
        }
    }

    public int deviceCount() {
        return devices;
    }

    public int deviceOf(int unit) {
        return deviceOfUnit[unit];
    }

    public double load(int device) {
        return compute[device] + comm[device];
    }

    public double memory(int device) {
        return memory[device];
    }

    public double unitMemory(int unit) {
        return unitMemory[unit];
    }

    public double maxLoad() {
        double m = 0;
        for (int d = 0; d < devices; d++) {
            m = Math.max(m, load(d));
        }
        return m;
    }

    /** Transfer cost node v puts on device d. */
    private double charge(int v, int d) {
        if (!accelerator[d]) {
            return 0;
        }
        int on = outOn[v * devices + d];
        boolean crosses = deviceOfNode[v] == d ? on < outDegree[v] : on > 0;
        return crosses ? cost[d][v] : 0;
    }

    /**
     * The loads devices {@code from} and {@code to} would have if {@code unit} moved from one to
     * the other; the state is left unchanged.
     */
    public double[] loadsAfterMove(int unit, int to) {
        int from = deviceOfUnit[unit];
        double before = 0;
        double beforeTo = 0;
        int stamp = ++stampValue;
        int[] members = units.members(unit);
        // nodes whose charges can change: the members and their producers
        for (int pass = 0; pass < 2; pass++) {
            double sumFrom = 0;
            double sumTo = 0;
            stamp = ++stampValue;
            for (int m : members) {
                if (seen[m] != stamp) {
                    seen[m] = stamp;
                    sumFrom += charge(m, from);
                    sumTo += charge(m, to);
                }
                for (int p : inSources[m]) {
                    if (seen[p] != stamp) {
                        seen[p] = stamp;
                        sumFrom += charge(p, from);
                        sumTo += charge(p, to);
                    }
                }
            }
            if (pass == 0) {
                before = sumFrom;
                beforeTo = sumTo;
                shift(unit, from, to);
            } else {
                shift(unit, to, from);
                double loadFrom = compute[from] - unitTime[from][unit] + comm[from] + (sumFrom - before);
                double loadTo = compute[to] + unitTime[to][unit] + comm[to] + (sumTo - beforeTo);
                return new double[] {loadFrom, loadTo};
            }
        }
        throw new AssertionError();
    }

    /** Moves a unit for real. */
    public void move(int unit, int to) {
        int from = deviceOfUnit[unit];
        double[] loads = loadsAfterMove(unit, to);
        shift(unit, from, to);
        comm[from] = loads[0] - (compute[from] - unitTime[from][unit]);
        comm[to] = loads[1] - (compute[to] + unitTime[to][unit]);
        compute[from] -= unitTime[from][unit];
        compute[to] += unitTime[to][unit];
        memory[from] -= unitMemory[unit];
        memory[to] += unitMemory[unit];
        deviceOfUnit[unit] = to;
    }

    /** Re-points the unit's members and the edge counters (loads untouched). */
    private void shift(int unit, int from, int to) {
        for (int m : units.members(unit)) {
            deviceOfNode[m] = to;
            for (int p : inSources[m]) {
                outOn[p * devices + from]--;
                outOn[p * devices + to]++;
            }
        }
    }

    public int[] nodeDevices() {
        return deviceOfNode.clone();
    }

    public int[] unitDevices() {
        return deviceOfUnit.clone();
    }
}

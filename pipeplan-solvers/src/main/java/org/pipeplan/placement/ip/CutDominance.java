package org.pipeplan.placement.ip;

import java.util.List;
import org.pipeplan.bound.MaxLoadLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.units.TransferGroups;
import org.pipeplan.units.UnitGraph;

/**
 * Units that no plan better than a known one can separate.
 *
 * <p>In any plan with max-load below U, the accelerators together carry at most k*U, of which at
 * least W (the least accelerator compute when each CPU core takes at most U) is compute; so all
 * their transfers together are at most S = k*U - W. Separating a producer unit from a consumer
 * unit puts the producers' transfer cost c on at least one accelerator (the sender's, or, when the
 * sender is the only CPU core, the receiver's; on two accelerators both pay). So when that least
 * charge exceeds S the two units share a device in every better plan, and they can be joined: the
 * optimum of the joined problem is the true optimum whenever the true optimum is below U.
 */
final class CutDominance {

    private CutDominance() {
    }

    /**
     * The units joined where separation cannot pay, for plans with max-load below
     * {@code upperBound}; the units themselves when nothing can be joined.
     */
    static UnitGraph join(PlacementProblem problem, UnitGraph units, double upperBound) {
        List<Device> devices = problem.devices().all();
        long accelerators = devices.stream().filter(Device::isAccelerator).count();
        long cpus = devices.size() - accelerators;
        if (cpus > 1 || accelerators == 0 || !Double.isFinite(upperBound)) {
            return units; // two CPU cores can exchange data for free: no charge is forced
        }
        double slack = accelerators * upperBound - MaxLoadLowerBound.leastAcceleratorWork(problem, upperBound);
        int[] parent = new int[units.size()];
        for (int u = 0; u < parent.length; u++) {
            parent[u] = u;
        }
        boolean joined = false;
        for (TransferGroups.Group group : TransferGroups.of(units)) {
            double cheapest = devices.stream().filter(Device::isAccelerator).mapToDouble(d -> group.cost(d.kind()))
                    .min().orElse(0);
            double leastCharge = cpus == 1 ? cheapest : 2 * cheapest;
            if (leastCharge > slack) {
                for (int w : group.consumers()) {
                    joined |= union(parent, group.source(), w);
                }
            }
        }
        if (!joined) {
            return units;
        }
        int[] representative = new int[parent.length];
        for (int u = 0; u < parent.length; u++) {
            representative[u] = find(parent, u);
        }
        return units.merge(representative);
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static boolean union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra == rb) {
            return false;
        }
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
        return true;
    }
}

package org.pipeplan.placement.ideal;

import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.planner.Deadline;
import org.pipeplan.units.IncrementalLoads;
import org.pipeplan.units.UnitGraph;

/**
 * Refines a contiguous split found on a coarsened graph, on the fine units: repeatedly moves one
 * unit of the most loaded stage to the stage before or after it, whichever lowers that stage's
 * load most without raising the other above it.
 *
 * <p>A unit may leave stage s for s+1 only when all its successors are in later stages, and for
 * s-1 only when all its predecessors are in earlier ones: each stage stays the difference of two
 * nested ideals, so the split stays contiguous. Each move replaces the largest load by two smaller
 * ones, so the sorted loads fall lexicographically and the descent ends.
 */
final class BoundaryRefinement {

    /** A move must lower the stage's load by more than this share of it. */
    private static final double MIN_GAIN = 1e-9;

    private final PlacementProblem problem;
    private final UnitGraph units;

    public BoundaryRefinement(PlacementProblem problem, UnitGraph units) {
        this.problem = problem;
        this.units = units;
    }

    /** What the refinement did. */
    public record Result(int[] unitDevices, double maxLoad, int moves) {
    }

    /**
     * @param unitDevices device of every unit
     * @param stageOrder  the devices that hold stages, in pipeline order
     */
    public Result refine(int[] unitDevices, List<Integer> stageOrder, Deadline deadline) {
        List<Device> devices = problem.devices().all();
        int[] stageOfDevice = new int[devices.size()];
        java.util.Arrays.fill(stageOfDevice, -1);
        for (int s = 0; s < stageOrder.size(); s++) {
            stageOfDevice[stageOrder.get(s)] = s;
        }
        boolean[][] runs = new boolean[devices.size()][];
        for (Device d : devices) {
            runs[d.index()] = units.runsOn(d.kind());
        }
        IncrementalLoads loads = new IncrementalLoads(problem, units);
        loads.reset(unitDevices);
        int moves = 0;
        while (!deadline.expired()) {
            int worst = stageOrder.get(0);
            for (int d : stageOrder) {
                if (loads.load(d) > loads.load(worst)) {
                    worst = d;
                }
            }
            double limit = loads.load(worst) * (1 - MIN_GAIN);
            int s = stageOfDevice[worst];
            int bestUnit = -1;
            int bestTarget = -1;
            double bestLoad = limit;
            for (int u = 0; u < units.size(); u++) {
                if (loads.deviceOf(u) != worst) {
                    continue;
                }
                for (int step = -1; step <= 1; step += 2) {
                    int t = s + step;
                    if (t < 0 || t >= stageOrder.size()) {
                        continue;
                    }
                    int target = stageOrder.get(t);
                    if (!runs[target][u] || !movable(u, step, loads, stageOfDevice)
                            || loads.memory(target) + loads.unitMemory(u) > devices.get(target).memoryLimit()) {
                        continue;
                    }
                    double[] after = loads.loadsAfterMove(u, target);
                    double peak = Math.max(after[0], after[1]);
                    if (peak < bestLoad) {
                        bestLoad = peak;
                        bestUnit = u;
                        bestTarget = target;
                    }
                }
            }
            if (bestUnit < 0) {
                break;
            }
            loads.move(bestUnit, bestTarget);
            moves++;
        }
        return new Result(loads.unitDevices(), loads.maxLoad(), moves);
    }

    /** Whether the unit may move one stage later (step +1) or earlier (step -1) and keep contiguity. */
    private boolean movable(int u, int step, IncrementalLoads loads, int[] stageOfDevice) {
        int s = stageOfDevice[loads.deviceOf(u)];
        int[] neighbours = step > 0 ? units.successors(u) : units.predecessors(u);
        for (int w : neighbours) {
            int other = stageOfDevice[loads.deviceOf(w)];
            if (step > 0 ? other <= s : other >= s) {
                return false;
            }
        }
        return true;
    }
}

package org.pipeplan.placement.baseline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.pipeplan.bound.MaxLoadLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.IncrementalLoads;
import org.pipeplan.units.UnitGraph;

/**
 * Baseline: randomised steepest descent over colocation units on the accelerators (dp.exe
 * -localSearch). Each restart places every unit on a random accelerator, then repeatedly makes the
 * single-unit move that lowers the max-load most, until no move gains more than 1e-5. Splits need
 * not be contiguous. Units that cannot run on an accelerator stay on the first CPU core, and a move
 * that would overflow an accelerator's memory is not considered. Without accelerators (CPU cores
 * only) the units move among the CPU cores instead: the reference would leave everything on one.
 */
public final class LocalSearchSolver implements PlacementSolver {

    /** A move must lower the max-load by more than this to be taken. */
    static final double MIN_GAIN = 1e-5;

    @Override
    public String name() {
        return "local-search";
    }

    @Override
    public String description() {
        return "baseline: steepest-descent local search with random restarts (non-contiguous)";
    }

    @Override
    public Plan solve(PlacementProblem problem, PlacementOptions options) {
        long start = System.nanoTime();
        Deadline deadline = options.run().deadline();
        // units as in the reference: colocation classes with forward cycles fused
        UnitGraph units = Contraction.contract(problem.graph(), new ContractionOptions(false, false, false, true), 0);
        List<Device> hosts = problem.devices().all().stream().filter(d -> !d.isAccelerator()).toList();
        List<Device> onAccelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        // the devices units move among: the accelerators, or the CPU cores when there are none
        List<Device> accelerators = onAccelerators.isEmpty() ? hosts : onAccelerators;
        boolean[] movable = accelerators.isEmpty() ? new boolean[units.size()] : units.runsOn(accelerators.get(0).kind());
        int fallbackDevice = hosts.isEmpty() ? accelerators.get(0).index() : hosts.get(0).index();
        // the units the host may take when they fit on no accelerator (none when units move among the cores)
        boolean[] onHost = hosts.isEmpty() || onAccelerators.isEmpty() ? null : units.runsOn(hosts.get(0).kind());

        IncrementalLoads loads = new IncrementalLoads(problem, units);
        Random random = new Random(options.run().seed());
        double best = Double.POSITIVE_INFINITY;
        int[] bestNodes = null;
        int restartsDone = 0;
        long moves = 0;
        for (int restart = 0; restart < options.restarts(); restart++) {
            if (restart > 0 && deadline.expired()) {
                break;
            }
            loads.reset(randomStart(units, movable, accelerators, fallbackDevice, onHost, loads, random));
            moves += descend(loads, units, movable, accelerators, deadline);
            restartsDone++;
            options.run().progress().message("local search restart " + (restart + 1) + ": " + loads.maxLoad());
            if (loads.maxLoad() < best || bestNodes == null) {
                best = loads.maxLoad();
                bestNodes = loads.nodeDevices();
            }
        }
        Placement placement = new Placement(bestNodes, problem.devices().size());
        Evaluation evaluation = MaxLoadEvaluator.evaluate(problem, placement);
        Map<String, Number> stats = new LinkedHashMap<>();
        stats.put("units", units.size());
        stats.put("restarts", restartsDone);
        stats.put("moves", moves);
        double bound = Math.min(MaxLoadLowerBound.of(problem), evaluation.maxLoad());
        return Plan.builder(problem.name(), name(), Objective.MAX_LOAD).value(evaluation.maxLoad()).lowerBound(bound)
                .status(evaluation.feasible() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE).placement(placement)
                .pipelineOrder(evaluation.contiguity().pipelineOrder()).secondsSince(start).stats(stats)
                .note(restartsDone < options.restarts() ? deadline.reason() + " after " + restartsDone + " restarts" : "")
                .build();
    }

    /**
     * Random accelerator for every movable unit, preferring accelerators it still fits on; a unit
     * that fits on none goes to the host when the host may run it.
     */
    private static int[] randomStart(UnitGraph units, boolean[] movable, List<Device> accelerators, int fallback,
                                     boolean[] onHost, IncrementalLoads loads, Random random) {
        int[] assignment = new int[units.size()];
        double[] used = new double[accelerators.size()];
        List<Integer> order = new ArrayList<>();
        for (int a = 0; a < accelerators.size(); a++) {
            order.add(a);
        }
        for (int u = 0; u < units.size(); u++) {
            if (!movable[u]) {
                assignment[u] = fallback;
                continue;
            }
            Collections.shuffle(order, random);
            int chosen = -1;
            for (int a : order) {
                if (used[a] + loads.unitMemory(u) <= accelerators.get(a).memoryLimit()) {
                    chosen = a;
                    break;
                }
            }
            if (chosen < 0 && onHost != null && onHost[u]) {
                assignment[u] = fallback; // fits on no accelerator: the host, whose memory is not limited, runs it
                continue;
            }
            chosen = chosen < 0 ? order.get(0) : chosen;
            used[chosen] += loads.unitMemory(u);
            assignment[u] = accelerators.get(chosen).index();
        }
        return assignment;
    }

    /** Steepest descent; returns the number of moves made. */
    private static long descend(IncrementalLoads loads, UnitGraph units, boolean[] movable,
                                List<Device> accelerators, Deadline deadline) {
        long moves = 0;
        while (!deadline.expired()) {
            double current = loads.maxLoad();
            double bestValue = current - MIN_GAIN;
            int bestUnit = -1;
            int bestTarget = -1;
            for (int u = 0; u < units.size(); u++) {
                if (!movable[u]) {
                    continue;
                }
                if ((u & 1023) == 1023 && deadline.expired()) {
                    return moves; // one pass over a huge graph takes long: the limit is checked within it
                }
                int from = loads.deviceOf(u);
                for (Device target : accelerators) {
                    int to = target.index();
                    if (to == from || loads.memory(to) + loads.unitMemory(u) > target.memoryLimit()) {
                        continue;
                    }
                    double[] after = loads.loadsAfterMove(u, to);
                    double value = Math.max(Math.max(after[0], after[1]), maxExcept(loads, from, to));
                    if (value < bestValue) {
                        bestValue = value;
                        bestUnit = u;
                        bestTarget = to;
                    }
                }
            }
            if (bestUnit < 0) {
                break;
            }
            loads.move(bestUnit, bestTarget);
            moves++;
        }
        return moves;
    }

    private static double maxExcept(IncrementalLoads loads, int a, int b) {
        double m = 0;
        for (int d = 0; d < loads.deviceCount(); d++) {
            if (d != a && d != b) {
                m = Math.max(m, loads.load(d));
            }
        }
        return m;
    }
}

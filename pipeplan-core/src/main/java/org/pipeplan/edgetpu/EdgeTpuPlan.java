package org.pipeplan.edgetpu;

import java.util.Arrays;
import java.util.Objects;
import org.pipeplan.planner.PlanStatus;

/**
 * What an Edge TPU scheduler returns: the stage of every node, and how good the split is known to
 * be. Immutable.
 *
 * @param stages     the stage of every node of the problem's graph
 * @param scheduler  name of the scheduler that made it
 * @param status     OPTIMAL when proven optimal, else FEASIBLE (every monotone split runs)
 * @param value      the bottleneck stage time (ms) as the scheduler computed it
 * @param lowerBound a proven lower bound on the optimal bottleneck, or NaN when the scheduler proves none
 * @param note       how the scheduler got it (for the learned one: which candidate won), or ""
 * @param seconds    wall-clock time the scheduler took
 */
public record EdgeTpuPlan(int[] stages, String scheduler, PlanStatus status, double value, double lowerBound,
                          String note, double seconds) {

    public EdgeTpuPlan {
        stages = stages.clone();
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(status, "status");
        note = note == null ? "" : note;
    }

    /** A split without a proof: no bound, no note. */
    public static EdgeTpuPlan heuristic(int[] stages, String scheduler, double value, double seconds) {
        return new EdgeTpuPlan(stages, scheduler, PlanStatus.FEASIBLE, value, Double.NaN, "", seconds);
    }

    /**
     * A bound this close to the value, relatively, proves the split optimal: one part in a million,
     * far below anything the cost model can tell apart (a few bytes of a tensor crossing a cut).
     */
    public static final double OPTIMAL_GAP = 1e-6;

    /**
     * A split with a proven lower bound (such as {@link org.pipeplan.edgetpu.evaluate.EdgeTpuBounds}'s):
     * optimal when its value is within {@link #OPTIMAL_GAP} of the bound.
     */
    public static EdgeTpuPlan bounded(int[] stages, String scheduler, double value, double lowerBound, String note,
                                      double seconds) {
        double bound = Math.min(value, lowerBound);
        PlanStatus status = bound >= value * (1 - OPTIMAL_GAP) ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE;
        return new EdgeTpuPlan(stages, scheduler, status, value, bound, note, seconds);
    }

    @Override
    public int[] stages() {
        return stages.clone();
    }

    /** Relative gap between value and lower bound: 0 when proven optimal, NaN without a bound. */
    public double gap() {
        if (status == PlanStatus.OPTIMAL) {
            return 0;
        }
        return Double.isNaN(lowerBound) ? Double.NaN : Math.max(0, (value - lowerBound) / value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EdgeTpuPlan p && Arrays.equals(p.stages, stages) && p.scheduler.equals(scheduler)
                && p.status == status && Double.compare(p.value, value) == 0 && Double.compare(p.lowerBound, lowerBound) == 0
                && p.note.equals(note) && Double.compare(p.seconds, seconds) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(stages) * 31 + scheduler.hashCode();
    }

    @Override
    public String toString() {
        return "EdgeTpuPlan[" + scheduler + ", " + status + ", bottleneck " + value + ", " + stages.length + " nodes]";
    }
}

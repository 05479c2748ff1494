package org.pipeplan.cluster.training;

import java.util.List;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.ProgressListener;

/** Plans of a training problem by the exact search, and the empty plan. */
public final class TrainingPlans {

    private TrainingPlans() {
    }

    /** The best plan of a space, proven (or bounded when the deadline stops the search), or none with the reason. */
    public static TrainingPlan exact(TrainingProblem problem, TrainingSpace space, Deadline deadline, String solver) {
        return exact(problem, space, deadline, solver, ProgressListener.NONE);
    }

    /** The same, with progress. */
    public static TrainingPlan exact(TrainingProblem problem, TrainingSpace space, Deadline deadline, String solver,
                                     ProgressListener listener) {
        long start = System.nanoTime();
        TrainingSearch search = new TrainingSearch(problem.workload(), problem.globalBatch(), problem.tokensPerSample());
        TrainingPlan plan = search.search(space, problem.fix(), deadline, solver, listener);
        if (plan == null) {
            return none(problem, space, solver, (System.nanoTime() - start) / 1e9, search.whyNothingFits(space, problem.fix()));
        }
        return plan;
    }

    /** No plan: the note says why. */
    public static TrainingPlan none(TrainingProblem problem, TrainingSpace space, String solver, double seconds, String why) {
        TrainingSetup placeholder = new TrainingSetup(1, 1, 1, 1, 1, PipelineSchedule.ONE_F_ONE_B, 0, Recomputation.NONE,
                false);
        TrainingEvaluation empty = new TrainingEvaluation(placeholder, problem.globalBatch(), 0, List.of(), List.of(),
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0, 0, 0, Double.NaN, List.of(why));
        return new TrainingPlan(empty, new int[] {0, problem.workload().size()}, space, solver, PlanStatus.INFEASIBLE,
                Double.POSITIVE_INFINITY, seconds, why);
    }
}

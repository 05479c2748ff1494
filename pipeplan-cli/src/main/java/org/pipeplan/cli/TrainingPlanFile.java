package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.pipeplan.cli.options.ClusterSettings;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.training.TrainingEvaluation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSpace;
import org.pipeplan.cluster.training.format.TrainingPlanReader;
import org.pipeplan.cluster.training.format.TrainingPlanWriter;
import org.pipeplan.io.InputException;
import org.pipeplan.io.JsonFields;
import org.pipeplan.planner.PlanStatus;

/**
 * A training plan file (format pipeplan-training-plan) read for the model and cluster the options
 * give, priced again by the cost model: what evaluate, simulate and report start from.
 */
record TrainingPlanFile(TrainingProblem problem, TrainingPlan plan) {

    /** Whether the file is a training plan (its format field says so). */
    static boolean is(Path file) {
        return file != null && JsonFields.parse(file).path("format").asText("").equals(TrainingPlanWriter.FORMAT);
    }

    /** Reads the plan; warns on {@code w} when the figure in the file differs from the cost model's. */
    static TrainingPlanFile read(Path file, ProblemOptions problemOptions, ClusterSettings cluster, PrintWriter w) {
        ClusterProblem problem = cluster.problem(problemOptions.load(), problemOptions);
        if (!problem.training()) {
            throw new InputException(file, "a training plan needs the training graph: give --training (ONNX) or --model");
        }
        TrainingProblem training = cluster.trainingProblem(problem, problemOptions);
        TrainingPlanReader.Contents c = TrainingPlanReader.read(file, training);
        TrainingEvaluation e = training.cost(c.setup()).evaluate(c.boundaries());
        TrainingPlan plan = new TrainingPlan(e, c.boundaries(), TrainingSpace.FULL, c.solver(), e.feasible()
                ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE, Double.NaN, 0, "read from " + file.getFileName());
        if (Double.isFinite(c.claimedIterationMs())
                && Math.abs(c.claimedIterationMs() - e.iterationMs()) > 1e-9 * Math.max(1, e.iterationMs())) {
            w.println("WARNING: the plan file says " + TextTable.num(c.claimedIterationMs()) + " ms per iteration, the cost "
                    + "model gives " + TextTable.num(e.iterationMs()));
        }
        return new TrainingPlanFile(training, plan);
    }
}

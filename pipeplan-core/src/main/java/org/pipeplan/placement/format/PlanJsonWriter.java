package org.pipeplan.placement.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.DeviceLoad;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.PlanEvaluation;

/**
 * Writes a plan as JSON (format "pipeplan-plan", version {@link #VERSION}; see
 * docs/plan-format.md). Loads, latency and memory come from the independent evaluation, not from
 * the solver; the solver's own value is kept beside them for comparison.
 */
public final class PlanJsonWriter {

    public static final String FORMAT = "pipeplan-plan";
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanJsonWriter() {
    }

    public static ObjectNode toJson(Plan plan, PlacementProblem problem, PlanEvaluation planEvaluation) {
        Evaluation evaluation = planEvaluation.loads();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("problem", plan.problem());
        root.put("solver", plan.solver());
        root.put("objective", plan.objective().label());
        root.put("status", plan.status().name());
        number(root, "value", planEvaluation.value(plan.objective()));
        number(root, "solverValue", plan.value());
        number(root, "lowerBound", plan.lowerBound());
        number(root, "gap", plan.gap());
        number(root, "maxLoad", evaluation.maxLoad());
        number(root, "throughput", evaluation.throughput());
        if (problem.graph().hasBackward()) {
            number(root, "maxForwardPlusMaxBackward", evaluation.maxForwardPlusMaxBackward());
        }
        number(root, "latency", planEvaluation.latency().latency());
        root.put("feasible", planEvaluation.feasible());
        root.put("contiguous", evaluation.contiguity().contiguous());
        root.put("seconds", Math.round(plan.seconds() * 1000) / 1000.0);
        root.put("note", plan.note());
        ObjectNode stats = root.putObject("stats");
        plan.stats().forEach((k, v) -> {
            if (v instanceof Double || v instanceof Float) {
                number(stats, k, v.doubleValue());
            } else {
                stats.put(k, v.longValue());
            }
        });
        ArrayNode violations = root.putArray("violations");
        planEvaluation.violations().forEach(violations::add);
        ArrayNode devices = root.putArray("devices");
        OperatorGraph g = problem.graph();
        List<Integer> order = plan.pipelineOrder().isEmpty() ? evaluation.contiguity().pipelineOrder()
                : plan.pipelineOrder();
        for (DeviceLoad load : evaluation.devices()) {
            ObjectNode d = devices.addObject();
            d.put("name", load.device().name());
            d.put("kind", load.device().kind().name());
            int stage = order.indexOf(load.device().index());
            if (stage >= 0) {
                d.put("stage", stage);
            } else {
                d.putNull("stage");
            }
            number(d, "load", load.load());
            number(d, "compute", load.compute());
            number(d, "communication", load.communication());
            number(d, "memory", load.memory());
            number(d, "memoryLimit", load.device().memoryLimit());
            int[] onDevice = plan.placement().nodesOn(load.device().index());
            ArrayNode nodes = d.putArray("nodes");
            java.util.Arrays.stream(onDevice).mapToLong(v -> g.operator(v).id()).sorted().forEach(nodes::add);
            if (plan.placement().hasPieces() && onDevice.length > 0) {
                ArrayNode pieces = d.putArray("pieces");
                java.util.Arrays.stream(onDevice).map(plan.placement()::pieceOf).distinct().sorted().forEach(p -> {
                    ArrayNode piece = pieces.addArray();
                    java.util.Arrays.stream(onDevice).filter(v -> plan.placement().pieceOf(v) == p)
                            .mapToLong(v -> g.operator(v).id()).sorted().forEach(piece::add);
                });
            }
        }
        return root;
    }

    public static String toString(Plan plan, PlacementProblem problem, PlanEvaluation evaluation) {
        try {
            return MAPPER.writeValueAsString(toJson(plan, problem, evaluation)) + System.lineSeparator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, Plan plan, PlacementProblem problem, PlanEvaluation evaluation) {
        // a fresh temporary file renamed over the target: an interrupted run never leaves half a plan behind
        org.pipeplan.io.OutputFiles.writeString(file, toString(plan, problem, evaluation));
    }

    /** JSON has no infinity or NaN: such values are written as null. */
    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }
}

package org.pipeplan.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.pipeplan.device.Device;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.DeviceLoad;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.PlanEvaluation;

/** Renders problems, plans and evaluations as readable text. */
public final class PlanPrinter {

    private PlanPrinter() {
    }

    public static String describe(PlacementProblem problem) {
        OperatorGraph g = problem.graph();
        long backward = g.operators().stream().filter(o -> o.isBackward()).count();
        List<Device> accs = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        long cpus = problem.devices().size() - accs.size();
        String header = problem.name() + ": " + g.size() + " nodes" + (backward > 0 ? " (" + backward + " backward)" : "")
                + ", " + g.edgeCount() + " edges; ";
        boolean identical = accs.stream().allMatch(a -> a.kind().equals(accs.get(0).kind())
                && a.memoryLimit() == accs.get(0).memoryLimit());
        if (identical) {
            String memory = accs.isEmpty() ? "" : " x " + TextTable.bytes(accs.get(0).memoryLimit());
            return header + accs.size() + " accelerator" + (accs.size() == 1 ? "" : "s") + memory + ", " + cpus
                    + " CPU core" + (cpus == 1 ? "" : "s");
        }
        // heterogeneous: one entry per kind and memory, in order of appearance
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (Device d : accs) {
            counts.merge(d.kind().name() + " (" + TextTable.bytes(d.memoryLimit()) + ")", 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder(header);
        counts.forEach((k, n) -> b.append(n).append(" x ").append(k).append(", "));
        return b.append(cpus).append(" CPU core").append(cpus == 1 ? "" : "s").toString();
    }

    /** The evaluated metrics of a placement on one line: max-load, throughput, latency (and fw+bw for training). */
    public static String metrics(PlacementProblem problem, PlanEvaluation evaluation) {
        Evaluation loads = evaluation.loads();
        StringBuilder sb = new StringBuilder();
        sb.append("max-load ").append(TextTable.num(loads.maxLoad()))
                .append("  throughput ").append(TextTable.num(loads.throughput(), 6)).append(" samples/time unit")
                // a training graph's latency is one sample's forward and backward pass, in the latency
                // model: a device's forward and backward parts are separate pieces, and every tensor
                // leaving a piece pays its transfer (to the device's own later piece too)
                .append(problem.graph().hasBackward() ? "  latency (forward + backward, per piece) " : "  latency ")
                .append(TextTable.num(evaluation.latency().latency()));
        if (problem.graph().hasBackward()) {
            sb.append("  fw+bw ").append(TextTable.num(loads.maxForwardPlusMaxBackward()));
        }
        return sb.toString();
    }

    public static String summary(PlacementProblem problem, Plan plan, PlanEvaluation evaluation) {
        StringBuilder sb = new StringBuilder();
        sb.append("solver ").append(plan.solver()).append(": ").append(plan.status()).append("  ")
                .append(metrics(problem, evaluation));
        sb.append(System.lineSeparator()).append("minimises ").append(plan.objective().label())
                .append(": ").append(TextTable.num(evaluation.value(plan.objective())))
                .append("  lower bound ").append(TextTable.num(plan.lowerBound()))
                .append("  gap ").append(TextTable.percent(plan.gap()))
                .append("  contiguous ").append(evaluation.loads().contiguity().contiguous() ? "yes" : "no")
                .append("  feasible ").append(evaluation.feasible() ? "yes" : "NO")
                .append("  ").append(TextTable.seconds(plan.seconds())).append(" s");
        if (!plan.stats().isEmpty()) {
            sb.append(System.lineSeparator()).append(plan.stats().entrySet().stream()
                    .map(e -> e.getKey() + " " + (e.getValue() instanceof Double d ? TextTable.num(d) : e.getValue()))
                    .collect(Collectors.joining(", ")));
        }
        if (!plan.note().isEmpty()) {
            sb.append(System.lineSeparator()).append("note: ").append(plan.note());
        }
        return sb.toString();
    }

    /** One row per device: the pipeline stages in order, then the devices outside the pipeline. */
    public static String deviceTable(Evaluation evaluation, List<Integer> pipelineOrder) {
        List<Integer> order = pipelineOrder.isEmpty() ? evaluation.contiguity().pipelineOrder() : pipelineOrder;
        List<DeviceLoad> rows = new ArrayList<>();
        order.forEach(index -> rows.add(evaluation.devices().get(index)));
        evaluation.devices().stream().filter(d -> !order.contains(d.device().index())).forEach(rows::add);
        TextTable t = new TextTable("stage", "device", "kind", ">nodes", ">compute", ">transfers", ">load",
                ">% of max", ">memory", ">limit");
        for (DeviceLoad d : rows) {
            int stage = order.indexOf(d.device().index());
            t.row(stage >= 0 ? String.valueOf(stage) : "-", d.device().name(), d.device().kind().name(), d.nodes(),
                    TextTable.num(d.compute(), 8), TextTable.num(d.communication(), 8), TextTable.num(d.load(), 10),
                    evaluation.maxLoad() > 0 ? String.format("%.1f", 100 * d.load() / evaluation.maxLoad()) : "-",
                    TextTable.bytes(d.memory()),
                    TextTable.bytes(d.device().memoryLimit()) + (d.memoryExceeded() ? " EXCEEDED" : ""));
        }
        return t.render();
    }

    public static void printNodes(PrintWriter out, PlacementProblem problem, Placement placement) {
        OperatorGraph g = problem.graph();
        for (Device d : problem.devices().all()) {
            int[] nodes = placement.nodesOn(d.index());
            if (nodes.length == 0) {
                continue;
            }
            StringBuilder sb = new StringBuilder(d.name()).append(':');
            for (int v : nodes) {
                sb.append(' ').append(g.operator(v).id());
            }
            out.println(sb);
        }
    }

    public static void printProblems(PrintWriter out, PlanEvaluation evaluation) {
        for (String v : evaluation.violations()) {
            out.println("INFEASIBLE: " + v);
        }
        var contiguity = evaluation.loads().contiguity();
        if (!contiguity.contiguous()) {
            out.println("not contiguous: the devices do not form a pipeline"
                    + (contiguity.nonConvexDevices().isEmpty() ? ""
                    : "; non-convex devices: " + String.join(", ", contiguity.nonConvexDevices())));
        }
    }
}

package org.pipeplan.report;

import java.util.Locale;
import org.pipeplan.cluster.training.MemoryBreakdown;
import org.pipeplan.cluster.training.TrainingEvaluation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingRank;
import org.pipeplan.cluster.training.TrainingSimulation;
import org.pipeplan.cluster.training.TrainingStage;

/**
 * The report of a training plan on a GPU cluster as one self-contained HTML file (docs/training.md):
 * the decisions and the figures of the cost model beside the simulator's, every chunk, every
 * rank's memory part by part against the GPU's (a stacked bar chart), and the simulated iteration
 * as a Gantt chart of every rank's passes, gradient reduction and optimizer step.
 */
public final class TrainingReport {

    private static final double GIB = 1L << 30;
    private static final String[] MEMORY_COLOURS = {"#4e79a7", "#59a14f", "#f28e2b", "#e15759", "#9c9c9c"};
    private static final String[] MEMORY_PARTS = {"parameters", "gradients", "optimizer states", "activations", "buffers"};

    private TrainingReport() {
    }

    /**
     * @param title      the model and cluster, one line
     * @param plan       the plan, priced by the cost model
     * @param simulation its simulation, with its trace
     * @param capacity   memory of one GPU, bytes
     */
    public static String render(String title, TrainingPlan plan, TrainingSimulation simulation, double capacity) {
        TrainingEvaluation e = plan.evaluation();
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>pipeplan training report</title>\n")
                .append("<style>\n").append(HtmlReport.CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>pipeplan training report</h1>\n<p class=\"sub\">").append(Svg.escape(title)).append("</p>\n");
        h.append("<section id=\"summary\"><h2>Plan</h2>\n<table class=\"kv\">\n");
        row(h, "solver", plan.solver() + ", " + plan.status().name() + " (" + plan.note() + ")");
        row(h, "decisions", plan.setup().toString());
        row(h, "iteration (model)", String.format(Locale.ROOT, "%.3f ms: pipeline %.3f ms, then %.3f ms of gradient sync "
                + "and optimizer step", e.iterationMs(), e.pipelineMs(), e.iterationMs() - e.pipelineMs()));
        row(h, "iteration (simulated)", String.format(Locale.ROOT, "%.3f ms, %.2f%% of the model's", simulation.iterationMs(),
                100 * simulation.iterationMs() / e.iterationMs()));
        row(h, "throughput", String.format(Locale.ROOT, "%.4g samples/s, %.4g tokens/s", e.samplesPerSecond(),
                e.tokensPerSecond()));
        if (!Double.isNaN(e.modelTflopsPerGpu())) {
            row(h, "TFLOP/s per GPU", String.format(Locale.ROOT, "%.1f of model FLOPs (MFU %.1f%%, recomputation not "
                    + "counted), %.1f with recomputation", e.modelTflopsPerGpu(), 100 * e.mfu(), e.hardwareTflopsPerGpu()));
        }
        row(h, "micro-batches", e.microBatches() + " per pipeline and iteration, of " + plan.setup().microBatch() + " samples");
        row(h, "feasible", e.feasible() ? "yes" : "NO: " + String.join("; ", e.problems()));
        h.append("</table></section>\n");

        h.append("<section id=\"chunks\"><h2>Chunks</h2>\n<table class=\"grid\"><tr><th>chunk</th><th>layers</th><th>rank</th>"
                + "<th>forward ms</th><th>backward ms</th><th>parameters per GPU</th></tr>\n");
        for (int c = 0; c < e.stages().size(); c++) {
            TrainingStage s = e.stages().get(c);
            h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d-%d</td><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4g</td></tr>%n",
                    c, s.firstLayer(), s.endLayer() - 1, s.rank(), s.forward(), s.backward(), s.parameters()));
        }
        h.append("</table></section>\n");

        h.append("<section id=\"memory\"><h2>Memory per GPU</h2>\n<figure><div class=\"scroll\">")
                .append(memoryChart(e, capacity)).append("</div><figcaption>Memory of one GPU of every pipeline rank, part "
                        + "by part, against the GPU's ").append(String.format(Locale.ROOT, "%.1f GiB", capacity / GIB))
                .append(" (red line).</figcaption></figure>\n<table class=\"grid\"><tr><th>rank</th>");
        for (String part : MEMORY_PARTS) {
            h.append("<th>").append(part).append(" GiB</th>");
        }
        h.append("<th>total GiB</th><th>in flight</th><th>sync ms</th><th>exposed ms</th><th>step ms</th></tr>\n");
        for (TrainingRank r : e.ranks()) {
            MemoryBreakdown m = r.memory();
            h.append("<tr><td>").append(r.rank()).append("</td>");
            for (double v : parts(m)) {
                h.append(String.format(Locale.ROOT, "<td>%.2f</td>", v / GIB));
            }
            h.append(String.format(Locale.ROOT, "<td%s>%.2f</td><td>%.0f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>%n",
                    m.total() > capacity ? " class=\"bad\"" : "", m.total() / GIB, r.inFlight(), r.gradientSync(),
                    r.exposedSync(), r.optimizerStep()));
        }
        h.append("</table></section>\n");

        h.append("<section id=\"gantt\"><h2>Simulated iteration</h2>\n<figure><div class=\"scroll\">")
                .append(gantt(simulation)).append("</div><figcaption>Every pipeline rank's forward (light) and backward (dark) "
                        + "passes, coloured by chunk, its gradient reduction (black) and its optimizer step (grey), as the "
                        + "simulator ran them.</figcaption></figure></section>\n");
        h.append("<footer>pipeplan; the model is docs/training.md, the simulator TrainingSimulator.</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static double[] parts(MemoryBreakdown m) {
        return new double[] {m.parameters(), m.gradients(), m.optimizerStates(), m.activations(), m.buffers()};
    }

    private static String memoryChart(TrainingEvaluation e, double capacity) {
        int ranks = e.ranks().size();
        double barWidth = Math.max(6, Math.min(40, 900.0 / Math.max(1, ranks)));
        double width = 60 + ranks * (barWidth + 4) + 140;
        double height = 240;
        double top = e.ranks().stream().mapToDouble(r -> r.memory().total()).max().orElse(0);
        double scale = (height - 40) / Math.max(capacity, top);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg id=\"memory-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                + "height=\"%.0f\">%n", width, height));
        for (int i = 0; i < ranks; i++) {
            MemoryBreakdown m = e.ranks().get(i).memory();
            double y = height - 20;
            double[] values = parts(m);
            for (int k = 0; k < values.length; k++) {
                double hgt = values[k] * scale;
                y -= hgt;
                s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.2f\" "
                                + "fill=\"%s\"><title>rank %d %s: %.2f GiB</title></rect>%n", 50 + i * (barWidth + 4), y,
                        barWidth, hgt, MEMORY_COLOURS[k], i, MEMORY_PARTS[k], values[k] / GIB));
            }
        }
        double limit = height - 20 - capacity * scale;
        s.append(String.format(Locale.ROOT, "<line x1=\"45\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-dasharray=\"4 3\"/>%n", 50 + ranks * (barWidth + 4), limit, limit, Palette.LIMIT));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\" font-size=\"11\">%.0f GiB</text>%n", limit + 4,
                capacity / GIB));
        for (int k = 0; k < MEMORY_PARTS.length; k++) {
            double x = 60 + ranks * (barWidth + 4);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>%n", x, 20 + 16 * k, MEMORY_COLOURS[k], x + 14,
                    29 + 16 * k, MEMORY_PARTS[k]));
        }
        return s.append("</svg>").toString();
    }

    private static String gantt(TrainingSimulation sim) {
        int ranks = sim.ranks().size();
        double rowHeight = 18;
        double width = 1100;
        double left = 60;
        double scale = (width - left - 10) / Math.max(1e-12, sim.iterationMs());
        double height = ranks * (2 * rowHeight + 4) + 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg id=\"gantt-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                + "height=\"%.0f\">%n", width, height));
        for (int r = 0; r < ranks; r++) {
            s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\" font-size=\"11\">rank %d</text>%n",
                    r * (2 * rowHeight + 4) + rowHeight, r));
        }
        for (TrainingSimulation.Event ev : sim.trace()) {
            double y = ev.rank() * (2 * rowHeight + 4) + 4;
            String colour;
            String what;
            switch (ev.kind()) {
                case FORWARD -> {
                    colour = Palette.lighter(Palette.colour(ev.chunk()), 0.45);
                    what = "forward, chunk " + ev.chunk() + ", micro-batch " + ev.microBatch();
                }
                case BACKWARD -> {
                    colour = Palette.colour(ev.chunk());
                    what = "backward, chunk " + ev.chunk() + ", micro-batch " + ev.microBatch();
                }
                case OPTIMIZER_STEP -> {
                    colour = "#9c9c9c";
                    what = "optimizer step";
                }
                default -> {
                    colour = Palette.ALLREDUCE;
                    what = ev.kind() == TrainingSimulation.Kind.TIED_SYNC ? "tied embedding all-reduce"
                            : "gradient reduction, layer " + ev.layer();
                    y += rowHeight;
                }
            }
            s.append(String.format(Locale.ROOT, "<rect class=\"task\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s: %.4f to %.4f ms</title></rect>%n", left + ev.startMs() * scale, y,
                    Math.max(0.5, (ev.endMs() - ev.startMs()) * scale), rowHeight - 2, colour, Svg.escape(what), ev.startMs(),
                    ev.endMs()));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">0 ms</text>"
                + "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%.3f ms</text>%n", left, height - 6,
                width - 10, height - 6, sim.iterationMs()));
        return s.append("</svg>").toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(Svg.escape(key)).append("</th><td>").append(Svg.escape(value)).append("</td></tr>\n");
    }
}

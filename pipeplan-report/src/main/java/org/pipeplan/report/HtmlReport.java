package org.pipeplan.report;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.sim.DeviceActivity;
import org.pipeplan.sim.SimulationResult;

/**
 * The report as one self-contained HTML file: inline CSS, inline SVG charts and no external
 * resource, so it opens offline. A small script records, once the page is drawn, how many shapes
 * of every chart have a size (in the body's {@code data-rendered} attribute), which the end-to-end
 * test reads from a headless browser.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    public static String render(ReportInput in) {
        Plan plan = in.plan();
        Evaluation loads = in.evaluation().loads();
        SimulationResult sim = in.simulation();
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>pipeplan report: ")
                .append(Svg.escape(in.problem().name())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>pipeplan report: ").append(Svg.escape(in.problem().name())).append("</h1>\n");
        h.append("<p class=\"sub\">").append(Svg.escape(describe(in))).append("</p>\n");

        h.append("<section id=\"summary\"><h2>Plan</h2>\n<table class=\"kv\">\n");
        row(h, "solver", plan.solver() + " (minimises " + plan.objective().label() + ")");
        row(h, "status", plan.status().name() + (plan.proven() ? "" : Double.isNaN(plan.lowerBound()) ? ", no bound"
                : ", gap " + Units.percent(plan.gap()) + " to the lower bound " + Units.num(plan.lowerBound())));
        row(h, "max-load (time per sample)", Units.num(loads.maxLoad()) + " on " + loads.bottleneck().device().name());
        row(h, "throughput (model)", Units.num(loads.throughput()) + " samples per time unit");
        row(h, "latency (one sample, model)", Units.num(in.evaluation().latency().latency()));
        if (in.problem().graph().hasBackward()) {
            row(h, "max forward + max backward", Units.num(loads.maxForwardPlusMaxBackward()));
        }
        row(h, "layout", loads.contiguity().contiguous() ? "pipeline of contiguous stages" : "not contiguous");
        row(h, "feasible", in.evaluation().feasible() ? "yes" : "NO: " + String.join("; ", in.evaluation().violations()));
        row(h, "solve time", Units.num(plan.seconds()) + " s");
        if (!plan.note().isEmpty()) {
            row(h, "note", plan.note());
        }
        h.append("</table></section>\n");

        h.append("<section id=\"simulation\"><h2>Simulated run</h2>\n<table class=\"kv\">\n");
        var o = sim.options();
        row(h, "schedule", o.schedule().label() + (o.schedule().training()
                ? ", " + o.microBatches() + " micro-batches per mini-batch, " + o.miniBatches() + " mini-batches"
                : ", " + o.microBatches() + " samples") + (o.overlapTransfers() ? ", transfers overlap compute" : "")
                + (o.sharedLink() ? ", one shared link" : "") + (o.linkLatency() > 0 ? ", link latency " + Units.num(o.linkLatency()) : ""));
        row(h, "throughput (simulated)", Units.num(sim.throughput()) + " samples per time unit, "
                + Units.percent(sim.agreement()) + " of the model's " + Units.num(sim.analyticThroughput()));
        row(h, "latency alone / under load", Units.num(sim.latencyAlone()) + " / " + Units.num(sim.latencyMean())
                + " (95th percentile " + Units.num(sim.latencyP95()) + ")");
        row(h, "bubble (idle share of used devices)", Units.percent(sim.bubbleFraction()));
        if (!sim.note().isEmpty()) {
            row(h, "note", sim.note());
        }
        h.append("</table>\n");
        h.append("<table class=\"grid\"><tr><th>device</th><th>replicas</th><th>compute / sample</th><th>transfers / sample</th>"
                + "<th>utilisation</th><th>memory (model)</th><th>in flight (peak)</th><th>stashed (peak)</th><th>limit</th></tr>\n");
        for (DeviceActivity d : sim.devices()) {
            h.append("<tr><td>").append(Svg.escape(d.device().name())).append("</td><td>").append(d.replicas())
                    .append("</td><td>").append(Units.num(d.computeBusy())).append("</td><td>").append(Units.num(d.transferBusy()))
                    .append("</td><td>").append(Units.percent(d.utilisation())).append("</td><td>").append(Units.bytes(d.modelMemory()))
                    .append("</td><td>").append(Units.bytes(d.peakInFlight())).append("</td><td>").append(Units.bytes(d.peakStashed()))
                    .append("</td><td").append(d.memoryExceeded() ? " class=\"bad\">" : ">")
                    .append(Units.bytes(d.device().memoryLimit())).append("</td></tr>\n");
        }
        h.append("</table></section>\n");

        figure(h, "loads", "Load per device", LoadChart.svg(loads),
                "Compute plus transfers per sample on each device, as the cost model adds them; the dashed line is the max-load.");
        figure(h, "memory", "Memory per device", MemoryChart.svg(sim.devices()),
                "Operator memory as the cost model counts it, plus the simulated peak of tensors held at once, against each device's limit.");
        figure(h, "gantt", "Simulated schedule", GanttChart.svg(sim),
                "The start of the simulated run (" + (o.schedule().training() ? "first two mini-batches" : "first "
                        + GanttChart.STREAMING_SAMPLES_SHOWN + " samples") + "). Hover a block for its sample and times.");
        GraphView.Drawing graph = GraphView.draw(in.problem(), plan.placement(), loads.contiguity().pipelineOrder());
        figure(h, "graph", "Operator graph by device (stage)", graph.svg(), graph.caption() + " Dark edges cross devices.");

        if (!in.comparison().isEmpty()) {
            h.append("<section id=\"comparison\"><h2>Solvers and baselines</h2>\n<table class=\"grid\"><tr><th>method</th>"
                    + "<th>status</th><th>max-load</th><th>throughput</th><th>latency</th><th>lower bound</th><th>gap</th>"
                    + "<th>vs this plan</th><th>contiguous</th><th>feasible</th><th>seconds</th></tr>\n");
            for (ComparisonRow r : in.comparison()) {
                if (!r.ran()) {
                    h.append("<tr><td>").append(Svg.escape(r.method())).append("</td><td class=\"bad\">")
                            .append(Svg.escape(r.status())).append("</td><td colspan=\"9\"></td></tr>\n");
                    continue;
                }
                h.append("<tr><td>").append(Svg.escape(r.method())).append("</td><td")
                        .append(r.status().startsWith("INTERRUPTED") ? " class=\"bad\">" : ">").append(Svg.escape(r.status()))
                        .append("</td><td>")
                        .append(Units.num(r.maxLoad())).append("</td><td>").append(Units.num(r.throughput())).append("</td><td>")
                        .append(Units.num(r.latency())).append("</td><td>").append(Units.num(r.lowerBound())).append("</td><td>")
                        .append(Units.percent(r.gap())).append("</td><td>x")
                        .append(Units.num(r.maxLoad() / loads.maxLoad())).append("</td><td>").append(r.contiguous() ? "yes" : "no")
                        .append("</td><td").append(r.feasible() ? ">yes" : " class=\"bad\">NO").append("</td><td>")
                        .append(Units.num(r.seconds())).append("</td></tr>\n");
            }
            h.append("</table><p class=\"caption\">\"vs this plan\" is the method's max-load over this plan's: above 1, this plan is faster.</p></section>\n");
        }
        if (in.run() != null) {
            RunMeasurement run = in.run();
            h.append("<section id=\"measured\"><h2>Predicted against measured</h2>\n<table class=\"kv\">\n");
            row(h, "throughput", "predicted " + Units.num(run.predictedThroughput()) + " samples/s, measured "
                    + Units.num(run.measuredThroughput()) + " samples/s (error "
                    + Units.percent((run.predictedThroughput() - run.measuredThroughput()) / run.measuredThroughput()) + ")");
            if (!Double.isNaN(run.measuredLatencyMs())) {
                row(h, "latency (one sample)", "predicted " + Units.num(run.predictedLatencyMs()) + " ms, measured "
                        + Units.num(run.measuredLatencyMs()) + " ms");
            }
            if (!Double.isNaN(run.speedup())) {
                row(h, "speed-up over the whole model on one stage's threads", "x" + Units.num(run.speedup()));
            }
            h.append("</table>\n");
            h.append("<figure>").append(MeasuredChart.svg(run)).append("<figcaption>Busy time per sample of every stage: "
                    + "predicted by the cost model, measured by pipeplan run.</figcaption></figure></section>\n");
        }
        h.append("<footer>Made by pipeplan. Loads and latency come from the independent evaluator; the schedule, "
                + "utilisation, bubble and peak memory from the discrete-event simulator.</footer>\n");
        h.append("<script>\n").append(SELF_CHECK).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String describe(ReportInput in) {
        List<String> parts = new ArrayList<>();
        parts.add(in.problem().graph().size() + " operators, " + in.problem().graph().edgeCount() + " edges");
        List<String> devices = new ArrayList<>();
        for (Device d : in.problem().devices().all()) {
            devices.add(d.name());
        }
        parts.add("devices " + String.join(", ", devices));
        return String.join("; ", parts);
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(Svg.escape(key)).append("</th><td>").append(Svg.escape(value)).append("</td></tr>\n");
    }

    private static void figure(StringBuilder h, String id, String title, String svg, String caption) {
        h.append("<section id=\"").append(id).append("\"><h2>").append(Svg.escape(title)).append("</h2>\n<figure><div class=\"scroll\">")
                .append(svg).append("</div><figcaption>").append(Svg.escape(caption)).append("</figcaption></figure></section>\n");
    }

    static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1200px;
                   color: #222; padding: 0 16px; }
            h1 { font-size: 1.5em; margin-bottom: 0.2em; }
            h2 { font-size: 1.15em; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 1.6em; }
            .sub, .caption, figcaption { color: #555; font-size: 0.9em; }
            table { border-collapse: collapse; font-size: 0.9em; margin: 8px 0; }
            table.kv th { text-align: left; padding: 3px 16px 3px 0; font-weight: 600; vertical-align: top; }
            table.grid th, table.grid td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
            table.grid th:first-child, table.grid td:first-child { text-align: left; }
            td.bad { color: #c0392b; font-weight: 600; }
            figure { margin: 8px 0; }
            .scroll { overflow-x: auto; }
            svg text { font-family: inherit; }
            svg .task:hover, svg .bar:hover, svg .node:hover { opacity: 0.75; }
            footer { margin-top: 2em; color: #777; font-size: 0.8em; }
            """;

    /** Counts, per chart, the shapes the browser gave a size to. */
    private static final String SELF_CHECK = """
            window.addEventListener('load', function () {
              var out = {};
              document.querySelectorAll('svg[id]').forEach(function (svg) {
                var shapes = svg.querySelectorAll('rect.bar, rect.task, circle.node, path.edge');
                var drawn = 0;
                shapes.forEach(function (s) { var b = s.getBBox(); if (b.width > 0 || b.height > 0) { drawn++; } });
                var box = svg.getBoundingClientRect();
                out[svg.id] = {shapes: shapes.length, drawn: drawn, width: Math.round(box.width), height: Math.round(box.height)};
              });
              document.body.setAttribute('data-rendered', JSON.stringify(out));
            });
            """;
}

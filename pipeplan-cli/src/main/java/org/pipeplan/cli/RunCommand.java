package org.pipeplan.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.OptionChecks;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.io.OutputFiles;
import org.pipeplan.onnx.runtime.OrtSessions;
import org.pipeplan.onnx.runtime.PipelineMeasurement;
import org.pipeplan.onnx.runtime.PipelineRunner;
import org.pipeplan.onnx.runtime.RandomInputs;
import org.pipeplan.onnx.stage.StageModel;
import org.pipeplan.planner.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the stages of a plan as a real pipeline on ONNX Runtime and compares with the prediction.",
            "One worker thread per stage with its own session and --threads-per-stage intra-op threads, joined by "
                + "bounded queues; seeded sample inputs stream through after a warm-up. Prints per stage the "
                + "PREDICTED time (the evaluator's load of its device, in ms with --node-times from pipeplan profile) "
                + "against the MEASURED busy time per sample with every stage busy and the ALONE time with one sample in "
                + "flight (the other stages idle), then throughput and latency, and the speed-up over the "
                + "whole model on one session with --threads-per-stage threads. --out saves it all as JSON "
                + "(format pipeplan-run)."})
final class RunCommand implements Callable<Integer> {

    static final String FORMAT = "pipeplan-run";
    /** Samples sent one at a time to measure latency without queueing. */
    static final int LATENCY_SAMPLES = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Option(names = {"-p", "--plan"}, required = true, paramLabel = "PLAN.json", description = "The plan to run.")
    Path planFile;

    @Option(names = "--samples", defaultValue = "100", description = "Samples timed (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--warmup", defaultValue = "10", description = "Samples run first, untimed (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads-per-stage", defaultValue = "1", description = "Intra-op threads of each stage (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--queue", defaultValue = "2", description = "Capacity of the queue before each stage (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--graph-optimization", defaultValue = "none", paramLabel = "LEVEL",
            description = "ONNX Runtime graph optimisation of the stages: none (as profiled), basic, extended or all "
                    + "(default: ${DEFAULT-VALUE}).")
    String optimization;

    @Option(names = "--no-baseline", description = "Skip the whole-model run.")
    boolean noBaseline;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of random weights and sample inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "RUN.json", description = "Save the measurements as JSON.")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws OrtException {
        OptionChecks.range("--samples", samples, 1, 10_000_000);
        OptionChecks.range("--warmup", warmup, 0, 10_000_000);
        OptionChecks.range("--threads-per-stage", threads, 1, 1024);
        OptionChecks.range("--queue", queue, 1, 1_000_000);
        OrtSessions.Optimization level = OrtSessions.Optimization.parse(optimization);
        PrintWriter w = spec.commandLine().getOut();
        StagedModel staged = StagedModel.load(problemOptions, planFile, seed, true);
        List<StageModel> stages = staged.stages();
        ProgressListener progress = TerminalProgress.forTerminal(quiet);
        Map<String, OnnxTensor> inputs = RandomInputs.of(staged.model(), seed);
        PipelineMeasurement pipeline;
        PipelineMeasurement alone;
        PipelineMeasurement whole = null;
        try {
            PipelineMeasurement[] m = measure(stages, inputs, level, progress);
            pipeline = m[0];
            alone = m[1];
            if (!noBaseline) {
                whole = measure(List.of(staged.whole()), inputs, level, progress)[0];
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }

        w.println(staged.model().name() + ": " + stages.size() + " stages, " + threads + " thread(s) each, queues of "
                + queue + ", graph optimisation " + level.name().toLowerCase() + ", " + samples + " samples after "
                + warmup + " warm-up");
        if (staged.weights().randomTensors() > 0) {
            w.println("note: random weights for " + staged.weights().randomTensors() + " initializers without data");
        }
        // "alone": the stage's busy time with one sample in flight, every other stage idle; against
        // "measured" (all stages busy at once) it shows what the stages cost each other (shared caches,
        // memory bandwidth), against "predicted" what the node times miss
        TextTable t = new TextTable("stage", "device", "nodes", "predicted ms", "measured ms", "error", "alone ms", "busy");
        for (StageModel s : stages) {
            double predicted = staged.predictedMs(s);
            double measured = pipeline.busyMsPerSample().get(s.index());
            t.row(s.index(), s.device(), s.nodes().size(), TextTable.num(predicted, 4), TextTable.num(measured, 4),
                    TextTable.num(100 * (predicted - measured) / measured, 3) + "%",
                    TextTable.num(alone.busyMsPerSample().get(s.index()), 4),
                    TextTable.num(100 * pipeline.utilisation(s.index()), 3) + "%");
        }
        w.println();
        w.print(t.render());
        w.println();
        double predictedThroughput = predictedThroughput(staged);
        w.printf("throughput  predicted %.2f samples/s  measured %.2f samples/s  (error %+.1f%%)%n", predictedThroughput,
                pipeline.throughput(), 100 * (predictedThroughput - pipeline.throughput()) / pipeline.throughput());
        w.printf("latency     predicted %.3f ms  measured one sample at a time: mean %.3f ms, median %.3f ms, p95 %.3f ms%n",
                predictedLatency(staged), alone.latencyMeanMs(), alone.latencyP50Ms(), alone.latencyP95Ms());
        w.printf("            with the pipeline full (queueing included): mean %.3f ms, p95 %.3f ms%n",
                pipeline.latencyMeanMs(), pipeline.latencyP95Ms());
        if (whole != null) {
            w.printf("whole model on one session (%d thread(s)): %.2f samples/s, %.3f ms per sample; pipeline speed-up %.2fx%n",
                    threads, whole.throughput(), whole.busyMsPerSample().get(0), pipeline.throughput() / whole.throughput());
        }
        if (out != null) {
            save(staged, pipeline, alone, whole, level);
            w.println("saved to " + out);
        }
        return 0;
    }

    /** Samples per second of the slowest stage's predicted time (ms). */
    private static double predictedThroughput(StagedModel staged) {
        return 1000 / staged.stages().stream().mapToDouble(staged::predictedMs).max().orElse(Double.NaN);
    }

    /**
     * One sample through the stages: the plan's latency in the latency model (docs/algorithms.md)
     * that plan, evaluate and report print, from node times without the contention of busy cores
     * (one sample in flight keeps one core busy), as plan --objective latency builds them.
     */
    private static double predictedLatency(StagedModel staged) {
        return staged.aloneLatency();
    }

    /** Throughput with the pipeline full, then latency with one sample in flight. */
    private PipelineMeasurement[] measure(List<StageModel> stages, Map<String, OnnxTensor> inputs,
                                          OrtSessions.Optimization level, ProgressListener progress) throws OrtException {
        try (PipelineRunner runner = new PipelineRunner(stages, threads, level, queue)) {
            if (warmup > 0) {
                runner.measure(inputs, warmup, Integer.MAX_VALUE, ProgressListener.NONE);
            }
            PipelineMeasurement full = runner.measure(inputs, samples, Integer.MAX_VALUE, progress);
            PipelineMeasurement single = runner.measure(inputs, Math.min(samples, LATENCY_SAMPLES), 1, ProgressListener.NONE);
            return new PipelineMeasurement[] {full, single};
        }
    }

    private void save(StagedModel staged, PipelineMeasurement pipeline, PipelineMeasurement alone,
                      PipelineMeasurement whole, OrtSessions.Optimization level) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("model", staged.model().name());
        root.put("plan", planFile.toString());
        root.put("threadsPerStage", threads);
        root.put("queue", queue);
        root.put("graphOptimization", level.name().toLowerCase());
        root.put("samples", samples);
        root.put("unit", "ms");
        ArrayNode stages = root.putArray("stages");
        for (StageModel s : staged.stages()) {
            ObjectNode o = stages.addObject();
            o.put("index", s.index());
            o.put("device", s.device());
            o.put("nodes", s.nodes().size());
            o.put("predictedMs", staged.predictedMs(s));
            o.put("measuredMs", pipeline.busyMsPerSample().get(s.index()));
            o.put("aloneMs", alone.busyMsPerSample().get(s.index()));
            o.put("utilisation", pipeline.utilisation(s.index()));
        }
        ObjectNode measured = root.putObject("measured");
        measured.put("throughput", pipeline.throughput());
        measured.put("latencyMeanMs", alone.latencyMeanMs());
        measured.put("latencyP50Ms", alone.latencyP50Ms());
        measured.put("latencyP95Ms", alone.latencyP95Ms());
        measured.put("loadedLatencyMeanMs", pipeline.latencyMeanMs());
        measured.put("loadedLatencyP95Ms", pipeline.latencyP95Ms());
        measured.put("seconds", pipeline.seconds());
        ObjectNode predicted = root.putObject("predicted");
        predicted.put("throughput", predictedThroughput(staged));
        predicted.put("latencyMs", predictedLatency(staged));
        if (whole != null) {
            ObjectNode w = root.putObject("wholeModel");
            w.put("throughput", whole.throughput());
            w.put("msPerSample", whole.busyMsPerSample().get(0));
            root.put("speedup", pipeline.throughput() / whole.throughput());
        }
        try {
            OutputFiles.writeString(out, mapper.writeValueAsString(root) + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}

package org.pipeplan.onnx.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.onnx.graph.NodeTimes;
import org.pipeplan.onnx.model.ModelWeights;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.planner.ProgressListener;

/**
 * Measures per-node CPU times of a model with ONNX Runtime's profiler: graph optimisations off
 * (so every node keeps its name and is timed on its own), one session with the given threads,
 * a few warm-up runs, then the mean kernel time of each node over the timed runs. The times are then
 * calibrated against runs of a second session without the profiler: what the kernels do not
 * account for (the runtime's per-node dispatch, allocations, binding inputs) is shared equally among
 * the nodes, and kernels the profiler slowed down shrink in proportion, so the node times add up to
 * the time of a plain run. With {@code concurrent} of 2 or more, runs are then repeated in that many
 * sessions at once, one per core, in rounds against runs alone: how much slower they run together
 * is the contention (shared caches and memory bandwidth) that a pipeline's stages, all busy at
 * once, see.
 */
public final class NodeProfiler {

    /**
     * A profile: node times calibrated to add up to a plain run, the plain run's mean time, the
     * profiled run's mean time, the mean sum of kernel times, and how many nodes were timed.
     */
    public record Profile(NodeTimes times, double runMs, double profiledRunMs, double kernelMs, int profiledNodes,
                          double concurrentRunMs) {
    }

    private NodeProfiler() {
    }

    public static Profile profile(OnnxModel model, int threads, int warmup, int runs, long seed, int concurrent,
                                  ProgressListener progress) throws OrtException {
        ModelProto proto = named(ModelWeights.complete(model, seed).proto());
        Path dir;
        try {
            dir = Files.createTempDirectory("pipeplan-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path traceFile;
        double plainRunMs;
        double[] together = {Double.NaN, 1};
        Map<String, OnnxTensor> inputs = RandomInputs.of(model, seed);
        try {
            progress.begin("profiling " + model.name(), 2L * (warmup + runs));
            try (OrtSession.SessionOptions options = OrtSessions.options(threads, OrtSessions.Optimization.NONE)) {
                options.enableProfiling(dir.resolve("ort").toString());
                try (OrtSession session = OrtSessions.create(proto, options)) {
                    for (int i = 0; i < warmup + runs; i++) {
                        session.run(inputs).close();
                        progress.advance(i + 1);
                    }
                    traceFile = Path.of(session.endProfiling());
                }
            }
            try (OrtSession.SessionOptions options = OrtSessions.options(threads, OrtSessions.Optimization.NONE);
                 OrtSession session = OrtSessions.create(proto, options)) {
                plainRunMs = timeRuns(session, inputs, warmup, runs);
            }
            if (concurrent >= 2) {
                together = contention(proto, threads, concurrent, inputs, warmup, runs);
            }
            progress.end();
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
        try {
            Profile p = parse(model, traceFile, threads, warmup, plainRunMs);
            if (concurrent < 2) {
                return p;
            }
            // faster together than alone is noise: no contention then
            NodeTimes.Contention contention = new NodeTimes.Contention(concurrent, Math.max(1, together[1]));
            NodeTimes t = p.times();
            return new Profile(new NodeTimes(t.model(), t.device(), t.threads(), t.runs(), t.times(), contention),
                    p.runMs(), p.profiledRunMs(), p.kernelMs(), p.profiledNodes(), together[0]);
        } finally {
            try {
                Files.deleteIfExists(traceFile);
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    /** Mean wall time of a run without the profiler, as a pipeline stage would see it (inputs bound, results made). */
    private static double timeRuns(OrtSession session, Map<String, OnnxTensor> inputs, int warmup, int runs)
            throws OrtException {
        for (int i = 0; i < warmup; i++) {
            session.run(inputs).close();
        }
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            session.run(inputs).close();
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }

    /** Rounds of alone-then-together batches whose median ratio is the contention. */
    static final int CONTENTION_ROUNDS = 5;

    /**
     * How much slower a run is while {@code sessions} sessions run the model at once, each on its own
     * thread, than alone: rounds of a batch alone on the first session, then a batch on all of them
     * together (started at once). The median of the rounds' ratios is taken, so that the machine's
     * drift between batches cancels. Returns {mean ms of a run together, slowdown}.
     */
    private static double[] contention(ModelProto proto, int threads, int sessions, Map<String, OnnxTensor> inputs,
                                       int warmup, int runs) throws OrtException {
        List<OrtSession> open = new ArrayList<>();
        try (OrtSession.SessionOptions options = OrtSessions.options(threads, OrtSessions.Optimization.NONE)) {
            for (int k = 0; k < sessions; k++) {
                open.add(OrtSessions.create(proto, options));
                for (int i = 0; i < warmup; i++) {
                    open.get(k).run(inputs).close();
                }
            }
            int batch = Math.max(2, runs / 4);
            double[] ratios = new double[CONTENTION_ROUNDS];
            double togetherSum = 0;
            for (int round = 0; round < CONTENTION_ROUNDS; round++) {
                double alone = timeRuns(open.get(0), inputs, 0, batch);
                double together = timeTogether(open, inputs, batch);
                ratios[round] = together / alone;
                togetherSum += together;
            }
            java.util.Arrays.sort(ratios);
            return new double[] {togetherSum / CONTENTION_ROUNDS, ratios[CONTENTION_ROUNDS / 2]};
        } finally {
            OrtSessions.closeAll(open);
        }
    }

    /** Mean time of a run while every session runs {@code runs} runs at once. */
    private static double timeTogether(List<OrtSession> sessions, Map<String, OnnxTensor> inputs, int runs)
            throws OrtException {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(sessions.size());
        double[] meanMs = new double[sessions.size()];
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int k = 0; k < sessions.size(); k++) {
            OrtSession session = sessions.get(k);
            int index = k;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    meanMs[index] = timeRuns(session, inputs, 0, runs);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    start.reset();
                }
            }, "profile-together-" + k);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("profiling interrupted");
            }
        }
        if (failure.get() instanceof OrtException o) {
            throw o;
        }
        if (failure.get() != null) {
            throw new IllegalStateException("concurrent profiling failed: " + failure.get().getMessage(), failure.get());
        }
        return java.util.Arrays.stream(meanMs).average().orElse(Double.NaN);
    }

    /** Names every unnamed node as the planner does, so the profile's names are the plan's. */
    private static ModelProto named(ModelProto proto) {
        GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getName().isEmpty()) {
                g.setNode(i, n.toBuilder().setName(OnnxModel.nodeName(n)));
            }
        }
        return proto.toBuilder().setGraph(g).build();
    }

    private static Profile parse(OnnxModel model, Path traceFile, int threads, int warmup, double plainRunMs) {
        JsonNode events;
        try {
            events = new ObjectMapper().readTree(traceFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX Runtime's profile " + traceFile + ": " + e.getMessage(), e);
        }
        List<long[]> runWindows = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.path("cat").asText().equals("Session") && e.path("name").asText().equals("model_run")) {
                runWindows.add(new long[] {e.path("ts").asLong(), e.path("ts").asLong() + e.path("dur").asLong()});
            }
        }
        runWindows.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> timed = runWindows.subList(Math.min(warmup, runWindows.size()), runWindows.size());
        double runMicros = timed.stream().mapToLong(w -> w[1] - w[0]).average().orElse(0);
        Map<String, Double> kernelMicros = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if (!e.path("cat").asText().equals("Node") || !name.endsWith("_kernel_time")) {
                continue;
            }
            long ts = e.path("ts").asLong();
            boolean inTimedRun = timed.stream().anyMatch(w -> ts >= w[0] && ts <= w[1]);
            if (inTimedRun) {
                kernelMicros.merge(name.substring(0, name.length() - "_kernel_time".length()), e.path("dur").asDouble(),
                        Double::sum);
            }
        }
        int counted = Math.max(1, timed.size());
        double kernelTotal = kernelMicros.values().stream().mapToDouble(Double::doubleValue).sum() / counted;
        // calibrate to the run without the profiler: its extra time is shared equally among the nodes
        // (dispatch costs about the same per node); if the profiler inflated the kernels, they shrink in proportion
        double plainMicros = plainRunMs * 1000;
        double share = kernelMicros.isEmpty() ? 0 : Math.max(0, plainMicros - kernelTotal) / kernelMicros.size();
        double scale = kernelTotal > plainMicros && kernelTotal > 0 ? plainMicros / kernelTotal : 1;
        Map<String, Double> ms = new LinkedHashMap<>();
        kernelMicros.forEach((node, micros) -> ms.put(node, (micros / counted * scale + share) / 1000));
        return new Profile(new NodeTimes(model.name(), "cpu-core", threads, timed.size(), ms), plainRunMs,
                runMicros / 1000, kernelTotal / 1000, kernelMicros.size(), Double.NaN);
    }
}

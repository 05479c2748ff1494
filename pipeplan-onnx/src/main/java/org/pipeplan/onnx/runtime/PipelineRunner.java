package org.pipeplan.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.pipeplan.onnx.stage.StageModel;
import org.pipeplan.planner.ProgressListener;

/**
 * Runs stage models as a real pipeline: one worker thread per stage, each with its own ONNX
 * Runtime session and intra-op threads, joined by bounded queues so a fast stage cannot run ahead
 * of a slow one by more than the queue's capacity. Samples carry the tensors produced so far;
 * their results are released when they leave the last stage.
 */
public final class PipelineRunner implements AutoCloseable {

    /** A sample in flight: its tensors by name, the results to release, and its timestamps. */
    private static final class Sample {
        final Map<String, OnnxTensor> tensors;
        final List<OrtSession.Result> results = new ArrayList<>();
        long entered;

        Sample(Map<String, OnnxTensor> inputs) {
            tensors = new HashMap<>(inputs);
        }
    }

    private static final Sample END = new Sample(Map.of());

    private final List<StageModel> stages;
    private final List<OrtSession> sessions = new ArrayList<>();
    private final int queueCapacity;

    public PipelineRunner(List<StageModel> stages, int threadsPerStage, OrtSessions.Optimization optimization,
                          int queueCapacity) throws OrtException {
        this.stages = List.copyOf(stages);
        this.queueCapacity = queueCapacity;
        sessions.addAll(OrtSessions.forStages(stages, threadsPerStage, optimization));
    }

    /**
     * Streams {@code samples} copies of the inputs through the pipeline and times them, with at most
     * {@code maxInFlight} samples inside it at once (1 measures latency without queueing; a large
     * value keeps every stage busy and measures throughput).
     */
    public PipelineMeasurement measure(Map<String, OnnxTensor> inputs, int samples, int maxInFlight,
                                       ProgressListener progress) throws OrtException {
        Semaphore inFlight = new Semaphore(maxInFlight);
        int n = stages.size();
        List<BlockingQueue<Sample>> queues = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            queues.add(new ArrayBlockingQueue<>(queueCapacity));
        }
        long[] busy = new long[n];
        long[] latency = new long[samples];
        long[] firstEntered = {Long.MAX_VALUE};
        long[] lastLeft = {0};
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(n);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int stage = i;
            Thread t = new Thread(() -> {
                try {
                    work(stage, queues.get(stage), queues.get(stage + 1), busy, failure);
                } finally {
                    done.countDown();
                }
            }, "stage-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        Thread sink = new Thread(() -> {
            int finished = 0;
            try {
                while (true) {
                    Sample s = queues.get(n).take();
                    if (s == END) {
                        return;
                    }
                    long now = System.nanoTime();
                    s.results.forEach(OrtSession.Result::close);
                    inFlight.release();
                    if (finished < samples) {
                        latency[finished++] = now - s.entered;
                        progress.advance(finished);
                    }
                    firstEntered[0] = Math.min(firstEntered[0], s.entered);
                    lastLeft[0] = Math.max(lastLeft[0], now);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pipeline-sink");
        sink.setDaemon(true);
        progress.begin("pipeline of " + n + " stage(s)", samples);
        sink.start();
        try {
            for (int k = 0; k < samples && failure.get() == null; k++) {
                while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) {
                        break;
                    }
                }
                queues.get(0).put(new Sample(inputs));
            }
            queues.get(0).put(END);
            done.await();
            sink.join();
            progress.end();
        } catch (InterruptedException e) {
            workers.forEach(Thread::interrupt);
            sink.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("pipeline run interrupted");
        }
        if (failure.get() != null) {
            Throwable f = failure.get();
            if (f instanceof OrtException o) {
                throw o;
            }
            throw new IllegalStateException(f.getMessage(), f);
        }
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        List<Double> busyMs = new ArrayList<>();
        for (long b : busy) {
            busyMs.add(b / 1e6 / samples);
        }
        return new PipelineMeasurement(samples, (lastLeft[0] - firstEntered[0]) / 1e9,
                Arrays.stream(latency).average().orElse(0) / 1e6, sorted[samples / 2] / 1e6,
                sorted[Math.min(samples - 1, (int) Math.ceil(samples * 0.95) - 1)] / 1e6, busyMs);
    }

    private void work(int stage, BlockingQueue<Sample> in, BlockingQueue<Sample> out, long[] busy,
                      AtomicReference<Throwable> failure) {
        StageModel model = stages.get(stage);
        OrtSession session = sessions.get(stage);
        try {
            while (true) {
                Sample s = in.take();
                if (s == END || failure.get() != null) {
                    if (s != END) {
                        s.results.forEach(OrtSession.Result::close);
                        continue;
                    }
                    out.put(END);
                    return;
                }
                Map<String, OnnxTensor> feed = new HashMap<>();
                for (String name : model.inputs()) {
                    feed.put(name, s.tensors.get(name));
                }
                long start = System.nanoTime();
                if (stage == 0) {
                    s.entered = start;
                }
                OrtSession.Result r = session.run(feed);
                busy[stage] += System.nanoTime() - start;
                s.results.add(r);
                for (Map.Entry<String, OnnxValue> e : r) {
                    s.tensors.put(e.getKey(), (OnnxTensor) e.getValue());
                }
                out.put(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (OrtException | RuntimeException e) {
            failure.compareAndSet(null, e);
            try {
                // drain until the end marker so the stages before this one do not block
                for (Sample s = in.take(); s != END; s = in.take()) {
                    s.results.forEach(OrtSession.Result::close);
                }
                out.put(END);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws OrtException {
        OrtSessions.closeAll(sessions);
    }
}

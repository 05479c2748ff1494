package org.pipeplan.edgetpu;

/**
 * A chain of Edge-TPU-like stages. Each caches up to {@code cacheBytes} of parameters on chip;
 * parameters beyond that are streamed from the host at every inference over the host link.
 * Activations that cross a stage boundary go over the link between the two stages.
 *
 * @param stages          number of stages (devices) in the chain
 * @param cacheBytes      on-chip parameter cache per stage (about 8 MiB on an Edge TPU)
 * @param streamBytesPerMs host-to-stage bandwidth for streamed parameters, bytes per ms
 * @param linkBytesPerMs  stage-to-stage bandwidth for activations, bytes per ms
 * @param model           which effects of a real pipeline the costs count
 */
public record EdgeTpuPipeline(int stages, double cacheBytes, double streamBytesPerMs, double linkBytesPerMs,
                              EdgeTpuCostModel model) {

    /** A pipeline under the classic cost model. */
    public EdgeTpuPipeline(int stages, double cacheBytes, double streamBytesPerMs, double linkBytesPerMs) {
        this(stages, cacheBytes, streamBytesPerMs, linkBytesPerMs, EdgeTpuCostModel.CLASSIC);
    }

    /** The catalog's edge-tpu: 8 MiB cache, USB 3 links of 320 MB/s for both. */
    public static EdgeTpuPipeline edgeTpus(int stages) {
        return new EdgeTpuPipeline(stages, 8.0 * (1 << 20), 3.2e5, 3.2e5);
    }

    public EdgeTpuPipeline {
        if (stages < 1) {
            throw new IllegalArgumentException("an Edge TPU pipeline needs at least 1 stage, got " + stages);
        }
        if (!(cacheBytes >= 0) || !(streamBytesPerMs > 0) || !(linkBytesPerMs > 0) || Double.isInfinite(cacheBytes)
                || Double.isInfinite(streamBytesPerMs) || Double.isInfinite(linkBytesPerMs)) {
            throw new IllegalArgumentException("cache must be finite and >= 0, bandwidths finite and > 0");
        }
        java.util.Objects.requireNonNull(model, "model");
    }

    public EdgeTpuPipeline withStages(int count) {
        return new EdgeTpuPipeline(count, cacheBytes, streamBytesPerMs, linkBytesPerMs, model);
    }

    public EdgeTpuPipeline withModel(EdgeTpuCostModel value) {
        return new EdgeTpuPipeline(stages, cacheBytes, streamBytesPerMs, linkBytesPerMs, value);
    }

    /** Time to stream the parameters of one stage that do not fit its cache. */
    public double streamingTime(double stageParamBytes) {
        return Math.max(0, stageParamBytes - cacheBytes) / streamBytesPerMs;
    }

    /** Time to move a tensor over one stage boundary (paid by the sender and by the receiver). */
    public double transferTime(double bytes) {
        return bytes / linkBytesPerMs;
    }
}

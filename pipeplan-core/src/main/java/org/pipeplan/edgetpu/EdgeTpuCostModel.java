package org.pipeplan.edgetpu;

import java.util.Locale;

/**
 * Which effects of a real Coral pipeline the Edge TPU cost model counts. {@link #CLASSIC} is the
 * model of earlier releases (every operator on its Edge TPU, bytes as the graph gives them, links
 * not shared), kept so that earlier figures can be reproduced; {@link #CORAL} adds what the Coral
 * documentation and measurements say a real pipeline does (docs/edgetpu.md cites each):
 *
 * <ul>
 *   <li>int8: parameters and activations take one byte per element, a quarter of the float32
 *       graph's bytes (the Edge TPU runs only fully int8-quantized models);</li>
 *   <li>CPU fallback: each segment is compiled on its own, and from its first operator the Edge TPU
 *       cannot run onward, the rest of the segment runs on the host CPU (the compiler supports one
 *       Edge TPU subgraph per model); the Edge TPU part's outputs are copied to the host there;</li>
 *   <li>a shared host link: every segment's streamed parameters and activations go over the one
 *       host bus, so the pipeline runs no faster than that bus moves one inference's bytes;</li>
 *   <li>an invocation overhead per segment and inference (0 unless given: no published figure;
 *       {@code edgetpu --measured} fits it from measured segment times).</li>
 * </ul>
 *
 * @param name             "classic" or "coral"
 * @param byteScale        bytes of parameters and activations per byte the operator graph gives (applied
 *                         when the Edge TPU graph is built, so every scheduler sees the same bytes)
 * @param cpuFallback      whether operators the Edge TPU cannot run fall back to the host CPU
 * @param sharedHostLink   whether all segments share one host link
 * @param invokeOverheadMs time per segment and inference of invoking it
 */
public record EdgeTpuCostModel(String name, double byteScale, boolean cpuFallback, boolean sharedHostLink,
                               double invokeOverheadMs) {

    /** int8 elements for the float32 elements of an exported graph. */
    public static final double INT8_PER_FLOAT32 = 0.25;

    public static final EdgeTpuCostModel CLASSIC = new EdgeTpuCostModel("classic", 1, false, false, 0);
    public static final EdgeTpuCostModel CORAL = new EdgeTpuCostModel("coral", INT8_PER_FLOAT32, true, true, 0);

    public EdgeTpuCostModel {
        if (!(byteScale > 0 && byteScale <= 1) || !(invokeOverheadMs >= 0) || Double.isInfinite(invokeOverheadMs)) {
            throw new IllegalArgumentException("byte scale must be in (0, 1] and the invocation overhead finite and >= 0");
        }
    }

    public EdgeTpuCostModel withSharedHostLink(boolean shared) {
        return new EdgeTpuCostModel(name, byteScale, cpuFallback, shared, invokeOverheadMs);
    }

    public EdgeTpuCostModel withInvokeOverhead(double ms) {
        return new EdgeTpuCostModel(name, byteScale, cpuFallback, sharedHostLink, ms);
    }

    /** "classic" or "coral"; anything else is an error naming both. */
    public static EdgeTpuCostModel parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "classic" -> CLASSIC;
            case "coral" -> CORAL;
            default -> throw new IllegalArgumentException("unknown Edge TPU cost model '" + text + "' (coral, classic)");
        };
    }
}

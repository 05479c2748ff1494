package org.pipeplan.device;

import java.util.Objects;

/**
 * One entry of the device catalog: what a kind of device can do.
 *
 * @param name            catalog name ("a100-40gb", "edge-tpu", "cpu-core")
 * @param host            true for CPU cores, which compute in host memory
 * @param peakFlops       peak arithmetic throughput, FLOP/s
 * @param memoryBandwidth bandwidth of the device's own memory, bytes/s
 * @param memoryBytes     memory available for operators (infinite for CPU cores)
 * @param linkBandwidth   bandwidth of the device's link to the host or the other devices, bytes/s
 * @param linkLatency     latency of one transfer over that link, s
 * @param peerBandwidth   bandwidth of direct device-to-device links (NVLink), bytes/s; 0 if none
 * @param kernelOverhead  fixed cost of launching one operator, s
 * @param efficiency      fraction of the peaks that real kernels reach (0..1]
 * @param matrix          the matrix units for 16-bit products (tensor cores), {@link MatrixEngine#NONE} if none
 * @param networkBandwidth bandwidth from one device to devices of other nodes (its share of the
 *                        node's network adapters), bytes/s; 0 when not given
 * @param networkLatency  latency of one message to another node, s; 0 when not given
 */
public record DeviceType(String name, boolean host, double peakFlops, double memoryBandwidth, double memoryBytes,
                         double linkBandwidth, double linkLatency, double peerBandwidth, double kernelOverhead,
                         double efficiency, MatrixEngine matrix, double networkBandwidth, double networkLatency) {

    /** A type without matrix units or network figures (what the roofline model of inference needs). */
    public DeviceType(String name, boolean host, double peakFlops, double memoryBandwidth, double memoryBytes,
                      double linkBandwidth, double linkLatency, double peerBandwidth, double kernelOverhead,
                      double efficiency) {
        this(name, host, peakFlops, memoryBandwidth, memoryBytes, linkBandwidth, linkLatency, peerBandwidth, kernelOverhead,
                efficiency, MatrixEngine.NONE, 0, 0);
    }

    public DeviceType {
        Objects.requireNonNull(name, "name");
        if (!(peakFlops > 0) || !(memoryBandwidth > 0) || !(linkBandwidth > 0)) {
            throw new IllegalArgumentException("device type " + name + ": peakFlops, memoryBandwidth and linkBandwidth must be > 0");
        }
        Objects.requireNonNull(matrix, "matrix");
        if (!(memoryBytes > 0) || linkLatency < 0 || peerBandwidth < 0 || kernelOverhead < 0
                || !(efficiency > 0 && efficiency <= 1) || !(networkBandwidth >= 0) || !(networkLatency >= 0)) {
            throw new IllegalArgumentException("device type " + name
                    + ": memoryBytes > 0, linkLatency, kernelOverhead and the network figures >= 0, efficiency in (0, 1] required");
        }
    }

    /** The device kind operators carry times for. */
    public DeviceKind kind() {
        return new DeviceKind(name, host);
    }
}

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
 */
public record DeviceType(String name, boolean host, double peakFlops, double memoryBandwidth, double memoryBytes,
                         double linkBandwidth, double linkLatency, double peerBandwidth, double kernelOverhead,
                         double efficiency) {

    public DeviceType {
        Objects.requireNonNull(name, "name");
        if (!(peakFlops > 0) || !(memoryBandwidth > 0) || !(linkBandwidth > 0)) {
            throw new IllegalArgumentException("device type " + name + ": peakFlops, memoryBandwidth and linkBandwidth must be > 0");
        }
        if (!(memoryBytes > 0) || linkLatency < 0 || peerBandwidth < 0 || kernelOverhead < 0
                || !(efficiency > 0 && efficiency <= 1)) {
            throw new IllegalArgumentException("device type " + name
                    + ": memoryBytes > 0, linkLatency and kernelOverhead >= 0, efficiency in (0, 1] required");
        }
    }

    /** The device kind operators carry times for. */
    public DeviceKind kind() {
        return new DeviceKind(name, host);
    }
}

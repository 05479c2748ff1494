package org.pipeplan.plan;

import java.util.Arrays;

/**
 * A split: the device (by index in the problem's device set) of every operator (by index in the
 * graph). Immutable.
 */
public final class Placement {

    private final int[] deviceOf;
    private final int deviceCount;

    /**
     * @param deviceOf    device index of every node
     * @param deviceCount number of devices; every entry must lie in 0..deviceCount-1
     */
    public Placement(int[] deviceOf, int deviceCount) {
        this.deviceOf = deviceOf.clone();
        this.deviceCount = deviceCount;
        for (int i = 0; i < this.deviceOf.length; i++) {
            if (this.deviceOf[i] < 0 || this.deviceOf[i] >= deviceCount) {
                throw new IllegalArgumentException("node index " + i + " is placed on device " + this.deviceOf[i]
                        + ", outside 0.." + (deviceCount - 1));
            }
        }
    }

    public int nodeCount() {
        return deviceOf.length;
    }

    public int deviceCount() {
        return deviceCount;
    }

    public int deviceOf(int node) {
        return deviceOf[node];
    }

    /** A copy of the node-to-device array. */
    public int[] toArray() {
        return deviceOf.clone();
    }

    /** Indices of the nodes on a device, ascending. */
    public int[] nodesOn(int device) {
        return java.util.stream.IntStream.range(0, deviceOf.length).filter(i -> deviceOf[i] == device).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p && p.deviceCount == deviceCount && Arrays.equals(p.deviceOf, deviceOf);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(deviceOf) * 31 + deviceCount;
    }
}

package org.pipeplan.placement;

import java.util.Arrays;

/**
 * A split: the device (by index in the problem's device set) of every operator (by index in the
 * graph). Immutable.
 *
 * <p>A placement may also fix, per device, an ordered list of <em>pieces</em>: convex subgraphs
 * that the device runs one after another (used by latency plans with several subgraphs per
 * accelerator). Without pieces, each device's set is taken as a whole.
 */
public final class Placement {

    private final int[] deviceOf;
    private final int deviceCount;
    private final int[] pieceOf;

    /**
     * @param deviceOf    device index of every node
     * @param deviceCount number of devices; every entry must lie in 0..deviceCount-1
     */
    public Placement(int[] deviceOf, int deviceCount) {
        this(deviceOf, deviceCount, null);
    }

    private Placement(int[] deviceOf, int deviceCount, int[] pieceOf) {
        this.deviceOf = deviceOf.clone();
        this.deviceCount = deviceCount;
        this.pieceOf = pieceOf == null ? null : pieceOf.clone();
        if (pieceOf != null && pieceOf.length != deviceOf.length) {
            throw new IllegalArgumentException("pieces given for " + pieceOf.length + " of " + deviceOf.length + " nodes");
        }
        for (int i = 0; i < this.deviceOf.length; i++) {
            if (this.deviceOf[i] < 0 || this.deviceOf[i] >= deviceCount) {
                throw new IllegalArgumentException("node index " + i + " is placed on device " + this.deviceOf[i]
                        + ", outside 0.." + (deviceCount - 1));
            }
        }
    }

    /**
     * The same split with every node's piece on its device: pieces of a device run in increasing
     * order of their number.
     */
    public Placement withPieces(int[] pieces) {
        for (int p : pieces) {
            if (p < 0) {
                throw new IllegalArgumentException("piece numbers must be >= 0");
            }
        }
        return new Placement(deviceOf, deviceCount, pieces);
    }

    public boolean hasPieces() {
        return pieceOf != null;
    }

    /** The piece of a node on its device (0 when the placement has no pieces). */
    public int pieceOf(int node) {
        return pieceOf == null ? 0 : pieceOf[node];
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
        return o instanceof Placement p && p.deviceCount == deviceCount && Arrays.equals(p.deviceOf, deviceOf)
                && Arrays.equals(p.pieceOf, pieceOf);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(deviceOf) * 31 + deviceCount;
    }
}

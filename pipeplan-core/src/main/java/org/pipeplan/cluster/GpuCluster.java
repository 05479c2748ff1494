package org.pipeplan.cluster;

/**
 * A homogeneous GPU cluster with hierarchical links: nodes of {@code gpusPerNode} GPUs joined by a
 * fast intra-node fabric (NVLink, NVSwitch), the nodes joined by a slower network (InfiniBand).
 * GPUs are numbered 0..gpus-1, node by node; a plan gives every stage a consecutive range of them.
 *
 * @param gpuType            name of the GPU type (from the device catalog)
 * @param gpus               GPUs in all
 * @param gpusPerNode        GPUs per node
 * @param memoryBytes        memory of one GPU
 * @param intraNodeBandwidth bytes/s between two GPUs of a node
 * @param interNodeBandwidth bytes/s between two nodes (per GPU)
 * @param intraNodeLatency   ms per message within a node
 * @param interNodeLatency   ms per message across nodes
 * @param device             the GPU type, for the cost models that time operators from their work
 *                           (training plans); null when the cluster is given by its figures alone
 */
public record GpuCluster(String gpuType, int gpus, int gpusPerNode, double memoryBytes, double intraNodeBandwidth,
                         double interNodeBandwidth, double intraNodeLatency, double interNodeLatency,
                         org.pipeplan.device.DeviceType device) {

    /** A cluster given by its figures alone, without its GPU type's details. */
    public GpuCluster(String gpuType, int gpus, int gpusPerNode, double memoryBytes, double intraNodeBandwidth,
                      double interNodeBandwidth, double intraNodeLatency, double interNodeLatency) {
        this(gpuType, gpus, gpusPerNode, memoryBytes, intraNodeBandwidth, interNodeBandwidth, intraNodeLatency,
                interNodeLatency, null);
    }

    /** 200 Gb/s InfiniBand per GPU, the default network between nodes. */
    public static final double DEFAULT_INTER_NODE_BANDWIDTH = 25e9;
    public static final double DEFAULT_INTRA_NODE_LATENCY_MS = 0.005;
    public static final double DEFAULT_INTER_NODE_LATENCY_MS = 0.010;

    public GpuCluster {
        if (gpus < 1) {
            throw new IllegalArgumentException("a cluster needs at least one GPU, got " + gpus);
        }
        if (gpusPerNode < 1) {
            throw new IllegalArgumentException("GPUs per node must be >= 1, got " + gpusPerNode);
        }
        for (double x : new double[] {memoryBytes, intraNodeBandwidth, interNodeBandwidth}) {
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("memory and bandwidths must be positive and finite, got " + x);
            }
        }
        if (!(intraNodeLatency >= 0) || !(interNodeLatency >= 0)) {
            throw new IllegalArgumentException("link latencies must be >= 0");
        }
    }

    /**
     * A cluster of catalog GPUs: within a node they talk over their peer links (NVLink), or their
     * host links where the type has none.
     *
     * @param memoryBytes memory of one GPU (the type's, or a limit given by the user)
     */
    public static GpuCluster of(org.pipeplan.device.DeviceType type, int gpus, int gpusPerNode, double memoryBytes,
                                double interNodeBandwidth) {
        double intra = type.peerBandwidth() > 0 ? type.peerBandwidth() : type.linkBandwidth();
        double latency = type.linkLatency() > 0 ? 1000 * type.linkLatency() : DEFAULT_INTRA_NODE_LATENCY_MS;
        return new GpuCluster(type.name(), gpus, gpusPerNode, memoryBytes, intra, Math.min(intra, interNodeBandwidth),
                latency, Math.max(latency, DEFAULT_INTER_NODE_LATENCY_MS), type);
    }

    /** A link of the cluster: what one message of some bytes costs on it. */
    public record Link(double bandwidth, double latency) {

        /** Milliseconds to move the bytes in one message. */
        public double transferMs(double bytes) {
            return bytes <= 0 ? 0 : latency + bytes / bandwidth * 1000;
        }
    }

    public Link intraNode() {
        return new Link(intraNodeBandwidth, intraNodeLatency);
    }

    public Link interNode() {
        return new Link(interNodeBandwidth, interNodeLatency);
    }

    public int nodeOf(int gpu) {
        return gpu / gpusPerNode;
    }

    public int nodes() {
        return (gpus + gpusPerNode - 1) / gpusPerNode;
    }

    /** The link a group of consecutive GPUs talks over: intra-node if they share a node. */
    public Link linkOf(int firstGpu, int count) {
        return nodeOf(firstGpu) == nodeOf(firstGpu + count - 1) ? intraNode() : interNode();
    }

    /** The link between GPU {@code boundary - 1} and GPU {@code boundary}: where two stages meet. */
    public Link linkAcross(int boundary) {
        return boundary % gpusPerNode == 0 ? interNode() : intraNode();
    }

    /**
     * The link of the tensor-parallel groups of a stage: {@code replicas} groups of {@code split}
     * consecutive GPUs from {@code firstGpu}; if any group spans two nodes, all wait for it.
     */
    public Link splitLink(int firstGpu, int replicas, int split) {
        for (int k = 0; k < replicas; k++) {
            if (nodeOf(firstGpu + k * split) != nodeOf(firstGpu + (k + 1) * split - 1)) {
                return interNode();
            }
        }
        return intraNode();
    }

    @Override
    public String toString() {
        return gpus + " x " + gpuType + " (" + nodes() + (nodes() == 1 ? " node" : " nodes") + " of " + gpusPerNode + ")";
    }
}

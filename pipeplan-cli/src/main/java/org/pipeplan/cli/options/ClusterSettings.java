package org.pipeplan.cli.options;

import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.training.TrainingFix;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingWorkload;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceType;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.io.InputException;
import picocli.CommandLine.Option;

/**
 * Options of a GPU cluster for the parallel planners (dqn, parallel): the GPUs are the problem's
 * accelerators (-k for placement-json, --devices TYPE:N for ONNX), grouped into nodes.
 */
public final class ClusterSettings {

    @Option(names = "--gpus-per-node", paramLabel = "N", defaultValue = "8",
            description = "Clusters: GPUs per node, joined by NVLink within a node (default: ${DEFAULT-VALUE}).")
    int gpusPerNode;

    @Option(names = "--inter-node-bandwidth", paramLabel = "BYTES/S",
            description = "Clusters: network bandwidth between nodes, per GPU (default: the GPU type's networkBandwidth "
                    + "from the catalog, or 2.5e10, 200 Gb/s).")
    Double interNodeBandwidth;

    @Option(names = "--gpu-type", paramLabel = "TYPE", defaultValue = "v100-16gb",
            description = "Clusters, placement-json: catalog GPU type whose links the cluster has (default: ${DEFAULT-VALUE}); "
                    + "compute times and memory come from the file.")
    String gpuType;

    @Option(names = {"--global-batch", "--mini-batch"}, paramLabel = "B", defaultValue = "32",
            description = "Clusters, training: samples (sequences) per iteration, the global batch that shares one optimizer "
                    + "step (default: ${DEFAULT-VALUE}).")
    int miniBatch;

    @Option(names = "--fix", paramLabel = "KEY=VALUE,...",
            description = "Clusters, training: fix decisions of the plan, e.g. tp=8,pp=16,v=2,micro-batch=1,zero=1,"
                    + "recompute=selective,schedule=interleaved,sp=on,dp=8; the planner searches the rest (docs/training.md).")
    String fix;

    /** The decisions fixed with --fix (none when it is not given); an input error names a bad one. */
    public TrainingFix trainingFix() {
        if (fix == null) {
            return TrainingFix.none();
        }
        try {
            return TrainingFix.parse(fix);
        } catch (IllegalArgumentException e) {
            throw new InputException("command line", e.getMessage());
        }
    }

    /** The training problem of a cluster problem whose graph has a backward pass. */
    public TrainingProblem trainingProblem(ClusterProblem problem, ProblemOptions options) {
        try {
            return new TrainingProblem(new TrainingWorkload(problem), problem.miniBatch(), options.tokensPerSample(),
                    trainingFix(), options.modelName());
        } catch (IllegalArgumentException e) {
            throw new InputException("command line", e.getMessage());
        }
    }

    /** Whether --fix was given. */
    public boolean hasFix() {
        return fix != null;
    }

    /** The cluster problem of a placement problem whose accelerators are the GPUs. */
    public ClusterProblem problem(PlacementProblem p, ProblemOptions options) {
        var accelerators = p.devices().all().stream().filter(Device::isAccelerator).toList();
        if (accelerators.isEmpty()) {
            throw new InputException("command line", "a GPU cluster needs accelerators: -k N for placement-json, "
                    + "--devices TYPE:N for ONNX");
        }
        if (accelerators.stream().map(Device::kind).distinct().count() > 1) {
            throw new InputException("command line", "GPU clusters are homogeneous: give one accelerator type");
        }
        if (gpusPerNode < 1) {
            throw new InputException("command line", "--gpus-per-node must be >= 1, got " + gpusPerNode);
        }
        if (interNodeBandwidth != null && (!(interNodeBandwidth > 0) || Double.isInfinite(interNodeBandwidth))) {
            throw new InputException("command line", "--inter-node-bandwidth must be positive, got " + interNodeBandwidth);
        }
        if (miniBatch < 1) {
            throw new InputException("command line", "--global-batch must be >= 1, got " + miniBatch);
        }
        DeviceType type = options.isOnnx() || options.hasModelSpec()
                ? options.deviceSpec().types().stream().filter(t -> !t.host()).findFirst().orElseThrow()
                : catalogType();
        double memory = accelerators.get(0).memoryLimit();
        double network = interNodeBandwidth != null ? interNodeBandwidth
                : type.networkBandwidth() > 0 ? type.networkBandwidth() : GpuCluster.DEFAULT_INTER_NODE_BANDWIDTH;
        GpuCluster cluster;
        try {
            cluster = GpuCluster.of(type, accelerators.size(), gpusPerNode,
                    Double.isFinite(memory) ? memory : type.memoryBytes(), network);
        } catch (IllegalArgumentException e) {
            // the memory comes from the input (maxSizePerFPGA, a device file), the rest from the catalog
            String source = options.file() != null ? options.file().toString() : "--devices";
            throw new InputException(source, "cannot make a GPU cluster of these accelerators (memory "
                    + memory + " bytes each): " + e.getMessage());
        }
        return new ClusterProblem(p, cluster, miniBatch);
    }

    private DeviceType catalogType() {
        DeviceType t;
        try {
            t = DeviceFileReader.bundledCatalog().get(gpuType);
        } catch (IllegalArgumentException e) {
            throw new InputException("command line", "--gpu-type: " + e.getMessage());
        }
        if (t.host()) {
            throw new InputException("command line", "--gpu-type: '" + gpuType + "' is not a GPU of the device catalog");
        }
        return t;
    }
}

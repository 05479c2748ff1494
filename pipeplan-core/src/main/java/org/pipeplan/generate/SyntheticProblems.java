package org.pipeplan.generate;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;

/**
 * Random DNN-like placement problems of any size: the block structure of
 * {@link SyntheticDagGenerator} (chains, residual, inception-like and attention-like blocks, with
 * operators drawn from the real models'), timed by the roofline model on a catalog accelerator and
 * on a CPU core, with the accelerator's host link for transfers and its memory per accelerator.
 * The same seed and size give the same problem.
 */
public final class SyntheticProblems {

    private SyntheticProblems() {
    }

    /** About {@code operators} operators on {@code accelerators} V100s and one CPU core. */
    public static PlacementProblem generate(long seed, int operators, int accelerators) {
        return generate(seed, operators, accelerators, BlockMix.STANDARD);
    }

    /** As {@link #generate(long, int, int)}, with the blocks drawn from a given mix. */
    public static PlacementProblem generate(long seed, int operators, int accelerators, BlockMix mix) {
        var catalog = DeviceFileReader.bundledCatalog();
        return generate(seed, operators, accelerators, catalog.get("v100-16gb"), catalog.get("cpu-core"), mix);
    }

    public static PlacementProblem generate(long seed, int operators, int accelerators, DeviceType gpu, DeviceType cpu) {
        return generate(seed, operators, accelerators, gpu, cpu, BlockMix.STANDARD);
    }

    public static PlacementProblem generate(long seed, int operators, int accelerators, DeviceType gpu, DeviceType cpu,
                                            BlockMix mix) {
        OpSamples samples = OpSamples.bundled();
        // the generator draws the same operators for the same seed whatever the device: time them on each
        SyntheticDag onGpu = new SyntheticDagGenerator(samples, gpu).generate(seed, operators, mix);
        double[] gpuTime = onGpu.compute();
        double[] cpuTime = new SyntheticDagGenerator(samples, cpu).generate(seed, operators, mix).compute();
        double[] params = onGpu.paramBytes();
        double[] output = onGpu.outputBytes();
        List<String> names = onGpu.nodeNames();
        int[][] successors = onGpu.successors();
        int n = onGpu.size();
        List<Operator> ops = new ArrayList<>(n);
        for (int v = 0; v < n; v++) {
            double transfer = 1000 * Roofline.transferTime(gpu, output[v], Topology.HOST);
            ops.add(Operator.builder(v).name(names.get(v))
                    .computeTime(DeviceKind.ACCELERATOR, gpuTime[v])
                    .computeTime(DeviceKind.CPU, cpuTime[v])
                    .transferTime(DeviceKind.ACCELERATOR, transfer)
                    .memoryBytes(params[v]).outputBytes(output[v]).build());
        }
        List<Edge> edges = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            for (int w : successors[v]) {
                edges.add(new Edge(v, w, ops.get(v).transferTime(DeviceKind.ACCELERATOR), output[v]));
            }
        }
        String name = "synthetic-" + seed + "-" + n + (mix == BlockMix.STANDARD ? "" : "-" + mix.name());
        return new PlacementProblem(name, OperatorGraph.of(ops, edges),
                DeviceSet.acceleratorsAndCpus(accelerators, gpu.memoryBytes(), 1));
    }
}

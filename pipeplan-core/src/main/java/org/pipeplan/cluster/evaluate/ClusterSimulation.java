package org.pipeplan.cluster.evaluate;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.sim.PipelineSimulator;
import org.pipeplan.sim.Schedule;
import org.pipeplan.sim.SimulationOptions;
import org.pipeplan.sim.SimulationResult;

/**
 * Runs a parallel plan through the {@link PipelineSimulator}: every stage becomes one device
 * with as many replicas as the stage (which take samples in turn), running a forward task (and,
 * in training, a backward task) per sample whose time is one replica's compute plus its split
 * collectives; tasks of neighbouring stages exchange the activations (and gradients) that cross
 * their cut, over the link between the two stages. Inference streams samples; training runs 1F1B
 * with a mini-batch of micro-batches and a flush with the replicas' gradient all-reduce.
 */
public final class ClusterSimulation {

    /** Milliseconds per byte the simulator's all-reduce is told; stage weights are scaled to it. */
    private static final double ALL_REDUCE_MS_PER_BYTE = 1e-9;

    private ClusterSimulation() {
    }

    public static SimulationResult simulate(ClusterProblem p, ClusterPlan plan) {
        OperatorGraph g = p.source().graph();
        GpuCluster c = p.cluster();
        List<ClusterStage> stages = plan.stages();
        int count = stages.size();
        int[] stageOf = new int[g.size()];
        for (int s = 0; s < count; s++) {
            for (int v : stages.get(s).nodes()) {
                stageOf[v] = s;
            }
        }
        // bytes crossing each cut, forward (activations) and backward (gradients) apart
        double[] forwardCross = ClusterEvaluator.crossing(g, stageOf, count, op -> !op.isBackward());
        double[] backwardCross = ClusterEvaluator.crossing(g, stageOf, count, Operator::isBackward);
        ClusterEvaluation evaluation = ClusterEvaluator.evaluate(p, plan);
        DeviceKind gpu = DeviceKind.ACCELERATOR;
        List<Operator> ops = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        int[] replicas = new int[count];
        boolean training = p.training();
        double[][] work = new double[count][];
        for (int s = 0; s < count; s++) {
            ClusterStage st = stages.get(s);
            replicas[s] = st.replicas();
            work[s] = forwardAndBackward(p, st);
            double out = s + 1 < count ? c.linkAcross(st.firstGpu() + st.gpus()).transferMs(forwardCross[s + 1]) : 0;
            double allReduce = evaluation.stages().get(s).allReduce();
            // the simulator's flush costs 2(r-1)/r x bytes x time per byte: give the stage the
            // weight that makes it cost what the cost model's all-reduce over its link does
            double weight = st.replicas() > 1 ? allReduce * st.replicas() / (2.0 * (st.replicas() - 1)) / ALL_REDUCE_MS_PER_BYTE : 0;
            ops.add(Operator.builder(s).name("stage" + s).colocationLabel(training ? (long) s : null).memoryBytes(weight)
                    .computeTime(gpu, work[s][0]).transferTime(gpu, out).build());
            if (s > 0) {
                edges.add(new Edge(s - 1, s, ops.get(s - 1).transferTime(gpu), forwardCross[s]));
            }
        }
        if (training) {
            for (int s = 0; s < count; s++) {
                ClusterStage st = stages.get(s);
                double out = s > 0 ? c.linkAcross(st.firstGpu()).transferMs(backwardCross[s]) : 0;
                ops.add(Operator.builder(count + s).name("stage" + s + ".grad").backward(true).colocationLabel((long) s)
                        .computeTime(gpu, work[s][1]).transferTime(gpu, out).build());
            }
            edges.add(new Edge(count - 1, 2 * count - 1, 0, 0));
            for (int s = count - 1; s > 0; s--) {
                edges.add(new Edge(count + s, count + s - 1, ops.get(count + s).transferTime(gpu), backwardCross[s]));
            }
        }
        PlacementProblem pipeline = new PlacementProblem(p.name() + " stages", OperatorGraph.of(ops, edges),
                DeviceSet.acceleratorsAndCpus(count, Double.POSITIVE_INFINITY, 0));
        int[] deviceOf = new int[ops.size()];
        for (int v = 0; v < ops.size(); v++) {
            deviceOf[v] = v % count;
        }
        SimulationOptions options = training
                ? SimulationOptions.defaults(Schedule.ONE_F_ONE_B).withMicroBatches(p.miniBatch())
                // two samples in flight per GPU, so that every replica has work
                : SimulationOptions.defaults(Schedule.STREAMING).withInFlight(2 * plan.gpusUsed())
                        .withMicroBatches(Math.max(256, 64 * plan.gpusUsed())); // enough samples for every replica's steady state
        options = options.withReplicas(replicas).withAllReducePerByte(ALL_REDUCE_MS_PER_BYTE);
        return PipelineSimulator.simulate(pipeline, new Placement(deviceOf, count), options);
    }

    /** One replica's forward and backward time per sample, split collectives included. */
    private static double[] forwardAndBackward(ClusterProblem p, ClusterStage st) {
        double[] forward = ClusterEvaluator.replicaWork(p, st, op -> !op.isBackward());
        double[] backward = ClusterEvaluator.replicaWork(p, st, Operator::isBackward);
        return new double[] {forward[0] + forward[1], backward[0] + backward[1]};
    }
}

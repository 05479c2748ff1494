package org.pipeplan.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/** Small graphs built in code for the tests. */
public final class TestGraphs {

    private final List<Operator> operators = new ArrayList<>();
    private final List<long[]> edgeIds = new ArrayList<>();

    public TestGraphs node(long id, double cpu, double acc, double size, boolean backward, Long colour, boolean onAcc) {
        operators.add(Operator.builder(id).backward(backward).colocationLabel(colour).memoryBytes(size)
                .computeTime(DeviceKind.CPU, cpu).computeTime(DeviceKind.ACCELERATOR, acc)
                .allowedKinds(onAcc ? Set.of(DeviceKind.CPU, DeviceKind.ACCELERATOR) : Set.of(DeviceKind.CPU))
                .build());
        return this;
    }

    public TestGraphs node(long id, double cpu, double acc) {
        return node(id, cpu, acc, 0, false, null, true);
    }

    public TestGraphs edge(long from, long to) {
        edgeIds.add(new long[] {from, to});
        return this;
    }

    /** Builds the graph; every out-edge of a node carries that node's transfer cost. */
    public OperatorGraph build(double... transferCostById) {
        List<Operator> ops = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (Operator op : operators) {
            ids.add(op.id());
        }
        for (Operator op : operators) {
            double c = transferCostById.length > (int) op.id() ? transferCostById[(int) op.id()] : 0;
            boolean hasOut = edgeIds.stream().anyMatch(e -> e[0] == op.id());
            ops.add(copyWithCost(op, hasOut ? c : 0));
        }
        List<Edge> edges = new ArrayList<>();
        for (long[] e : edgeIds) {
            int s = ids.indexOf(e[0]);
            int t = ids.indexOf(e[1]);
            edges.add(new Edge(s, t, ops.get(s).transferTime(DeviceKind.ACCELERATOR), 0));
        }
        return OperatorGraph.of(ops, edges);
    }

    private static Operator copyWithCost(Operator op, double cost) {
        Operator.Builder b = Operator.builder(op.id()).name(op.name()).backward(op.isBackward())
                .memoryBytes(op.memoryBytes()).transferTime(DeviceKind.ACCELERATOR, cost).allowedKinds(op.allowedKinds());
        op.colocationLabel().ifPresent(b::colocationLabel);
        op.computeTimes().forEach(b::computeTime);
        return b.build();
    }

    /**
     * A random DAG of {@code forward} nodes (some with zero cost, some sharing a colour class,
     * some not allowed on accelerators), optionally with a backward pass: one backward node per
     * forward node in the same class, reversed edges, and stashed-activation edges.
     */
    public static PlacementProblem random(Random r, int forward, boolean training, int accelerators, int cpus,
                                          double memory) {
        TestGraphs t = new TestGraphs();
        long[] colour = new long[forward + 1];
        for (int i = 1; i <= forward; i++) {
            colour[i] = (i > 1 && r.nextInt(6) == 0) ? colour[i - 1 - r.nextInt(Math.min(i - 1, 2))] : i;
            boolean zero = r.nextInt(5) == 0;
            double acc = zero ? 0 : 0.5 + r.nextInt(40) / 8.0;
            double cpu = zero ? 0 : acc * (1 + r.nextInt(8));
            t.node(i, cpu, acc, zero && r.nextBoolean() ? 0 : 1 + r.nextInt(5), false, colour[i], r.nextInt(8) != 0);
        }
        List<long[]> forwardEdges = new ArrayList<>();
        for (int j = 2; j <= forward; j++) {
            int preds = 1 + r.nextInt(2);
            for (int p = 0; p < preds; p++) {
                int i = 1 + r.nextInt(j - 1);
                int target = j;
                if (forwardEdges.stream().noneMatch(e -> e[0] == i && e[1] == target)) {
                    forwardEdges.add(new long[] {i, j});
                    t.edge(i, j);
                }
            }
        }
        double[] costs = new double[2 * forward + 2];
        for (int i = 0; i < costs.length; i++) {
            costs[i] = r.nextInt(4) * 0.25;
        }
        if (training) {
            for (int i = 1; i <= forward; i++) {
                double acc = r.nextInt(30) / 8.0;
                t.node(forward + i, acc * 2, acc, r.nextInt(3), true, colour[i], true);
                if (r.nextBoolean()) {
                    t.edge(i, forward + i);
                }
            }
            for (long[] e : forwardEdges) {
                t.edge(forward + e[1], forward + e[0]);
            }
        }
        OperatorGraph g = t.build(costs);
        return new PlacementProblem("random", g, DeviceSet.acceleratorsAndCpus(accelerators, memory, cpus));
    }

    /**
     * The random problem made heterogeneous: besides its accelerators (memory {@code memory}) there
     * are {@code fast} accelerators of another kind, with their own compute and transfer times
     * (0.25 to 2 times the first kind's) and their own memory, {@code fastMemory}.
     */
    public static PlacementProblem heterogeneous(Random r, PlacementProblem base, int fast, double fastMemory) {
        DeviceKind other = new DeviceKind("fast-accelerator", false);
        List<Operator> ops = new ArrayList<>();
        for (Operator op : base.graph().operators()) {
            Operator.Builder b = Operator.builder(op.id()).name(op.name()).backward(op.isBackward())
                    .memoryBytes(op.memoryBytes());
            op.colocationLabel().ifPresent(b::colocationLabel);
            op.computeTimes().forEach(b::computeTime);
            op.transferTimes().forEach(b::transferTime);
            b.computeTime(other, op.computeTime(DeviceKind.ACCELERATOR) * (1 + r.nextInt(8)) / 4.0);
            b.transferTime(other, op.transferTime(DeviceKind.ACCELERATOR) * (1 + r.nextInt(8)) / 4.0);
            java.util.Set<DeviceKind> allowed = new java.util.HashSet<>(op.allowedKinds());
            if (allowed.contains(DeviceKind.ACCELERATOR)) {
                allowed.add(other);
            }
            b.allowedKinds(allowed);
            ops.add(b.build());
        }
        List<Device> devices = new ArrayList<>(base.devices().all());
        for (int i = 0; i < fast; i++) {
            devices.add(new Device(devices.size(), "fast" + i, other, fastMemory));
        }
        return new PlacementProblem("random-heterogeneous", OperatorGraph.of(ops, base.graph().edges()),
                new DeviceSet(devices));
    }
}

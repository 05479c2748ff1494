package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;

/**
 * The tasks one sample makes under a placement, with their dependencies: the same for every
 * sample, so the simulator instantiates it once per sample.
 *
 * <p>Every operator is a compute task on its device. A tensor that leaves an accelerator is sent
 * once over that accelerator's link into host memory, and every other accelerator that consumes it
 * receives it once over its own link; host cores read host memory directly. This is the cost
 * model's way of charging transfers (once per source node, to every accelerator involved), turned
 * into tasks. Tasks are numbered in topological order of their operators.
 */
final class SampleTasks {

    /** What a task does. */
    enum Kind { COMPUTE, SEND, RECEIVE }

    final Kind[] kind;
    /** The operator computed, or whose output is moved. */
    final int[] node;
    /** The device whose engine (compute) or link (transfers) does the task. */
    final int[] device;
    final double[] duration;
    /** Time after the end before successors may use the result (link latency). */
    final double[] delayAfter;
    final int[][] successors;
    /** Dependencies within the sample. */
    final int[] dependencies;
    /** Bytes the task's output occupies on its device until every local user is done. */
    final double[] bytes;
    /** Tasks on the same device that use the output (for memory), per task. */
    final int[][] localUsers;
    final boolean[] backward;
    /** The compute task of every operator. */
    final int[] computeOf;

    private SampleTasks(List<Task> tasks, int[] computeOf) {
        int n = tasks.size();
        kind = new Kind[n];
        node = new int[n];
        device = new int[n];
        duration = new double[n];
        delayAfter = new double[n];
        successors = new int[n][];
        dependencies = new int[n];
        bytes = new double[n];
        localUsers = new int[n][];
        backward = new boolean[n];
        for (int i = 0; i < n; i++) {
            Task t = tasks.get(i);
            kind[i] = t.kind;
            node[i] = t.node;
            device[i] = t.device;
            duration[i] = t.duration;
            delayAfter[i] = t.delayAfter;
            successors[i] = t.successors.stream().mapToInt(Integer::intValue).distinct().toArray();
            bytes[i] = t.bytes;
            localUsers[i] = t.localUsers.stream().mapToInt(Integer::intValue).distinct().toArray();
            backward[i] = t.backward;
        }
        for (int i = 0; i < n; i++) {
            for (int s : successors[i]) {
                dependencies[s]++;
            }
        }
        this.computeOf = computeOf;
    }

    int size() {
        return kind.length;
    }

    private static final class Task {
        final Kind kind;
        final int node;
        final int device;
        final double duration;
        final double delayAfter;
        final double bytes;
        final boolean backward;
        final List<Integer> successors = new ArrayList<>(2);
        final List<Integer> localUsers = new ArrayList<>(2);

        Task(Kind kind, int node, int device, double duration, double delayAfter, double bytes, boolean backward) {
            this.kind = kind;
            this.node = node;
            this.device = device;
            this.duration = duration;
            this.delayAfter = delayAfter;
            this.bytes = bytes;
            this.backward = backward;
        }
    }

    static SampleTasks of(PlacementProblem problem, Placement placement, double linkLatency) {
        OperatorGraph g = problem.graph();
        List<Device> devices = problem.devices().all();
        List<Task> tasks = new ArrayList<>();
        int[] computeOf = new int[g.size()];
        int[] sendOf = new int[g.size()];
        int[][] receiveOf = new int[g.size()][];
        Arrays.fill(sendOf, -1);
        for (int v : g.topologicalOrder()) {
            Operator op = g.operator(v);
            Device home = devices.get(placement.deviceOf(v));
            double time = op.computeTime(home.kind());
            if (!op.runsOn(home.kind()) || Double.isNaN(time)) {
                throw new IllegalArgumentException("node " + op.id() + " cannot run on " + home.name() + " (" + home.kind() + ")");
            }
            double out = outputBytes(g, v);
            computeOf[v] = tasks.size();
            tasks.add(new Task(Kind.COMPUTE, v, home.index(), time, 0, out, op.isBackward()));

            boolean[] consumerOn = new boolean[devices.size()];
            boolean leaves = false;
            for (int j = 0; j < g.outDegree(v); j++) {
                int w = g.edge(g.outEdge(v, j)).target();
                int there = placement.deviceOf(w);
                if (there != home.index()) {
                    consumerOn[there] = true;
                    leaves = true;
                }
            }
            if (!leaves) {
                continue;
            }
            int source = computeOf[v];
            if (home.isAccelerator()) {
                sendOf[v] = tasks.size();
                tasks.add(transfer(Kind.SEND, g, v, home, linkLatency, 0));
                tasks.get(source).successors.add(sendOf[v]);
                tasks.get(source).localUsers.add(sendOf[v]);
                source = sendOf[v];
            }
            receiveOf[v] = new int[devices.size()];
            Arrays.fill(receiveOf[v], -1);
            for (Device dev : devices) {
                if (consumerOn[dev.index()] && dev.isAccelerator()) {
                    receiveOf[v][dev.index()] = tasks.size();
                    tasks.add(transfer(Kind.RECEIVE, g, v, dev, linkLatency, out));
                    tasks.get(source).successors.add(receiveOf[v][dev.index()]);
                }
            }
        }
        // every consumer waits for its inputs: the producer itself on the same device, the
        // received copy on another accelerator, the copy in host memory on a host core
        for (Edge e : g.edges()) {
            int u = e.source();
            int w = e.target();
            int consumer = computeOf[w];
            int there = placement.deviceOf(w);
            int from;
            if (placement.deviceOf(u) == there) {
                from = computeOf[u];
                tasks.get(from).localUsers.add(consumer);
            } else if (devices.get(there).isAccelerator()) {
                from = receiveOf[u][there];
                tasks.get(from).localUsers.add(consumer);
            } else {
                from = sendOf[u] >= 0 ? sendOf[u] : computeOf[u];
            }
            tasks.get(from).successors.add(consumer);
        }
        return new SampleTasks(tasks, computeOf);
    }

    /** A transfer of node v's output over a device's link; the latency part does not keep the link busy. */
    private static Task transfer(Kind kind, OperatorGraph g, int v, Device dev, double linkLatency, double bytes) {
        Operator op = g.operator(v);
        double time = op.transferTime(dev.kind());
        double latency = Math.min(linkLatency, time);
        return new Task(kind, v, dev.index(), time - latency, latency, bytes, op.isBackward());
    }

    /** Bytes of a node's output: the operator's own figure, else its largest out-edge. */
    static double outputBytes(OperatorGraph g, int v) {
        double bytes = g.operator(v).outputBytes();
        for (int j = 0; j < g.outDegree(v); j++) {
            bytes = Math.max(bytes, g.edge(g.outEdge(v, j)).bytes());
        }
        return bytes;
    }
}

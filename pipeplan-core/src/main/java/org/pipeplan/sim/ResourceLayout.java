package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;

/**
 * The resources of a run, numbered: first the compute engine of every device replica, then the
 * link of every accelerator replica when transfers overlap (otherwise its link is its engine: it
 * either computes or moves a tensor), then the shared host link if there is one. Every resource is
 * a lane of the trace; the lanes are named in the same order. Replica r of a device takes samples
 * r, r + R, r + 2R...
 */
final class ResourceLayout {

    private final int[][] engine;
    private final int[][] port;
    /** The shared host link, or -1. */
    private final int bus;
    private final int count;
    private final List<String> lanes;

    private ResourceLayout(int[][] engine, int[][] port, int bus, int count, List<String> lanes) {
        this.engine = engine;
        this.port = port;
        this.bus = bus;
        this.count = count;
        this.lanes = List.copyOf(lanes);
    }

    static ResourceLayout of(List<Device> devices, SimulationOptions options) {
        int[][] engine = new int[devices.size()][];
        int[][] port = new int[devices.size()][];
        List<String> lanes = new ArrayList<>();
        int next = 0;
        for (Device dev : devices) {
            int r = options.replicasOf(dev.index());
            engine[dev.index()] = new int[r];
            port[dev.index()] = new int[r];
            for (int k = 0; k < r; k++) {
                engine[dev.index()][k] = next++;
                lanes.add(r == 1 ? dev.name() : dev.name() + "#" + k);
            }
        }
        for (Device dev : devices) {
            for (int k = 0; k < port[dev.index()].length; k++) {
                if (options.overlapTransfers() && dev.isAccelerator()) {
                    port[dev.index()][k] = next++;
                    lanes.add(lanes.get(engine[dev.index()][k]) + " link");
                } else {
                    port[dev.index()][k] = engine[dev.index()][k];
                }
            }
        }
        int bus = options.sharedLink() ? next++ : -1;
        if (bus >= 0) {
            lanes.add("shared link");
        }
        return new ResourceLayout(engine, port, bus, next, lanes);
    }

    /** Resources in all (engines, separate links, the shared link). */
    int count() {
        return count;
    }

    /** Lane names, by resource number. */
    List<String> lanes() {
        return lanes;
    }

    int replicas(int device) {
        return engine[device].length;
    }

    int replicaOf(int device, int sample) {
        return sample % engine[device].length;
    }

    int engine(int device, int replica) {
        return engine[device][replica];
    }

    int port(int device, int replica) {
        return port[device][replica];
    }

    /** The engine of the replica of a device that takes a sample; its memory holds the sample's tensors there. */
    int engineOf(int device, int sample) {
        return engine[device][replicaOf(device, sample)];
    }

    /**
     * Resources a task holds while it runs, primary first (the one whose queue it waits in): a
     * compute task its replica's engine, a transfer its replica's link and the shared link if any,
     * a flush every replica's engine of its device. Callers only read the array.
     */
    int[] heldBy(SimulatedTasks tasks, int id) {
        if (tasks.isFlush(id)) {
            return engine[tasks.flushDevice(id)];
        }
        int t = tasks.templateOf(id);
        int d = tasks.template.device[t];
        int r = replicaOf(d, tasks.sampleOf(id));
        if (tasks.template.kind[t] == SampleTasks.Kind.COMPUTE) {
            return new int[] {engine[d][r]};
        }
        return bus >= 0 ? new int[] {port[d][r], bus} : new int[] {port[d][r]};
    }
}

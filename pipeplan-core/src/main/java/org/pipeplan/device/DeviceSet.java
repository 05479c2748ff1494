package org.pipeplan.device;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The devices a graph is placed on. Immutable; devices are addressed by index. */
public final class DeviceSet {

    /**
     * The most devices a problem may have: the solvers' tables grow with the device count, and a
     * count far beyond any real machine in an input is a mistake, not a request.
     */
    public static final int MAX_DEVICES = 4096;

    private final List<Device> devices;

    public DeviceSet(List<Device> devices) {
        if (devices.size() > MAX_DEVICES) {
            throw new IllegalArgumentException(devices.size() + " devices, more than the " + MAX_DEVICES + " supported");
        }
        this.devices = List.copyOf(devices);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < this.devices.size(); i++) {
            Device d = this.devices.get(i);
            if (d.index() != i) {
                throw new IllegalArgumentException("device " + d.name() + " has index " + d.index() + ", expected " + i);
            }
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("duplicate device name " + d.name());
            }
        }
    }

    /**
     * k identical accelerators named acc0..acc(k-1) with the given memory each, followed by l CPU
     * cores named cpu0..cpu(l-1) without a memory limit.
     */
    public static DeviceSet acceleratorsAndCpus(int accelerators, double memoryPerAccelerator, int cpus) {
        if (accelerators < 0 || cpus < 0) {
            throw new IllegalArgumentException("device counts must be >= 0");
        }
        if ((long) accelerators + cpus > MAX_DEVICES) {
            throw new IllegalArgumentException(((long) accelerators + cpus) + " devices, more than the " + MAX_DEVICES + " supported");
        }
        List<Device> list = new ArrayList<>();
        for (int i = 0; i < accelerators; i++) {
            list.add(new Device(list.size(), "acc" + i, DeviceKind.ACCELERATOR, memoryPerAccelerator));
        }
        for (int i = 0; i < cpus; i++) {
            list.add(new Device(list.size(), "cpu" + i, DeviceKind.CPU, Double.POSITIVE_INFINITY));
        }
        return new DeviceSet(list);
    }

    public int size() {
        return devices.size();
    }

    public Device get(int index) {
        return devices.get(index);
    }

    public List<Device> all() {
        return devices;
    }

    /** The device with this name, or null. */
    public Device byName(String name) {
        for (Device d : devices) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    public List<Device> ofKind(DeviceKind kind) {
        return devices.stream().filter(d -> d.kind().equals(kind)).toList();
    }

    public int count(DeviceKind kind) {
        return ofKind(kind).size();
    }

    @Override
    public String toString() {
        return devices.toString();
    }
}

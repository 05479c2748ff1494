package org.pipeplan.units;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;

/**
 * The devices as groups of interchangeable ones (same kind, same memory limit), in order of first
 * appearance: what the ideal DP counts. A problem with k accelerators and l CPU cores has two
 * groups; a heterogeneous cluster has one per device type.
 */
public record DeviceGroups(List<Group> groups) {

    /** Interchangeable devices: same kind, same memory limit. */
    public record Group(DeviceKind kind, double memoryLimit, List<Device> devices) {

        public boolean host() {
            return kind.hostResident();
        }

        public int size() {
            return devices.size();
        }
    }

    public DeviceGroups {
        groups = List.copyOf(groups);
    }

    public static DeviceGroups of(DeviceSet devices) {
        List<DeviceKind> kinds = new ArrayList<>();
        List<Double> limits = new ArrayList<>();
        List<List<Device>> members = new ArrayList<>();
        for (Device d : devices.all()) {
            double limit = d.kind().hostResident() ? Double.POSITIVE_INFINITY : d.memoryLimit();
            int g = 0;
            while (g < kinds.size() && !(kinds.get(g).equals(d.kind()) && limits.get(g) == limit)) {
                g++;
            }
            if (g == kinds.size()) {
                kinds.add(d.kind());
                limits.add(limit);
                members.add(new ArrayList<>());
            }
            members.get(g).add(d);
        }
        List<Group> groups = new ArrayList<>();
        for (int g = 0; g < kinds.size(); g++) {
            groups.add(new Group(kinds.get(g), limits.get(g), List.copyOf(members.get(g))));
        }
        return new DeviceGroups(groups);
    }

    public int size() {
        return groups.size();
    }

    public Group get(int g) {
        return groups.get(g);
    }

    /**
     * The smallest accelerator memory (infinite without accelerators): contractions that hold
     * memory are only safe when the whole graph fits on every accelerator.
     */
    public double smallestAcceleratorMemory() {
        return groups.stream().filter(g -> !g.host()).mapToDouble(Group::memoryLimit).min()
                .orElse(Double.POSITIVE_INFINITY);
    }

    /** Whether the devices are at most one group of host cores and at most one group of accelerators. */
    public boolean atMostOneOfEach() {
        return groups.stream().filter(Group::host).count() <= 1 && groups.stream().filter(g -> !g.host()).count() <= 1;
    }

    /** The host group, or null. */
    public Group hostGroup() {
        return groups.stream().filter(Group::host).findFirst().orElse(null);
    }

    /** The first accelerator group, or null. */
    public Group acceleratorGroup() {
        return groups.stream().filter(g -> !g.host()).findFirst().orElse(null);
    }

    /** Devices of all groups. */
    public int deviceCount() {
        return groups.stream().mapToInt(Group::size).sum();
    }

    /** The device of a plan's fallback: a host core when there is one. */
    public Device fallbackDevice() {
        Group host = hostGroup();
        return host != null ? host.devices().get(0) : groups.get(0).devices().get(0);
    }
}

package org.pipeplan.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The devices to plan for: how many of which catalog types, and how they are linked.
 *
 * @param groups   device types and counts, in order
 * @param topology how their links connect them
 */
public record DeviceSpec(List<Group> groups, Topology topology) {

    /** {@code count} devices of one type. */
    public record Group(DeviceType type, int count) {
        public Group {
            Objects.requireNonNull(type);
            if (count < 1 || count > org.pipeplan.device.DeviceSet.MAX_DEVICES) {
                throw new IllegalArgumentException("device count for " + type.name() + " must be between 1 and "
                        + org.pipeplan.device.DeviceSet.MAX_DEVICES + ", got " + count);
            }
        }
    }

    public DeviceSpec {
        groups = List.copyOf(groups);
        Objects.requireNonNull(topology);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no devices");
        }
        long total = groups.stream().mapToLong(Group::count).sum();
        if (total > org.pipeplan.device.DeviceSet.MAX_DEVICES) {
            throw new IllegalArgumentException(total + " devices, more than the " + org.pipeplan.device.DeviceSet.MAX_DEVICES
                    + " supported");
        }
    }

    /** Parses "type:count,type:count" (a missing count means 1) against a catalog. */
    public static DeviceSpec parse(String text, DeviceCatalog catalog, Topology topology) {
        List<Group> groups = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            String name = colon < 0 ? p : p.substring(0, colon);
            int count;
            try {
                count = colon < 0 ? 1 : Integer.parseInt(p.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "': the count after ':' must be a number");
            }
            groups.add(new Group(catalog.get(name), count));
        }
        return new DeviceSpec(groups, topology);
    }

    /**
     * One device per unit of count, named after its type: "v100-16gb-0", "cpu-core-1"; a type
     * listed twice goes on counting.
     */
    public DeviceSet deviceSet() {
        List<Device> devices = new ArrayList<>();
        java.util.Map<String, Integer> next = new java.util.HashMap<>();
        for (Group g : groups) {
            for (int k = 0; k < g.count(); k++) {
                int i = next.merge(g.type().name(), 1, Integer::sum) - 1;
                devices.add(new Device(devices.size(), g.type().name() + "-" + i, g.type().kind(),
                        g.type().host() ? Double.POSITIVE_INFINITY : g.type().memoryBytes()));
            }
        }
        return new DeviceSet(devices);
    }

    /** The distinct device types in use. */
    public List<DeviceType> types() {
        return groups.stream().map(Group::type).distinct().toList();
    }
}

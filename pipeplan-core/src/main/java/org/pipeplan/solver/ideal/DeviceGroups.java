package org.pipeplan.solver.ideal;

import java.util.List;
import org.pipeplan.graph.Device;
import org.pipeplan.graph.DeviceKind;
import org.pipeplan.graph.DeviceSet;
import org.pipeplan.solver.UnsupportedProblemException;

/**
 * The two interchangeable device groups the ideal DP understands: identical host cores and
 * identical accelerators (same kind, same memory limit).
 */
record DeviceGroups(List<Device> cpus, List<Device> accelerators, DeviceKind hostKind, DeviceKind acceleratorKind,
                    double memoryLimit) {

    static DeviceGroups of(DeviceSet devices) {
        List<Device> cpus = devices.all().stream().filter(d -> d.kind().hostResident()).toList();
        List<Device> accs = devices.all().stream().filter(Device::isAccelerator).toList();
        DeviceKind host = cpus.isEmpty() ? DeviceKind.CPU : cpus.get(0).kind();
        DeviceKind acc = accs.isEmpty() ? DeviceKind.ACCELERATOR : accs.get(0).kind();
        for (Device d : cpus) {
            if (!d.kind().equals(host)) {
                throw new UnsupportedProblemException("the ideal DP needs identical host devices, got " + host
                        + " and " + d.kind());
            }
        }
        double memory = accs.isEmpty() ? Double.POSITIVE_INFINITY : accs.get(0).memoryLimit();
        for (Device d : accs) {
            if (!d.kind().equals(acc) || d.memoryLimit() != memory) {
                throw new UnsupportedProblemException("the ideal DP needs identical accelerators; " + d.name()
                        + " differs from " + accs.get(0).name());
            }
        }
        return new DeviceGroups(cpus, accs, host, acc, memory);
    }
}

package org.pipeplan.graph;

import java.util.Objects;
import org.pipeplan.device.DeviceSet;

/**
 * What to place: an operator graph and the devices to place it on.
 *
 * @param name    a short name for tables and plan files (usually the input file name)
 * @param graph   the operator graph
 * @param devices the devices
 */
public record PlacementProblem(String name, OperatorGraph graph, DeviceSet devices) {

    public PlacementProblem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(devices, "devices");
    }

    public PlacementProblem withDevices(DeviceSet newDevices) {
        return new PlacementProblem(name, graph, newDevices);
    }
}

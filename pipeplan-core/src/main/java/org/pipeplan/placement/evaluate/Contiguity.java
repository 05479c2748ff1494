package org.pipeplan.placement.evaluate;

import java.util.List;

/**
 * How a placement's forward part is laid out over the devices.
 *
 * @param contiguous        true when the devices form a pipeline: forward data only flows from
 *                          earlier to later devices, so each device receives the difference of two
 *                          nested ideals of the forward graph
 * @param pipelineOrder     the used devices (by index) in such an order; empty when not contiguous
 * @param nonConvexDevices  names of devices whose forward set is not convex (a path leaves the set
 *                          and comes back); a split can be non-contiguous with every set convex
 */
public record Contiguity(boolean contiguous, List<Integer> pipelineOrder, List<String> nonConvexDevices) {

    public Contiguity {
        pipelineOrder = List.copyOf(pipelineOrder);
        nonConvexDevices = List.copyOf(nonConvexDevices);
    }
}

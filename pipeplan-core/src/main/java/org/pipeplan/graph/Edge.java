package org.pipeplan.graph;

/**
 * A data dependency between two operators of an {@link OperatorGraph}, by their indices.
 *
 * @param source index of the producing operator
 * @param target index of the consuming operator
 * @param cost   time to move the tensor between an accelerator and host memory
 * @param bytes  size of the tensor, when known (0 otherwise)
 */
public record Edge(int source, int target, double cost, double bytes) {
}

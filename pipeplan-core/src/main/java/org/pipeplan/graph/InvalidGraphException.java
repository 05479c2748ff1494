package org.pipeplan.graph;

/** A graph that breaks an invariant of the IR (a cycle, a dangling edge, a duplicate id...). */
public class InvalidGraphException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidGraphException(String message) {
        super(message);
    }
}

package org.pipeplan.planner;

/** A problem a solver cannot handle (for instance devices it does not model); the message says why. */
public class UnsupportedProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedProblemException(String message) {
        super(message);
    }
}

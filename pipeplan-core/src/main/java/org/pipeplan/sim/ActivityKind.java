package org.pipeplan.sim;

/** What a device (or its link) is doing during a stretch of simulated time. */
public enum ActivityKind {
    FORWARD, BACKWARD, SEND, RECEIVE, ALLREDUCE;

    public boolean transfer() {
        return this == SEND || this == RECEIVE || this == ALLREDUCE;
    }
}

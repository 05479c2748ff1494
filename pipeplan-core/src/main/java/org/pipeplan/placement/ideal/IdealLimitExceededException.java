package org.pipeplan.placement.ideal;

/** The forward graph has more ideals than the DP is allowed to enumerate. */
class IdealLimitExceededException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public IdealLimitExceededException(long limit) {
        super("more than " + limit + " ideals");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}

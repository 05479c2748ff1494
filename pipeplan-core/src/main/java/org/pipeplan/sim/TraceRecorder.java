package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The schedule as segments per lane: a task that follows one of the same kind and sample on its
 * lane without a gap extends that segment. The trace keeps at most {@link #MAX_SEGMENTS}
 * segments so that long runs stay small; beyond that it is cut (the figures, which do not come
 * from the trace, stay exact) and says so.
 */
final class TraceRecorder {

    /** Segments kept in a trace at most; longer schedules are cut (the figures stay exact). */
    static final int MAX_SEGMENTS = 200_000;
    /** Segments closer than this touch. */
    private static final double TOUCHING = 1e-9;

    private final List<TraceSegment> segments = new ArrayList<>();
    /** The last segment of every lane, or -1. */
    private final int[] lastSegment;
    private boolean complete = true;

    TraceRecorder(int lanes) {
        lastSegment = new int[lanes];
        Arrays.fill(lastSegment, -1);
    }

    /** Adds a finished task to the trace of a lane, merged with the segment before when they touch. */
    void record(int lane, ActivityKind kind, int sample, double start, double end) {
        int last = lastSegment[lane];
        if (last >= 0) {
            TraceSegment prev = segments.get(last);
            if (prev.kind() == kind && prev.sample() == sample && Math.abs(prev.end() - start) <= TOUCHING) {
                segments.set(last, new TraceSegment(lane, kind, sample, prev.start(), end));
                return;
            }
        }
        if (segments.size() >= MAX_SEGMENTS) {
            complete = false;
            return;
        }
        lastSegment[lane] = segments.size();
        segments.add(new TraceSegment(lane, kind, sample, start, end));
    }

    List<TraceSegment> segments() {
        return Collections.unmodifiableList(segments);
    }

    /** False when segments were left out. */
    boolean complete() {
        return complete;
    }
}

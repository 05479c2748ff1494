package org.pipeplan.sim;

import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.placement.evaluate.Evaluation;

/**
 * What a {@link Schedule} decides in a run: which ready task a free resource starts first (its
 * urgency), what a task waits for besides its inputs in the sample (admission, the last
 * mini-batch's flush, the end of a GPipe forward phase), whether a ready task may start yet, and
 * what a finished task lets go. The event loop does the rest the same way for every schedule.
 * A policy keeps the state of one run.
 */
interface SchedulePolicy {

    /** What a policy may do to the run it steers. */
    interface Run {

        /** One dependency of a task is met. */
        void release(int id);

        /** A sample is let into the pipeline now; its latency counts from here when streaming. */
        void admitted(int sample, double now);
    }

    static SchedulePolicy of(SimulationOptions options, SimulatedTasks tasks, ResourceLayout resources,
                             OperatorGraph graph, Evaluation loads) {
        return switch (options.schedule()) {
            case STREAMING -> new StreamingPolicy(tasks, options.inFlight());
            case GPIPE -> new GPipePolicy(tasks);
            case ONE_F_ONE_B -> new OneFOneBPolicy(tasks, resources, OneFOneBPolicy.pipelineCaps(tasks, graph, loads));
        };
    }

    /** Lower first; the event loop breaks ties by task number, so runs are deterministic. */
    long urgency(int id);

    /** Dependencies of a task beyond those within its sample. */
    int gates(int id);

    /** Whether a task at the head of its resource's queue may start now. */
    default boolean mayStart(int id) {
        return true;
    }

    /** A task starts. */
    default void started(int id) {
    }

    /** A task ended (a sample's task after its successors within the sample were released). */
    void taskDone(int id, Run run);

    /** The last task of a sample ended. */
    default void sampleDone(int sample, double now, Run run) {
    }

    /** Nothing is left to happen but tasks are: true if the policy relaxed itself so that they may go on. */
    default boolean relax() {
        return false;
    }

    /** Remarks on the run ("" if none). */
    default String note() {
        return "";
    }
}

package org.pipeplan.cli.options;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pipeplan.planner.StopSignal;

/**
 * Ctrl-C handling: the first interrupt asks the running solver to stop and return its best plan;
 * the JVM then waits (up to a limit) until the command has printed and saved that plan. Before
 * any planner has started (the input still being read) there is nothing to keep: it exits at once.
 */
public final class Interrupts {

    private static final long WAIT_SECONDS = 60;
    private static final StopSignal SIGNAL = new StopSignal();
    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static volatile boolean planning;

    private Interrupts() {
    }

    /** The signal the command-line solvers watch. */
    public static StopSignal signal() {
        return SIGNAL;
    }

    public static void install() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (FINISHED.getCount() == 0) {
                return; // normal exit
            }
            System.err.println();
            if (!planning) {
                // still reading or checking the input: there is no plan to keep, so exit now
                System.err.println("pipeplan: interrupted before planning started: nothing written");
                return;
            }
            System.err.println("pipeplan: interrupted: stopping the solver and keeping the best plan found so far");
            SIGNAL.requestStop();
            try {
                FINISHED.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pipeplan-interrupt"));
    }

    /** A planner is about to run: an interrupt from now on stops it and keeps its best plan. */
    public static void planningStarted() {
        planning = true;
    }

    /** The command is done (its output is written): an interrupt now just exits. */
    public static void finished() {
        FINISHED.countDown();
    }
}

package org.pipeplan.ortools;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Checks a condition every 100 ms on a daemon thread and, while it holds, asks a native solver to
 * stop: a stop raised just before a search starts would otherwise be lost, and a solver's own
 * time limit may be checked too seldom. Closing it ends the checks.
 */
public final class StopWatchdog implements AutoCloseable {

    private final ScheduledExecutorService thread;

    public StopWatchdog(String name, BooleanSupplier stopWanted, Runnable stop) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            if (stopWanted.getAsBoolean()) {
                stop.run();
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

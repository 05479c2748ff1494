package org.pipeplan.planner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A request from outside (Ctrl-C, a caller giving up) that running solvers stop and return the
 * best plan found so far. Solvers poll it through {@link Deadline#expired()} or register an action
 * (such as stopping a native search) with {@link #onStop}.
 */
public final class StopSignal {

    private volatile boolean requested;
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();

    public void requestStop() {
        requested = true;
        for (Runnable action : actions) {
            action.run();
        }
    }

    public boolean isRequested() {
        return requested;
    }

    /** Runs the action when a stop is requested (at once if it already was); returns a handle to remove it. */
    public AutoCloseable onStop(Runnable action) {
        actions.add(action);
        if (requested) {
            action.run();
        }
        return () -> actions.remove(action);
    }
}

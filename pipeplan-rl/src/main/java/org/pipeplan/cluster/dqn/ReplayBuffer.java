package org.pipeplan.cluster.dqn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Experience replay: the last {@code capacity} transitions, sampled uniformly. A transition keeps
 * the states, not their features or the next state's actions: the environment is deterministic
 * and cheap, so those are recomputed when a transition is replayed. Both DQN searches use it, each
 * with its own transitions ({@link Transition} for {@link DqnSearch}).
 *
 * @param <T> the transitions it holds
 */
final class ReplayBuffer<T> {

    /** One step: from a state, an action, its reward, and where it led (null when the episode ended). */
    record Transition(PlanEnvironment.State state, PlanEnvironment.Action action, double reward,
                      PlanEnvironment.State next) {
    }

    private final int capacity;
    private final List<T> items = new ArrayList<>();
    private int oldest;

    ReplayBuffer(int capacity) {
        this.capacity = capacity;
    }

    void add(T t) {
        if (items.size() < capacity) {
            items.add(t);
        } else {
            items.set(oldest, t);
            oldest = (oldest + 1) % capacity;
        }
    }

    int size() {
        return items.size();
    }

    List<T> sample(int count, Random random) {
        List<T> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(items.get(random.nextInt(items.size())));
        }
        return out;
    }
}

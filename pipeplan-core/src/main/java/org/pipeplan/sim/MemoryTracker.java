package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of tensors held on every device replica, and their peaks: a task's output is held from
 * the end of the task that makes or receives it until every local user is done. Forward outputs
 * used by the backward pass on the same device are the stashed activations; they are counted
 * apart as well. Memory is kept per engine (the resource number of the replica's engine).
 */
final class MemoryTracker {

    private final SimulatedTasks tasks;
    /** Template tasks on the same device whose outputs a task uses, per template task. */
    private final int[][] localInputs;
    /** Whether a template task's output is a stashed activation. */
    private final boolean[] stashes;
    /** Local users of a task's output not yet done, per sample task. */
    private final int[] usersLeft;
    private final double[] held;
    private final double[] heldPeak;
    private final double[] stashed;
    private final double[] stashedPeak;

    MemoryTracker(SimulatedTasks tasks, int resources) {
        this.tasks = tasks;
        SampleTasks tpl = tasks.template;
        List<List<Integer>> inputs = new ArrayList<>();
        for (int t = 0; t < tasks.perSample; t++) {
            inputs.add(new ArrayList<>(2));
        }
        for (int t = 0; t < tasks.perSample; t++) {
            for (int user : tpl.localUsers[t]) {
                inputs.get(user).add(t);
            }
        }
        localInputs = inputs.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        stashes = new boolean[tasks.perSample];
        for (int t = 0; t < tasks.perSample; t++) {
            stashes[t] = isStashed(tpl, t);
        }
        usersLeft = new int[tasks.flushBase];
        for (int s = 0; s < tasks.samples; s++) {
            for (int t = 0; t < tasks.perSample; t++) {
                usersLeft[tasks.id(s, t)] = tpl.localUsers[t].length;
            }
        }
        held = new double[resources];
        heldPeak = new double[resources];
        stashed = new double[resources];
        stashedPeak = new double[resources];
    }

    /** Forward outputs used by the backward pass on the same device are the stashed activations. */
    private static boolean isStashed(SampleTasks tpl, int t) {
        if (tpl.kind[t] != SampleTasks.Kind.COMPUTE || tpl.backward[t]) {
            return false;
        }
        for (int user : tpl.localUsers[t]) {
            if (tpl.backward[user]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Template task t of sample s ended on the replica whose engine is {@code engine}: its output
     * is held from now, and every input whose last local user it was is let go.
     */
    void taskDone(int s, int t, int engine) {
        SampleTasks tpl = tasks.template;
        if (tpl.bytes[t] > 0 && tpl.localUsers[t].length > 0) {
            held[engine] += tpl.bytes[t];
            heldPeak[engine] = Math.max(heldPeak[engine], held[engine]);
            if (stashes[t]) {
                stashed[engine] += tpl.bytes[t];
                stashedPeak[engine] = Math.max(stashedPeak[engine], stashed[engine]);
            }
        }
        for (int input : localInputs[t]) {
            int producer = tasks.id(s, input);
            if (--usersLeft[producer] == 0 && tpl.bytes[input] > 0) {
                held[engine] -= tpl.bytes[input];
                if (stashes[input]) {
                    stashed[engine] -= tpl.bytes[input];
                }
            }
        }
    }

    /** Largest bytes held at once on the replica of this engine. */
    double peak(int engine) {
        return heldPeak[engine];
    }

    /** Largest bytes of stashed activations held at once on the replica of this engine. */
    double peakStashed(int engine) {
        return stashedPeak[engine];
    }
}

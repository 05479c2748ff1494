package org.pipeplan.edgetpu.learned;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * The state of an order being built: which nodes are placed, which are ready (all predecessors
 * placed), and the progress features the decoder conditions on: how much of the compute and of
 * the parameters is placed, where that falls within an even share per stage, and how much data
 * would cross a cut made now.
 */
final class OrderState {

    static final int PROGRESS_FEATURES = 7;

    private final EdgeTpuGraph g;
    private final EdgeTpuPipeline p;
    private final int stages;
    private final double totalCompute;
    private final double totalParams;
    private final double meanCompute;
    private final boolean[] placed;
    private final int[] waitingInputs;
    private final int[] usesLeft;
    /** The ready nodes, unordered, and where each sits in that list (-1 if not there). */
    private final int[] readyList;
    private final int[] readyIndex;
    private int count;
    private int ready;
    private double compute;
    private double params;
    private double live;

    OrderState(EdgeTpuGraph g, EdgeTpuPipeline p) {
        this.g = g;
        this.p = p;
        this.stages = p.stages();
        this.totalCompute = Math.max(g.totalCompute(), 1e-12);
        this.totalParams = Math.max(g.totalParamBytes(), 1);
        this.meanCompute = totalCompute / Math.max(1, g.size());
        placed = new boolean[g.size()];
        waitingInputs = new int[g.size()];
        usesLeft = new int[g.size()];
        readyList = new int[g.size()];
        readyIndex = new int[g.size()];
        java.util.Arrays.fill(readyIndex, -1);
        for (int v = 0; v < g.size(); v++) {
            waitingInputs[v] = g.predecessorCount(v);
            usesLeft[v] = g.successorCount(v);
            if (waitingInputs[v] == 0) {
                addReady(v);
            }
        }
    }

    private void addReady(int v) {
        readyIndex[v] = ready;
        readyList[ready++] = v;
    }

    private void removeReady(int v) {
        int i = readyIndex[v];
        int last = readyList[--ready];
        readyList[i] = last;
        readyIndex[last] = i;
        readyIndex[v] = -1;
    }

    /** How many nodes are ready now. */
    int readyCount() {
        return ready;
    }

    /** The i-th ready node (in no particular order). */
    int readyNode(int i) {
        return readyList[i];
    }

    boolean isReady(int v) {
        return !placed[v] && waitingInputs[v] == 0;
    }

    void place(int v) {
        if (!isReady(v)) {
            throw new IllegalStateException("node " + v + " is not ready");
        }
        placed[v] = true;
        count++;
        removeReady(v);
        compute += g.compute(v);
        params += g.paramBytes(v);
        if (usesLeft[v] > 0) {
            live += p.transferTime(g.outputBytes(v));
        }
        for (int j = 0; j < g.predecessorCount(v); j++) {
            int u = g.predecessor(v, j);
            if (--usesLeft[u] == 0) {
                live -= p.transferTime(g.outputBytes(u));
            }
        }
        for (int j = 0; j < g.successorCount(v); j++) {
            if (--waitingInputs[g.successor(v, j)] == 0) {
                addReady(g.successor(v, j));
            }
        }
    }

    void progress(float[] into) {
        double computeShare = compute / totalCompute;
        double paramShare = params / totalParams;
        into[0] = (float) count / g.size();
        into[1] = (float) computeShare;
        into[2] = (float) paramShare;
        into[3] = (float) frac(computeShare * stages);
        into[4] = (float) frac(paramShare * stages);
        into[5] = (float) Math.log1p(Math.max(0, live) / meanCompute);
        into[6] = (float) ready / g.size();
    }

    private static double frac(double x) {
        return x - Math.floor(x);
    }
}

package org.pipeplan.cluster.dqn;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.StageCost;
import org.pipeplan.cluster.StageTime;

/**
 * The DQN's environment: a plan is built stage by stage along the pipeline order, the cost model
 * ({@link StageCost}) acting as the simulator. A state is how far the plan has got (position,
 * GPUs used, slowest stage so far); an action closes the next stage at some position with some
 * replicas and split degree. The reward is minus the growth of the slowest stage (in units of the
 * ideal time per sample, all compute spread evenly over all GPUs), so an episode's return is
 * minus its plan's time per sample.
 *
 * <p>Actions are pruned as in Auto-MAP, to what is worth trying:
 * <ul>
 *   <li>cuts only at low-communication frontiers (positions where the bytes crossing the cut are
 *       at most their median over all cuts, or a local minimum), and of those only the few nearest the balanced cut: where the stage
 *       would take the time per sample that spreading the remaining work over the remaining GPUs
 *       would give;</li>
 *   <li>replicate or split only a stage whose load dominates (more work than one GPU's share), and
 *       split only where splittable operators carry at least half of the stage's compute;</li>
 *   <li>never a stage that does not fit the GPUs' memory, nor one that leaves no GPU for the rest.</li>
 * </ul>
 */
final class PlanEnvironment {

    static final int STATE_FEATURES = 6;
    static final int ACTION_FEATURES = 12;
    static final int FEATURES = STATE_FEATURES + ACTION_FEATURES;
    /** Frontier cuts tried on each side of the balanced cut, per stage shape. */
    static final int CUTS_PER_SIDE = 3;
    /** Return of an episode that ends with no way to go on, below that of any plan. */
    static final double DEAD_END = -20;

    private final ClusterProblem problem;
    private final ParallelSpace space;
    private final int n;
    private final int gpus;
    private final double total;
    private final double ideal;
    private final double crossScale;
    private final int[] frontiers;

    /** How far a plan has got. */
    record State(int position, int gpusUsed, double worst) {
    }

    /** The next stage: positions [from, to) with its shape, and what it costs. */
    record Action(int from, int to, int replicas, int split, int firstGpu, StageTime time) {

        int gpus() {
            return replicas * split;
        }
    }

    PlanEnvironment(ClusterProblem problem, ParallelSpace space) {
        this.problem = problem;
        this.space = space;
        this.n = problem.positions();
        this.gpus = problem.cluster().gpus();
        this.total = Math.max(problem.totalCompute(), 1e-12);
        this.ideal = total / gpus;
        double maxCross = 0;
        double[] sorted = new double[n];
        for (int i = 1; i <= n; i++) {
            maxCross = Math.max(maxCross, problem.crossing(i));
            sorted[i - 1] = problem.crossing(i);
        }
        java.util.Arrays.sort(sorted);
        double median = sorted[(n - 1) / 2];
        // frontiers: cuts that move little data, below the median or a local minimum
        List<Integer> f = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            double here = problem.crossing(i);
            double before = problem.crossing(i - 1);
            double after = i < n ? problem.crossing(i + 1) : Double.POSITIVE_INFINITY;
            if (i == n || here <= median || (here <= before && here <= after)) {
                f.add(i);
            }
        }
        this.frontiers = f.stream().mapToInt(Integer::intValue).toArray();
        this.crossScale = Math.max(maxCross, 1);
    }

    State start() {
        return new State(0, 0, 0);
    }

    boolean finished(State s) {
        return s.position() == n;
    }

    /** The ideal time per sample: all compute spread evenly over every GPU. */
    double ideal() {
        return ideal;
    }

    int frontierCount() {
        return frontiers.length;
    }

    /** The pruned actions from a state, in a fixed order. */
    List<Action> actions(State s) {
        List<Action> out = new ArrayList<>();
        int i = s.position();
        int left = gpus - s.gpusUsed();
        if (i == n || left <= 0) {
            return out;
        }
        double remaining = problem.compute(i, n);
        double share = remaining / left;
        int first = firstFrontierAfter(i);
        GpuCluster c = problem.cluster();
        for (int[] shape : space.shapes(left)) {
            int r = shape[0];
            int t = shape[1];
            int g = r * t;
            // the first frontier whose compute alone reaches the balanced time
            int lo = first;
            int hi = frontiers.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (computeTime(i, frontiers[mid], r, t) >= share) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            int last = Math.min(frontiers.length - 1, lo + CUTS_PER_SIDE - 1);
            for (int k = Math.max(first, lo - CUTS_PER_SIDE); k <= last; k++) {
                addIfWorth(out, s, frontiers[k], r, t, g, left, share, c);
            }
            addIfWorth(out, s, n, r, t, g, left, share, c); // ending here is always worth a try
        }
        return out;
    }

    private void addIfWorth(List<Action> out, State s, int cut, int r, int t, int g, int left, double share, GpuCluster c) {
        int i = s.position();
        for (Action a : out) {
            if (a.to() == cut && a.replicas() == r && a.split() == t) {
                return;
            }
        }
        if (cut < n && g >= left) {
            return; // no GPU left for the rest
        }
        double compute = problem.compute(i, cut);
        if (g > 1 && compute <= share) {
            return; // only a dominant load is worth more than one GPU
        }
        if (t > 1 && problem.splittableCompute(i, cut) < 0.5 * compute) {
            return; // splitting pays only where splittable operators carry the stage
        }
        StageTime time = StageCost.of(problem, i, cut, r, t, s.gpusUsed());
        if (time.memoryPerGpu() > c.memoryBytes()) {
            return;
        }
        out.add(new Action(i, cut, r, t, s.gpusUsed(), time));
    }

    private double computeTime(int from, int to, int r, int t) {
        return (problem.compute(from, to) - problem.splittableCompute(from, to) * (1 - 1.0 / t)) / r;
    }

    private int firstFrontierAfter(int position) {
        int lo = 0;
        int hi = frontiers.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (frontiers[mid] > position) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    State next(State s, Action a) {
        return new State(a.to(), s.gpusUsed() + a.gpus(), Math.max(s.worst(), a.time().perSample()));
    }

    /** Minus the growth of the slowest stage, in ideal times per sample. */
    double reward(State s, Action a) {
        return -(Math.max(s.worst(), a.time().perSample()) - s.worst()) / ideal;
    }

    /** Features of a state and an action, the Q-network's input. */
    void features(State s, Action a, float[] into) {
        int left = gpus - s.gpusUsed();
        double remaining = problem.compute(s.position(), n);
        into[0] = (float) s.position() / n;
        into[1] = (float) s.gpusUsed() / gpus;
        into[2] = (float) (remaining / total);
        into[3] = clip(s.worst() / ideal);
        into[4] = (float) left / gpus;
        into[5] = clip(remaining / Math.max(left, 1) / ideal);
        into[6] = (float) (a.to() - a.from()) / n;
        into[7] = (float) (problem.compute(a.from(), a.to()) / Math.max(remaining, 1e-12));
        into[8] = (float) a.gpus() / left;
        into[9] = (float) a.replicas() / left;
        into[10] = (float) a.split() / Math.max(space.maxSplit(), 1);
        into[11] = clip(a.time().perSample() / ideal);
        into[12] = clip(Math.max(s.worst(), a.time().perSample()) / ideal);
        into[13] = (float) (problem.crossing(a.to()) / crossScale);
        into[14] = (float) (a.time().memoryPerGpu() / problem.cluster().memoryBytes());
        into[15] = a.to() == n ? 1 : 0;
        // the rest spread evenly over the GPUs left after this stage: a lower bound of what follows,
        // so that with the slowest stage so far it bounds the plan's time (minus the return) from below
        double rest = a.to() == n ? 0 : problem.compute(a.to(), n) / Math.max(left - a.gpus(), 1);
        into[16] = clip(rest / ideal);
        into[17] = clip(Math.max(Math.max(s.worst(), a.time().perSample()), rest) / ideal);
    }

    private static float clip(double x) {
        return (float) Math.min(10, Math.max(0, x));
    }
}

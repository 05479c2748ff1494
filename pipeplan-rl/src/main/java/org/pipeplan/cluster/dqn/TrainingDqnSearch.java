package org.pipeplan.cluster.dqn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.training.PipelineSchedule;
import org.pipeplan.cluster.training.Recomputation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingPlans;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSearch;
import org.pipeplan.cluster.training.TrainingSetup;
import org.pipeplan.cluster.training.TrainingSpace;
import org.pipeplan.nn.AdamStep;
import org.pipeplan.nn.Torch;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.StopSignal;

/**
 * Training plans by deep Q-learning (after Auto-MAP) over the space the exact training search
 * covers (docs/training.md, "Search"). An episode makes a plan's decisions one at a time: tensor
 * degree t, pipeline degree p, data degree d, virtual stages v, micro-batch b, recomputation, then
 * ZeRO stage, sequence parallelism and schedule. Each decision may take only the values for which
 * some shape of {@link TrainingSearch#shapes} remains, so fixed decisions are respected and every
 * finished episode is a valid shape; a decision with one value left is made at once, without the
 * agent. Actions are pruned as Auto-MAP prunes its own: shapes that cannot fit at all
 * ({@link TrainingSearch#mayFit}) are left out beforehand, and once a plan is found, so are the
 * values all of whose shapes have a lower bound ({@link TrainingSearch#lowerBound}) above its
 * iteration time, since none of them can beat it.
 *
 * <p>The Q-network ({@link QNetwork}) scores (state, action) pairs from the normalised log2 of the
 * decisions so far and of the candidate value, the step as a one-hot, the smallest lower bound of
 * the shapes the candidate leaves (against the space's bound and against the best plan found),
 * how many shapes it leaves, the GPUs it uses, and a few features of the problem. An episode's
 * only reward comes at its end: minus the log of the iteration time of its shape with its best
 * layer split ({@link TrainingSearch#price}, once per shape), over the space's lower bound, or a
 * penalty when no split of the shape fits. Actions are epsilon-greedy, learned from an
 * experience replay with one-step targets from a target network, as in {@link DqnSearch}; the best
 * shape priced is kept, and the search ends with a greedy episode, then a descent from the best
 * shape over the shapes a few decisions from it ({@link #polish}). The plan's status is FEASIBLE
 * (the search proves nothing), its bound the smallest lower bound of the shapes that may fit.
 * A search that ends on its episode budget is the same for the same seed.
 */
public final class TrainingDqnSearch {

    static final int BATCH = 32;
    static final int REPLAY = 20_000;
    static final int WARM_UP = 100;
    static final int TRAIN_EVERY = 1;
    static final int TARGET_SYNC = 100;
    /** Exploration falls linearly from 1 to {@value #EPSILON_END} over this share of the episodes. */
    static final double EXPLORATION_SHARE = 0.6;
    static final double EPSILON_END = 0.05;
    /** Reward of a shape no split of which fits, below that of any shape that fits. */
    static final double PENALTY = -5;
    /** The least reward of a shape that fits (slower shapes are all equally bad). */
    static final double WORST_FIT = -4;
    /**
     * Decisions a shape may differ in from the best one to be tried after the episodes: three, so
     * that moving the tensor degree can bring the data degree and the micro-batch that go with it.
     */
    static final int NEIGHBOURHOOD = 3;

    /** The decisions of an episode, in order. */
    static final int TENSOR = 0;
    static final int PIPELINE = 1;
    static final int DATA = 2;
    static final int VIRTUAL = 3;
    static final int MICRO_BATCH = 4;
    static final int RECOMPUTATION = 5;
    static final int ZERO = 6;
    static final int SEQUENCE_PARALLEL = 7;
    static final int SCHEDULE = 8;
    static final int DECISIONS = 9;
    /** Decisions whose values are degrees or sizes (features: normalised log2). */
    private static final int DEGREES = 5;

    private static final int DERIVED = 4;
    private static final int PROBLEM = 3;
    /** Decisions so far, step one-hot, the candidate value, derived and problem features. */
    static final int FEATURES = DECISIONS + DECISIONS + DECISIONS + DERIVED + PROBLEM;

    /**
     * A state of an episode: the decisions made and the shapes that agree with them. The states
     * form a tree (a state's children are its actions), built as the episodes reach them.
     */
    static final class Node {
        /** The decision this state makes next ({@value #DECISIONS} once all are made). */
        final int step;
        /** Decision values, valid below {@link #step}. */
        final int[] values;
        /** Indices of the shapes that agree with the decisions. */
        final int[] shapes;
        /** The smallest lower bound of those shapes, ms. */
        final double bound;
        private List<Node> children;

        private Node(int step, int[] values, int[] shapes, double bound) {
            this.step = step;
            this.values = values;
            this.shapes = shapes;
            this.bound = bound;
        }

        boolean terminal() {
            return shapes.length == 1;
        }
    }

    /** One step: a state, the action taken (the child state), its reward, and whether the episode ended. */
    private record Transition(Node state, Node action, double reward, boolean terminal) {
    }

    /** What the search did, besides its plan. */
    public record Result(TrainingPlan plan, int episodes, int shapes, int priced, int updates, int bestEpisode) {
    }

    private final TrainingProblem problem;
    private final TrainingSpace space;
    private final DqnSettings settings;
    private final TrainingSearch search;
    private final Random random;
    private final float[] features = new float[FEATURES];
    /** Max over actions of the target network's Q, per state; valid until the target or the best plan changes. */
    private final Map<Node, Double> targetValues = new HashMap<>();
    private final Map<Integer, TrainingSearch.PricedShape> priced = new HashMap<>();

    private List<TrainingSetup> shapes;
    private double[] bounds;
    private int[][] codes;
    private double[] logMax;
    private double reference;
    private float[] problemFeatures;

    private TrainingSearch.PricedShape best;
    private int bestEpisode = -1;
    private int episode;

    private TrainingDqnSearch(TrainingProblem problem, TrainingSpace space, DqnSettings settings) {
        this.problem = problem;
        this.space = space;
        this.settings = settings;
        this.search = new TrainingSearch(problem.workload(), problem.globalBatch(), problem.tokensPerSample());
        this.random = new Random(settings.seed() * 1_000_003L + 29);
    }

    /** The best training plan the agent finds in the space for the problem's fixed decisions. */
    public static Result search(TrainingProblem problem, TrainingSpace space, DqnSettings settings,
                                ProgressListener listener, StopSignal stop) {
        return new TrainingDqnSearch(problem, space, settings).run(listener == null ? ProgressListener.NONE : listener,
                stop == null ? new StopSignal() : stop);
    }

    private Result run(ProgressListener listener, StopSignal stop) {
        long start = System.nanoTime();
        Deadline deadline = Deadline.in(settings.timeLimit(), stop);
        List<TrainingSetup> all = search.shapes(space, problem.fix());
        shapes = new ArrayList<>();
        for (TrainingSetup s : all) {
            if (search.mayFit(s)) {
                shapes.add(s);
            }
        }
        int pruned = all.size() - shapes.size();
        if (shapes.isEmpty()) {
            return new Result(TrainingPlans.none(problem, space, "dqn", seconds(start), search.whyNothingFits(space,
                    problem.fix())), 0, all.size(), 0, 0, -1);
        }
        prepare();
        int updates = 0;
        int steps = 0;
        boolean stopped = false;
        Node root = root();
        ReplayBuffer<Transition> replay = new ReplayBuffer<>(REPLAY);
        try (NDManager manager = Torch.newManager(); QNetwork net = new QNetwork(manager, settings.seed(), FEATURES)) {
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) settings.learningRate()))
                    .optClipGrad(1f).build();
            QNetwork.Weights online = net.snapshot();
            QNetwork.Weights target = online;
            listener.begin("DQN episodes", settings.episodes());
            if (root.terminal()) {
                // every decision is fixed: the plan is that shape with its best split
                stopped = reward(root.shapes[0], deadline) == null;
                episode = 1;
            }
            for (; !root.terminal() && episode < settings.episodes() && !stopped; episode++) {
                if (deadline.expired()) {
                    stopped = true;
                    break;
                }
                // the last episode is greedy: what the trained agent itself would do
                boolean greedy = episode == settings.episodes() - 1;
                double epsilon = greedy ? 0
                        : Math.max(EPSILON_END, 1 - episode / (EXPLORATION_SHARE * settings.episodes()));
                Node state = root;
                while (!state.terminal()) {
                    List<Node> choices = actions(state);
                    Node action = random.nextDouble() < epsilon ? choices.get(random.nextInt(choices.size()))
                            : bestAction(online, state, choices);
                    double reward = 0;
                    if (action.terminal()) {
                        Double r = reward(action.shapes[0], deadline);
                        if (r == null) {
                            stopped = true;
                            break;
                        }
                        reward = r;
                    }
                    replay.add(new Transition(state, action, reward, action.terminal()));
                    state = action;
                    if (++steps % TRAIN_EVERY == 0 && replay.size() >= WARM_UP) {
                        learn(manager, net, adam, replay.sample(BATCH, random), target);
                        online = net.snapshot();
                        if (++updates % TARGET_SYNC == 0) {
                            target = online;
                            targetValues.clear();
                        }
                    }
                }
                listener.advance(episode + 1);
            }
            listener.end();
        }
        int polished = stopped ? 0 : polish(deadline);
        double seconds = seconds(start);
        String note = String.format(Locale.ROOT, "%d episodes, %d of %d shapes of %s priced (%d that cannot fit pruned), "
                        + "%d updates, best in episode %d, %d improving moves after%s", episode, priced.size(), shapes.size(),
                space.description(), pruned, updates, bestEpisode, polished, stopped ? " (stopped: " + deadline.reason() + ")" : "");
        if (best == null) {
            String why = stopped && priced.isEmpty() ? "stopped (" + deadline.reason() + ") before any shape was priced"
                    : "no shape the agent tried fits: " + search.whyNothingFits(space, problem.fix());
            return new Result(TrainingPlans.none(problem, space, "dqn", seconds, note + "; " + why), episode, shapes.size(),
                    priced.size(), updates, bestEpisode);
        }
        double bound = Double.POSITIVE_INFINITY;
        for (double b : bounds) {
            bound = Math.min(bound, b);
        }
        bound = Math.min(bound, best.evaluation().iterationMs());
        TrainingPlan plan = new TrainingPlan(best.evaluation(), best.boundaries(), space, "dqn", PlanStatus.FEASIBLE, bound,
                seconds, note);
        return new Result(plan, episode, shapes.size(), priced.size(), updates, bestEpisode);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    // ------------------------------------------------------------------ the decision tree

    /** Decision codes and bounds of every shape, the features' scales. */
    private void prepare() {
        int count = shapes.size();
        bounds = new double[count];
        codes = new int[count][];
        reference = Double.POSITIVE_INFINITY;
        int[] max = new int[DECISIONS];
        for (int i = 0; i < count; i++) {
            TrainingSetup s = shapes.get(i);
            bounds[i] = search.lowerBound(s);
            reference = Math.min(reference, bounds[i]);
            codes[i] = codes(s);
            for (int k = 0; k < DECISIONS; k++) {
                max[k] = Math.max(max[k], codes[i][k]);
            }
        }
        if (!(reference > 0) || Double.isInfinite(reference)) {
            reference = 1;
        }
        logMax = new double[DECISIONS];
        for (int k = 0; k < DEGREES; k++) {
            logMax[k] = Math.log(Math.max(2, max[k])) / Math.log(2);
        }
        GpuCluster c = problem.workload().problem().cluster();
        problemFeatures = new float[] {(float) (Math.log(c.gpus()) / Math.log(2) / 10),
                (float) (problem.workload().size() / 100.0), (float) (c.gpusPerNode() / 16.0)};
    }

    static int[] codes(TrainingSetup s) {
        int[] c = new int[DECISIONS];
        c[TENSOR] = s.tensor();
        c[PIPELINE] = s.pipeline();
        c[DATA] = s.data();
        c[VIRTUAL] = s.virtualStages();
        c[MICRO_BATCH] = s.microBatch();
        c[RECOMPUTATION] = s.recomputation().ordinal();
        c[ZERO] = s.zeroStage();
        c[SEQUENCE_PARALLEL] = s.sequenceParallel() ? 1 : 0;
        c[SCHEDULE] = s.schedule().ordinal();
        return c;
    }

    /** A decision's value as a feature in [0, 1]. */
    private float normalised(int decision, int code) {
        if (decision < DEGREES) {
            return (float) (Math.log(code) / Math.log(2) / logMax[decision]);
        }
        return switch (decision) {
            case RECOMPUTATION -> code / (float) (Recomputation.values().length - 1);
            case ZERO -> code / 3f;
            case SEQUENCE_PARALLEL -> code;
            default -> code / (float) (PipelineSchedule.values().length - 1);
        };
    }

    private Node root() {
        int[] all = new int[shapes.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return node(new int[DECISIONS], 0, all);
    }

    /** The state of these shapes, the decisions from {@code from} on on which they all agree made at once. */
    private Node node(int[] decided, int from, int[] members) {
        int[] values = decided.clone();
        int step = from;
        while (step < DECISIONS && agree(members, step)) {
            values[step] = codes[members[0]][step];
            step++;
        }
        double bound = Double.POSITIVE_INFINITY;
        for (int i : members) {
            bound = Math.min(bound, bounds[i]);
        }
        return new Node(step, values, members, bound);
    }

    private boolean agree(int[] members, int decision) {
        int first = codes[members[0]][decision];
        for (int i : members) {
            if (codes[i][decision] != first) {
                return false;
            }
        }
        return true;
    }

    /** The actions of a state: one child per value of its decision, in increasing order of the value. */
    private List<Node> children(Node s) {
        if (s.children == null) {
            TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
            for (int i : s.shapes) {
                groups.computeIfAbsent(codes[i][s.step], k -> new ArrayList<>()).add(i);
            }
            List<Node> out = new ArrayList<>(groups.size());
            for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
                int[] values = s.values.clone();
                values[s.step] = g.getKey();
                out.add(node(values, s.step + 1, g.getValue().stream().mapToInt(Integer::intValue).toArray()));
            }
            s.children = List.copyOf(out);
        }
        return s.children;
    }

    /**
     * The actions worth taking in a state: those whose shapes' smallest lower bound does not exceed
     * the best plan found (no shape of the others can beat it). Never empty for a state reached
     * through them: the shapes of a state all agree with one of its actions.
     */
    private List<Node> actions(Node s) {
        List<Node> all = children(s);
        if (best == null) {
            return all;
        }
        double limit = best.evaluation().iterationMs();
        List<Node> out = new ArrayList<>(all.size());
        for (Node a : all) {
            if (a.bound <= limit) {
                out.add(a);
            }
        }
        return out.isEmpty() ? all : out;
    }

    /** Features of taking the action (child state) {@code a} in state {@code s}. */
    void features(Node s, Node a, float[] into) {
        java.util.Arrays.fill(into, 0);
        for (int k = 0; k < s.step; k++) {
            into[k] = normalised(k, s.values[k]);
        }
        into[DECISIONS + s.step] = 1;
        into[2 * DECISIONS + s.step] = normalised(s.step, a.values[s.step]);
        int at = 3 * DECISIONS;
        into[at] = clip(Math.log(a.bound / reference), 0, 4);
        into[at + 1] = best == null ? 0 : clip(Math.log(a.bound / best.evaluation().iterationMs()), -2, 2);
        into[at + 2] = (float) (Math.log(a.shapes.length) / Math.log(Math.max(2, shapes.size())));
        int gpus = 1;
        for (int k = TENSOR; k <= DATA && k < a.step; k++) {
            gpus *= a.values[k];
        }
        into[at + 3] = (float) gpus / problem.workload().problem().cluster().gpus();
        System.arraycopy(problemFeatures, 0, into, at + DERIVED, PROBLEM);
    }

    private static float clip(double x, double lo, double hi) {
        return (float) Math.min(hi, Math.max(lo, x));
    }

    // ------------------------------------------------------------------ polishing

    /**
     * After the episodes, a descent from the agent's best shape: the shapes that differ from it in
     * at most {@value #NEIGHBOURHOOD} decisions, in the order of their lower bound, each priced until one beats it
     * (then again from that one) or the bound reaches it. Returns the improving moves made.
     */
    private int polish(Deadline deadline) {
        int moves = 0;
        while (best != null && !deadline.expired()) {
            TrainingSetup from = best.setup();
            double value = best.evaluation().iterationMs();
            List<Integer> near = new ArrayList<>();
            for (int k = 0; k < shapes.size(); k++) {
                if (!priced.containsKey(k) && bounds[k] < value && decisionsApart(shapes.get(k), from) <= NEIGHBOURHOOD) {
                    near.add(k);
                }
            }
            near.sort(java.util.Comparator.comparingDouble((Integer k) -> bounds[k]).thenComparingInt(k -> k));
            boolean improved = false;
            for (int k : near) {
                if (deadline.expired() || bounds[k] >= best.evaluation().iterationMs()) {
                    break;
                }
                if (reward(k, deadline) == null) {
                    return moves;
                }
                if (best.evaluation().iterationMs() < value) {
                    improved = true;
                    moves++;
                    break;
                }
            }
            if (!improved) {
                break;
            }
        }
        return moves;
    }

    /** How many of the decisions (t, p, d, v with its schedule, b, ZeRO, recomputation, sp) two shapes differ in. */
    private static int decisionsApart(TrainingSetup a, TrainingSetup b) {
        int n = 0;
        n += a.tensor() != b.tensor() ? 1 : 0;
        n += a.pipeline() != b.pipeline() ? 1 : 0;
        n += a.data() != b.data() ? 1 : 0;
        n += a.virtualStages() != b.virtualStages() || a.schedule() != b.schedule() ? 1 : 0;
        n += a.microBatch() != b.microBatch() ? 1 : 0;
        n += a.zeroStage() != b.zeroStage() ? 1 : 0;
        n += a.recomputation() != b.recomputation() ? 1 : 0;
        n += a.sequenceParallel() != b.sequenceParallel() ? 1 : 0;
        return n;
    }

    // ------------------------------------------------------------------ rewards

    /**
     * The reward of a finished episode's shape: minus the log of its iteration time over the
     * space's bound, or the penalty when no split fits; null when the deadline stopped the pricing.
     */
    private Double reward(int shape, Deadline deadline) {
        TrainingSearch.PricedShape p;
        if (priced.containsKey(shape)) {
            p = priced.get(shape);
        } else {
            p = search.price(shapes.get(shape), Double.POSITIVE_INFINITY, deadline);
            if (p == null && deadline.expired()) {
                return null;
            }
            priced.put(shape, p);
            if (p != null && (best == null || p.evaluation().iterationMs() < best.evaluation().iterationMs())) {
                best = p;
                bestEpisode = episode;
                targetValues.clear(); // the features against the best plan changed
            }
        }
        if (p == null) {
            return PENALTY;
        }
        return Math.max(WORST_FIT, -Math.log(p.evaluation().iterationMs() / reference));
    }

    // ------------------------------------------------------------------ learning

    private Node bestAction(QNetwork.Weights w, Node s, List<Node> choices) {
        Node pick = choices.get(0);
        double max = Double.NEGATIVE_INFINITY;
        for (Node a : choices) {
            features(s, a, features);
            double q = w.q(features);
            if (q > max) {
                max = q;
                pick = a;
            }
        }
        return pick;
    }

    private double targetValue(QNetwork.Weights target, Node s) {
        Double v = targetValues.get(s);
        if (v == null) {
            double max = Double.NEGATIVE_INFINITY;
            for (Node a : actions(s)) {
                features(s, a, features);
                max = Math.max(max, target.q(features));
            }
            v = max;
            targetValues.put(s, v);
        }
        return v;
    }

    /** One gradient step towards the one-step targets of a replayed batch (Huber loss). */
    private void learn(NDManager manager, QNetwork net, Optimizer adam, List<Transition> batch, QNetwork.Weights target) {
        float[] x = new float[batch.size() * FEATURES];
        float[] y = new float[batch.size()];
        for (int k = 0; k < batch.size(); k++) {
            Transition t = batch.get(k);
            features(t.state(), t.action(), features);
            System.arraycopy(features, 0, x, k * FEATURES, FEATURES);
            y[k] = (float) (t.reward() + (t.terminal() ? 0 : targetValue(target, t.action())));
        }
        try (NDManager m = manager.newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray input = m.create(x, new Shape(batch.size(), FEATURES));
            NDArray wanted = m.create(y, new Shape(batch.size(), 1));
            NDArray error = net.forward(input).sub(wanted).abs();
            NDArray quadratic = error.minimum(1f);
            NDArray loss = quadratic.square().mul(0.5f).add(error.sub(quadratic)).mean();
            collector.backward(loss);
            AdamStep.apply(manager, net.parameters(), adam);
            zeroGradients(m, net);
        }
    }

    /**
     * Zeroes the network's gradients for the next backward pass. (DJL's
     * {@code GradientCollector.zeroGradients} walks every array of the engine and leaves two
     * gradient handles behind per parameter each time, so that every update would take longer than
     * the one before.)
     */
    private static void zeroGradients(NDManager scratch, QNetwork net) {
        for (NDArray p : net.parameters().values()) {
            NDArray g = p.getGradient();
            g.attach(scratch);
            g.subi(g);
        }
    }
}

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.nn.AdamStep;
import org.pipeplan.nn.Torch;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.StopSignal;

/**
 * Plan search by deep Q-learning (after Auto-MAP): an agent builds plans stage by stage in the
 * {@link PlanEnvironment}, choosing epsilon-greedily by its Q-network; transitions go to an
 * experience replay, from which the network learns (Huber loss on one-step targets from a target
 * network that is refreshed every {@value #TARGET_SYNC} updates). Every episode's plan is scored
 * by the cost model and the best one is kept. Ten times in a search, and at its end, the learned
 * Q-values also steer a beam search ({@value #BEAM} partial plans wide), which follows the agent's
 * few most promising choices at every step instead of its single best one; the search ends with a
 * greedy episode.
 */
public final class DqnSearch {

    static final int BATCH = 32;
    static final int REPLAY = 20_000;
    static final int WARM_UP = 200;
    static final int TRAIN_EVERY = 2;
    static final int TARGET_SYNC = 100;
    /** Exploration falls linearly from 1 to {@value #EPSILON_END} over this share of the episodes. */
    static final double EXPLORATION_SHARE = 0.6;
    static final double EPSILON_END = 0.05;
    /** Partial plans kept at each step of the Q-guided beam search. */
    static final int BEAM = 64;
    /** Beam searches in a search: one after every tenth of the episodes. */
    static final int BEAM_SEARCHES = 10;

    private final ClusterProblem problem;
    private final PlanEnvironment env;
    private final DqnSettings settings;
    private final Random random;
    private final Map<PlanEnvironment.State, List<PlanEnvironment.Action>> actionCache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PlanEnvironment.State, List<PlanEnvironment.Action>> eldest) {
            return size() > 50_000;
        }
    };
    /** max over actions of the target network's Q, per state; valid until the target changes. */
    private final Map<PlanEnvironment.State, Double> targetValues = new HashMap<>();
    private final float[] features = new float[PlanEnvironment.FEATURES];

    private DqnSearch(ClusterProblem problem, ParallelSpace space, DqnSettings settings) {
        this.problem = problem;
        this.env = new PlanEnvironment(problem, space);
        this.settings = settings;
        this.random = new Random(settings.seed() * 1_000_003L + 17);
    }

    /** What the search did, besides its plan. */
    public record Result(ClusterPlan plan, int episodes, int updates, int bestEpisode) {
    }

    public static Result search(ClusterProblem problem, ParallelSpace space, DqnSettings settings,
                                ProgressListener listener, StopSignal stop) {
        return new DqnSearch(problem, space, settings).run(listener, stop == null ? new StopSignal() : stop);
    }

    private Result run(ProgressListener listener, StopSignal stop) {
        long start = System.nanoTime();
        Deadline deadline = Deadline.in(settings.timeLimit(), stop);
        ReplayBuffer<ReplayBuffer.Transition> replay = new ReplayBuffer<>(REPLAY);
        List<PlanEnvironment.Action> best = null;
        double bestTime = Double.POSITIVE_INFINITY;
        int bestEpisode = -1;
        int steps = 0;
        int updates = 0;
        int episode = 0;
        try (NDManager manager = Torch.newManager(); QNetwork net = new QNetwork(manager, settings.seed())) {
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) settings.learningRate()))
                    .optClipGrad(1f).build();
            QNetwork.Weights online = net.snapshot();
            QNetwork.Weights target = online;
            listener.begin("DQN episodes", settings.episodes());
            for (; episode < settings.episodes() && !deadline.expired(); episode++) {
                // the last episode is greedy: what the trained agent itself would do
                boolean greedy = episode == settings.episodes() - 1;
                double epsilon = greedy ? 0
                        : Math.max(EPSILON_END, 1 - episode / (EXPLORATION_SHARE * settings.episodes()));
                PlanEnvironment.State state = env.start();
                List<PlanEnvironment.Action> taken = new ArrayList<>();
                List<PlanEnvironment.Action> choices = actions(state);
                while (!choices.isEmpty()) {
                    PlanEnvironment.Action a = random.nextDouble() < epsilon ? choices.get(random.nextInt(choices.size()))
                            : bestAction(online, state, choices);
                    PlanEnvironment.State next = env.next(state, a);
                    double reward = env.reward(state, a);
                    List<PlanEnvironment.Action> nextChoices = env.finished(next) ? List.of() : actions(next);
                    boolean deadEnd = !env.finished(next) && nextChoices.isEmpty();
                    if (deadEnd) {
                        reward += PlanEnvironment.DEAD_END;
                    }
                    replay.add(new ReplayBuffer.Transition(state, a, reward, env.finished(next) || deadEnd ? null : next));
                    taken.add(a);
                    state = next;
                    choices = nextChoices;
                    if (++steps % TRAIN_EVERY == 0 && replay.size() >= WARM_UP) {
                        learn(manager, net, adam, replay.sample(BATCH, random), target);
                        online = net.snapshot();
                        if (++updates % TARGET_SYNC == 0) {
                            target = online;
                            targetValues.clear();
                        }
                    }
                }
                boolean beamNow = updates > 0 && (episode + 1) % Math.max(1, settings.episodes() / BEAM_SEARCHES) == 0;
                if (beamNow || greedy) {
                    Beam found = beamSearch(online);
                    if (found != null && found.worst() < bestTime - 1e-12) {
                        bestTime = found.worst();
                        best = found.actions();
                        bestEpisode = episode;
                        listener.message(String.format(java.util.Locale.ROOT, "beam search after episode %d: %.6g ms per sample",
                                episode, bestTime));
                    }
                }
                if (env.finished(state) && state.worst() < bestTime - 1e-12) {
                    bestTime = state.worst();
                    best = taken;
                    bestEpisode = episode;
                    listener.message(String.format(java.util.Locale.ROOT, "episode %d: %.6g ms per sample", episode, bestTime));
                }
                listener.advance(episode + 1);
            }
            listener.end();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String note = String.format(java.util.Locale.ROOT, "%d episodes, %d updates, best in episode %d%s", episode, updates,
                bestEpisode, deadline.expired() ? " (stopped: " + deadline.reason() + ")" : "");
        if (best == null) {
            return new Result(ClusterPlan.none("dqn", seconds, note + "; no episode found a plan that fits"), episode,
                    updates, bestEpisode);
        }
        List<ClusterStage> stages = new ArrayList<>();
        for (PlanEnvironment.Action a : best) {
            stages.add(new ClusterStage(problem.nodes(a.from(), a.to()), a.replicas(), a.split(), a.firstGpu()));
        }
        return new Result(new ClusterPlan(stages, bestTime, "dqn", PlanStatus.FEASIBLE, seconds, note), episode, updates, bestEpisode);
    }

    /** A partial plan of the beam: its stages so far and where they lead. */
    private record Beam(List<PlanEnvironment.Action> actions, PlanEnvironment.State state, double estimate) {

        double worst() {
            return state.worst();
        }
    }

    /**
     * Builds plans breadth-first, keeping at each step the {@value #BEAM} partial plans whose
     * slowest stage, as the Q-network expects it to end up, is smallest; returns the best complete
     * plan met, or null.
     */
    private Beam beamSearch(QNetwork.Weights w) {
        List<Beam> beam = List.of(new Beam(List.of(), env.start(), 0));
        Beam best = null;
        while (!beam.isEmpty()) {
            Map<PlanEnvironment.State, Beam> children = new HashMap<>();
            for (Beam b : beam) {
                for (PlanEnvironment.Action a : actions(b.state())) {
                    env.features(b.state(), a, features);
                    // Q is minus the growth of the slowest stage from here on, in ideal times
                    double estimate = b.state().worst() - w.q(features) * env.ideal();
                    PlanEnvironment.State next = env.next(b.state(), a);
                    List<PlanEnvironment.Action> plan = new ArrayList<>(b.actions());
                    plan.add(a);
                    Beam child = new Beam(plan, next, estimate);
                    if (env.finished(next)) {
                        if (best == null || next.worst() < best.worst() - 1e-12) {
                            best = child;
                        }
                    } else {
                        children.merge(next, child, (x, y) -> y.estimate() < x.estimate() ? y : x);
                    }
                }
            }
            beam = children.values().stream()
                    .sorted(java.util.Comparator.comparingDouble(Beam::estimate)
                            .thenComparingInt(b -> b.state().position()).thenComparingInt(b -> b.state().gpusUsed()))
                    .limit(BEAM).toList();
        }
        return best;
    }

    private List<PlanEnvironment.Action> actions(PlanEnvironment.State s) {
        return actionCache.computeIfAbsent(s, env::actions);
    }

    private PlanEnvironment.Action bestAction(QNetwork.Weights w, PlanEnvironment.State s, List<PlanEnvironment.Action> choices) {
        PlanEnvironment.Action best = choices.get(0);
        double max = Double.NEGATIVE_INFINITY;
        for (PlanEnvironment.Action a : choices) {
            env.features(s, a, features);
            double q = w.q(features);
            if (q > max) {
                max = q;
                best = a;
            }
        }
        return best;
    }

    private double targetValue(QNetwork.Weights target, PlanEnvironment.State s) {
        Double v = targetValues.get(s);
        if (v == null) {
            double max = Double.NEGATIVE_INFINITY;
            for (PlanEnvironment.Action a : actions(s)) {
                env.features(s, a, features);
                max = Math.max(max, target.q(features));
            }
            v = max;
            targetValues.put(s, v);
        }
        return v;
    }

    /** One gradient step towards the one-step targets of a replayed batch. */
    private void learn(NDManager manager, QNetwork net, Optimizer adam, List<ReplayBuffer.Transition> batch,
                       QNetwork.Weights target) {
        float[] x = new float[batch.size() * PlanEnvironment.FEATURES];
        float[] y = new float[batch.size()];
        for (int k = 0; k < batch.size(); k++) {
            ReplayBuffer.Transition t = batch.get(k);
            env.features(t.state(), t.action(), features);
            System.arraycopy(features, 0, x, k * PlanEnvironment.FEATURES, PlanEnvironment.FEATURES);
            y[k] = (float) (t.reward() + (t.next() == null ? 0 : targetValue(target, t.next())));
        }
        try (NDManager m = manager.newSubManager(); GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.zeroGradients();
            NDArray input = m.create(x, new Shape(batch.size(), PlanEnvironment.FEATURES));
            NDArray wanted = m.create(y, new Shape(batch.size(), 1));
            NDArray error = net.forward(input).sub(wanted).abs();
            NDArray quadratic = error.minimum(1f);
            // Huber loss: quadratic near the target, linear beyond
            NDArray loss = quadratic.square().mul(0.5f).add(error.sub(quadratic)).mean();
            collector.backward(loss);
            AdamStep.apply(manager, net.parameters(), adam);
        }
    }
}

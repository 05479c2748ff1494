package org.pipeplan.edgetpu.learned;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuCostModel;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.ip.EdgeTpuIpSolver;
import org.pipeplan.edgetpu.split.CompilerSegmentation;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.generate.BlockMix;
import org.pipeplan.generate.SyntheticDagGenerator;
import org.pipeplan.nn.AdamStep;
import org.pipeplan.nn.Torch;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.RunSettings;

/**
 * Trains the scheduler as RESPECT does: on synthetic DNN-like graphs, first by imitation of exact
 * solutions (the exact split, read as the order "by stage, then by topological position", is the
 * teacher's order; the loss is its negative log-likelihood), then by REINFORCE against the cost
 * model (sampled orders, split exactly, rewarded by how close their bottleneck comes to the exact
 * one, with the mean reward of the samples as baseline). After every epoch the greedy decoding is
 * scored on the training graphs, and the checkpoint is rewritten whenever that score is the best
 * so far. Deterministic for a seed.
 */
public final class SchedulerTrainer {

    /**
     * @param graphs          synthetic graphs to train on
     * @param minNodes        smallest graph
     * @param maxNodes        largest graph
     * @param stages          pipeline lengths, used in turn
     * @param imitationEpochs passes of imitation
     * @param reinforceEpochs passes of REINFORCE
     * @param samples         orders sampled per graph in a REINFORCE step
     * @param learningRate    Adam's step size
     * @param exactSeconds    time limit of each exact solve
     * @param hidden          width of the node vectors
     * @param seed            seed of graphs, weights and samples
     * @param mix             the blocks the training graphs are made of
     * @param model           the cost model the teachers solve and the pipelines use
     */
    public record Settings(int graphs, int minNodes, int maxNodes, int[] stages, int imitationEpochs,
                           int reinforceEpochs, int samples, double learningRate, double exactSeconds, int hidden,
                           long seed, BlockMix mix, EdgeTpuCostModel model) {

        public Settings {
            if (graphs < 1 || minNodes < 2 || maxNodes < minNodes || stages.length == 0 || imitationEpochs < 0
                    || reinforceEpochs < 0 || samples < 2 || !(learningRate > 0) || !(exactSeconds > 0) || hidden < 1) {
                throw new IllegalArgumentException("training settings out of range: graphs >= 1, 2 <= min nodes <= max nodes, "
                        + "epochs >= 0, samples >= 2, learning rate and exact seconds > 0, width >= 1");
            }
            for (int s : stages) {
                if (s < 1) {
                    throw new IllegalArgumentException("stages must be >= 1, got " + s);
                }
            }
            stages = stages.clone();
            java.util.Objects.requireNonNull(mix, "mix");
            java.util.Objects.requireNonNull(model, "model");
        }

        /** The settings the bundled checkpoint was trained with. */
        public static Settings standard() {
            return new Settings(160, 16, 64, new int[] {4, 5, 6}, 40, 10, 8, 3e-3, 10, SchedulerNetwork.HIDDEN, 6,
                    BlockMix.RICH, EdgeTpuCostModel.CORAL);
        }
    }

    /** One training example: a graph, its pipeline, the exact split and its bottleneck. */
    record Example(EdgeTpuGraph graph, EdgeTpuPipeline pipeline, GraphFeatures features, int[] teacherOrder,
                   double exact, double compiler) {
    }

    /**
     * What training achieved, per epoch: the mean loss, and the mean ratio of the greedy decoding's
     * bottleneck to the exact one on the training graphs.
     */
    public record Report(int examples, int provenOptimal, List<Double> lossPerEpoch, List<Double> greedyRatioPerEpoch,
                         double seconds) {
    }

    /** REINFORCE's step size is the imitation step size divided by this. */
    static final double REINFORCE_STEP_DIVISOR = 3;

    private SchedulerTrainer() {
    }

    public static Report train(Settings s, Path checkpoint, ProgressListener listener) {
        long start = System.nanoTime();
        List<Example> examples = new ArrayList<>();
        int proven = examples(s, listener, examples);
        List<Double> ratios = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (NDManager manager = Torch.newManager(); SchedulerNetwork net = SchedulerNetwork.create(manager, s.seed(), s.hidden())) {
            net.requireGradients();
            // gradients clipped element-wise: one unlucky graph must not blow the weights up; policy
            // gradients are noisier than imitation, so REINFORCE takes smaller steps
            Optimizer imitationAdam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) s.learningRate()))
                    .optClipGrad(1f).build();
            Optimizer reinforceAdam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed((float) (s.learningRate() / REINFORCE_STEP_DIVISOR)))
                    .optClipGrad(1f).build();
            Random random = new Random(s.seed() * 7919);
            double bestRatio = Double.POSITIVE_INFINITY;
            for (int epoch = 0; epoch < s.imitationEpochs() + s.reinforceEpochs(); epoch++) {
                boolean imitation = epoch < s.imitationEpochs();
                List<Example> shuffled = new ArrayList<>(examples);
                java.util.Collections.shuffle(shuffled, random);
                listener.begin((imitation ? "imitation" : "REINFORCE") + " epoch " + (epoch + 1) + " of "
                        + (s.imitationEpochs() + s.reinforceEpochs()), shuffled.size());
                double loss = 0;
                for (int i = 0; i < shuffled.size(); i++) {
                    Example e = shuffled.get(i);
                    loss += imitation ? imitate(manager, net, imitationAdam, e)
                            : reinforce(manager, net, reinforceAdam, e, s.samples(), random);
                    listener.advance(i + 1);
                    listener.message(String.format(java.util.Locale.ROOT, "loss %.4f", loss / (i + 1)));
                }
                losses.add(loss / shuffled.size());
                double ratio = greedyRatio(manager, net, examples);
                ratios.add(ratio);
                if (ratio < bestRatio) { // the checkpoint keeps the best epoch so far
                    bestRatio = ratio;
                    save(net, checkpoint);
                }
                listener.message(String.format(java.util.Locale.ROOT, "greedy / exact %.4f", ratios.get(ratios.size() - 1)));
                listener.end();
            }
        }
        return new Report(examples.size(), proven, losses, ratios, (System.nanoTime() - start) / 1e9);
    }

    /** Synthetic graphs and their exact splits; returns how many were proven optimal. */
    static int examples(Settings s, ProgressListener listener, List<Example> into) {
        SyntheticDagGenerator generator = SyntheticDagGenerator.standard();
        Random sizes = new Random(s.seed());
        // one CP-SAT worker: among several optimal splits it always returns the same one, so the
        // teacher's orders, and the trained model, depend on the seed alone
        RunSettings exact = RunSettings.defaults().withTimeLimit(s.exactSeconds()).withWorkers(1).withSeed(s.seed());
        listener.begin("exact solutions", s.graphs());
        int proven = 0;
        for (int i = 0; i < s.graphs(); i++) {
            int nodes = s.minNodes() + sizes.nextInt(s.maxNodes() - s.minNodes() + 1);
            EdgeTpuGraph g = EdgeTpuGraph.of(generator.generate(s.seed() * 100_003 + i, nodes, s.mix()), s.model());
            EdgeTpuPipeline p = EdgeTpuPipeline.edgeTpus(s.stages()[i % s.stages().length]).withModel(s.model());
            int[] compiler = CompilerSegmentation.split(g, p);
            EdgeTpuIpSolver.Result r = EdgeTpuIpSolver.solve(g, p, exact, compiler);
            proven += r.optimal() ? 1 : 0;
            into.add(new Example(g, p, new GraphFeatures(g, p), teacherOrder(r.stages()), r.times().bottleneck(),
                    EdgeTpuEvaluator.evaluate(g, p, compiler).bottleneck()));
            listener.advance(i + 1);
            listener.message(proven + " proven optimal");
        }
        listener.end();
        return proven;
    }

    /** The exact split as an order: by stage, then by topological position (a topological order). */
    static int[] teacherOrder(int[] stages) {
        return IntStream.range(0, stages.length).boxed()
                .sorted(Comparator.<Integer>comparingInt(v -> stages[v]).thenComparingInt(v -> v))
                .mapToInt(Integer::intValue).toArray();
    }

    private static double imitate(NDManager manager, SchedulerNetwork net, Optimizer adam, Example e) {
        OrderSteps steps = OrderSteps.replay(e.graph(), e.pipeline(), e.teacherOrder());
        try (NDManager m = manager.newSubManager(); GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.zeroGradients();
            NDArray loss = net.logLikelihood(m, e.features(), steps).neg().div(e.graph().size());
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                return 0; // skip the step rather than poison the weights
            }
            collector.backward(loss);
            update(manager, net, adam);
            return value;
        }
    }

    private static double reinforce(NDManager manager, SchedulerNetwork net, Optimizer adam, Example e, int samples,
                                    Random random) {
        Decoder decoder;
        try (NDManager m = manager.newSubManager()) {
            decoder = net.decoder(m, e.features());
        }
        List<int[]> orders = new ArrayList<>();
        double[] reward = new double[samples];
        double mean = 0;
        for (int k = 0; k < samples; k++) {
            int[] order = decoder.decode(e.graph(), e.pipeline(), random);
            orders.add(order);
            double time = EdgeTpuEvaluator.evaluate(e.graph(), e.pipeline(), OrderDp.split(e.graph(), e.pipeline(), order)).bottleneck();
            reward[k] = -time / e.exact();
            mean += reward[k] / samples;
        }
        try (NDManager m = manager.newSubManager(); GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.zeroGradients();
            NDArray loss = null;
            for (int k = 0; k < samples; k++) {
                double advantage = reward[k] - mean;
                if (Math.abs(advantage) < 1e-9) {
                    continue;
                }
                NDArray term = net.logLikelihood(m, e.features(), OrderSteps.replay(e.graph(), e.pipeline(), orders.get(k)))
                        .mul((float) (-advantage / (samples * e.graph().size())));
                loss = loss == null ? term : loss.add(term);
            }
            if (loss == null || !Float.isFinite(loss.getFloat())) {
                return 0;
            }
            float value = loss.getFloat();
            collector.backward(loss);
            update(manager, net, adam);
            return value;
        }
    }

    private static void update(NDManager manager, SchedulerNetwork net, Optimizer adam) {
        AdamStep.apply(manager, net.parameters(), adam);
    }

    private static double greedyRatio(NDManager manager, SchedulerNetwork net, List<Example> examples) {
        double sum = 0;
        for (Example e : examples) {
            Decoder decoder;
            try (NDManager m = manager.newSubManager()) {
                decoder = net.decoder(m, e.features());
            }
            int[] order = decoder.decode(e.graph(), e.pipeline(), null);
            sum += EdgeTpuEvaluator.evaluate(e.graph(), e.pipeline(), OrderDp.split(e.graph(), e.pipeline(), order)).bottleneck()
                    / e.exact();
        }
        return sum / examples.size();
    }

    static void save(SchedulerNetwork net, Path checkpoint) {
        try {
            Path parent = checkpoint.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                net.save(out);
            }
            Files.move(tmp, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }
}

package org.pipeplan.edgetpu.learned;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.edgetpu.split.DepthFirstOrder;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.edgetpu.split.StageRefinement;
import org.pipeplan.io.InputException;
import org.pipeplan.nn.Torch;

/**
 * The trained policy of the learned Edge-TPU scheduler (after RESPECT), loaded from a checkpoint:
 * it orders the nodes, and the order is split into stages exactly ({@link OrderDp}). It decodes greedily and draws a few seeded
 * samples, and also splits the graph's own topological order, keeping the best; every candidate is
 * scored by the cost model, so the answer is never worse than the best split of the plain order.
 * The winner then gets a short local refinement ({@link StageRefinement}): nodes of the slowest
 * stage move to a neighbouring stage while that lowers the bottleneck.
 * The network is trained on DJL; at inference its weights run on plain arrays ({@link
 * PolicyWeights}), which on graphs of hundreds of nodes is many times faster than PyTorch calls.
 */
public final class LearnedPolicy implements AutoCloseable {

    /** The checkpoint shipped with pipeplan, made by {@code pipeplan train}. */
    public static final String BUNDLED = "edge-tpu-scheduler.params";
    static final int SAMPLES = 8;

    private final NDManager manager;
    private final SchedulerNetwork network;
    private final PolicyWeights weights;

    private LearnedPolicy(NDManager manager, SchedulerNetwork network) {
        this.manager = manager;
        this.network = network;
        this.weights = new PolicyWeights(network.parameters());
    }

    /**
     * What the scheduler chose.
     *
     * @param stages  the stage of every node
     * @param times   its stage times
     * @param source  which candidate won: the greedy, a sampled or the graph's own topological
     *                order, and whether the local refinement improved it
     * @param seconds time taken, encoding included
     */
    public record Result(int[] stages, StageTimes times, String source, double seconds) {
    }

    public static LearnedPolicy bundled() {
        try (InputStream in = LearnedPolicy.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled scheduler checkpoint " + BUNDLED + " is missing; train one with pipeplan train");
            }
            return from(in, BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LearnedPolicy load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return from(in, file.toString());
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot read scheduler checkpoint: " + e.getMessage());
        }
    }

    private static LearnedPolicy from(InputStream in, String where) throws IOException {
        NDManager manager = Torch.newManager();
        try {
            return new LearnedPolicy(manager, SchedulerNetwork.load(manager, in));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw new InputException(where, "not a scheduler checkpoint (" + e.getMessage() + ")");
        }
    }

    static LearnedPolicy of(NDManager manager, SchedulerNetwork network) {
        return new LearnedPolicy(manager, network);
    }

    /**
     * Splits a graph: encodes it, decodes the greedy order and a few samples (fewer on large
     * graphs, to stay fast), splits each exactly, and keeps the best, the graph's own order
     * included.
     */
    public Result split(EdgeTpuGraph g, EdgeTpuPipeline p) {
        long start = System.nanoTime();
        Decoder decoder = weights.decoder(g, new GraphFeatures(g, p));
        int[] best = OrderDp.split(g, p);
        double bestTime = EdgeTpuEvaluator.evaluate(g, p, best).bottleneck();
        String source = "topological order";
        Random random = new Random(g.size() * 31L + p.stages());
        int samples = samplesFor(g.size());
        java.util.Set<java.util.List<Integer>> tried = new java.util.HashSet<>();
        // the orders are ranked by their split without the host-link search (a split's stages are a
        // lower bound of its time, so the bound still prunes); the best order is then searched with it
        EdgeTpuPipeline blind = p.model().sharedHostLink() ? p.withModel(p.model().withSharedHostLink(false)) : p;
        int[] bestOrder = null;
        String bestSource = null;
        // the policy's greedy order, its samples, and last the depth-first order, which keeps
        // parallel branches apart where the graph's numbering interleaves them
        for (int k = 0; k <= samples + 1; k++) {
            int[] order = k <= samples ? decoder.decode(g, p, k == 0 ? null : random) : DepthFirstOrder.of(g);
            String label = k == 0 ? "greedy order" : k <= samples ? "sampled order" : "depth-first order";
            if (!tried.add(java.util.Arrays.stream(order).boxed().toList())) {
                continue; // a peaked policy repeats itself: split each order once
            }
            int[] stages = OrderDp.split(g, blind, order, bestTime - 1e-12);
            if (stages == null) {
                continue; // no split of this order beats the best so far
            }
            double time = EdgeTpuEvaluator.evaluate(g, p, stages).bottleneck();
            if (time < bestTime - 1e-12) {
                best = stages;
                bestTime = time;
                source = label;
            }
            if (bestOrder == null || time <= bestTime + 1e-12) {
                bestOrder = order;
                bestSource = label;
            }
        }
        if (blind != p && bestOrder != null && !isIdentity(bestOrder)) { // the graph's own order was searched first
            // searched only for a split below the best so far: one probe settles most orders
            int[] stages = OrderDp.split(g, p, bestOrder, bestTime - 1e-12);
            double time = stages == null ? Double.POSITIVE_INFINITY : EdgeTpuEvaluator.evaluate(g, p, stages).bottleneck();
            if (time < bestTime - 1e-12) {
                best = stages;
                bestTime = time;
                source = bestSource;
            }
        }
        int[] refined = StageRefinement.improve(g, p, best);
        if (EdgeTpuEvaluator.evaluate(g, p, refined).bottleneck() < bestTime - 1e-12) {
            best = refined;
            source += ", refined";
        }
        return new Result(best, EdgeTpuEvaluator.evaluate(g, p, best), source, (System.nanoTime() - start) / 1e9);
    }

    private static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Samples besides the greedy order: 32 up to 200 nodes, {@value #SAMPLES} up to 400, none
     * beyond, where the greedy order alone keeps the scheduler fast.
     */
    static int samplesFor(int nodes) {
        return nodes <= 200 ? 4 * SAMPLES : nodes <= 400 ? SAMPLES : 0;
    }

    /** The embeddings of the DJL network and of the array encoder, for checking that they agree. */
    float[][][] embeddingsBothWays(EdgeTpuGraph g, EdgeTpuPipeline p) {
        GraphFeatures f = new GraphFeatures(g, p);
        try (NDManager m = manager.newSubManager()) {
            return new float[][][] {network.decoder(m, f).embeddings(), weights.decoder(g, f).embeddings()};
        }
    }

    @Override
    public void close() {
        network.close();
        manager.close();
    }
}

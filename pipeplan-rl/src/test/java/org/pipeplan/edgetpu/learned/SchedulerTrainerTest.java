package org.pipeplan.edgetpu.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.generate.SyntheticDagGenerator;

class SchedulerTrainerTest {

    @TempDir
    Path dir;

    private static final SchedulerTrainer.Settings SMALL =
            new SchedulerTrainer.Settings(12, 10, 20, new int[] {3, 4}, 12, 2, 4, 5e-3, 5, 16, 3,
                    org.pipeplan.generate.BlockMix.RICH, org.pipeplan.edgetpu.EdgeTpuCostModel.CORAL);

    @Test
    void imitationLearnsTheExactOrdersAndTheCheckpointRoundTrips() throws Exception {
        Path checkpoint = dir.resolve("model.params");
        SchedulerTrainer.Report report = SchedulerTrainer.train(SMALL, checkpoint, org.pipeplan.planner.ProgressListener.NONE);
        assertEquals(12, report.examples());
        assertEquals(14, report.greedyRatioPerEpoch().size());
        // imitation lowers the loss (the negative log-likelihood of the exact orders)
        double firstLoss = report.lossPerEpoch().get(0);
        double lastImitation = report.lossPerEpoch().get(SMALL.imitationEpochs() - 1);
        assertTrue(lastImitation < 0.8 * firstLoss, "imitation loss went from " + firstLoss + " to " + lastImitation);
        double last = report.greedyRatioPerEpoch().get(report.greedyRatioPerEpoch().size() - 1);
        assertTrue(last < 1.10, "greedy decoding within 10% of exact on the training graphs: " + last);
        assertTrue(Files.size(checkpoint) < 200_000, "small checkpoint: " + Files.size(checkpoint) + " bytes");

        EdgeTpuGraph g = EdgeTpuGraph.of(SyntheticDagGenerator.standard().generate(999, 40, org.pipeplan.generate.BlockMix.RICH),
                org.pipeplan.edgetpu.EdgeTpuCostModel.CORAL);
        EdgeTpuPipeline p = EdgeTpuPipeline.edgeTpus(4).withModel(org.pipeplan.edgetpu.EdgeTpuCostModel.CORAL);
        try (LearnedPolicy a = LearnedPolicy.load(checkpoint); LearnedPolicy b = LearnedPolicy.load(checkpoint)) {
            LearnedPolicy.Result ra = a.split(g, p);
            LearnedPolicy.Result rb = b.split(g, p);
            assertArrayEquals(ra.stages(), rb.stages(), "deterministic");
            EdgeTpuEvaluator.checkMonotone(g, p, ra.stages());
            // never worse than the exact split of the plain topological order
            assertTrue(ra.times().bottleneck() <= EdgeTpuEvaluator.evaluate(g, p, OrderDp.split(g, p)).bottleneck() + 1e-9);
            // inference on plain arrays computes what the DJL network computes
            float[][][] both = a.embeddingsBothWays(g, p);
            for (int v = 0; v < g.size(); v++) {
                for (int j = 0; j < both[0][v].length; j++) {
                    assertEquals(both[0][v][j], both[1][v][j], 1e-4 * (1 + Math.abs(both[0][v][j])), "node " + v);
                }
            }
        }
    }

    @Test
    void theTeacherOrderIsTopologicalAndSplitsBackIntoTheExactStages() {
        EdgeTpuGraph g = EdgeTpuGraph.of(SyntheticDagGenerator.standard().generate(5, 30));
        EdgeTpuPipeline p = EdgeTpuPipeline.edgeTpus(4);
        int[] stages = OrderDp.split(g, p);
        int[] order = SchedulerTrainer.teacherOrder(stages);
        OrderSteps.replay(g, p, order); // fails if a node comes before a predecessor
        double direct = EdgeTpuEvaluator.evaluate(g, p, stages).bottleneck();
        double again = EdgeTpuEvaluator.evaluate(g, p, OrderDp.split(g, p, order)).bottleneck();
        assertTrue(again <= direct + 1e-9);
    }
}

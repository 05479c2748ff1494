package org.pipeplan.edgetpu.best;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.edgetpu.EdgeTpuCostModel;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.edgetpu.evaluate.EdgeTpuBounds;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.generate.BlockMix;
import org.pipeplan.generate.SyntheticDagGenerator;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.RunSettings;

class BestSchedulerTest {

    private static final EdgeTpuOptions OPTIONS = EdgeTpuOptions.defaults()
            .withRun(RunSettings.defaults().withTimeLimit(20).withWorkers(2));

    private static EdgeTpuProblem problem(long seed, int nodes, BlockMix mix, int stages) {
        EdgeTpuGraph g = EdgeTpuGraph.of(SyntheticDagGenerator.standard().generate(seed, nodes, mix), EdgeTpuCostModel.CORAL);
        return new EdgeTpuProblem(g, EdgeTpuPipeline.edgeTpus(stages).withModel(EdgeTpuCostModel.CORAL), new int[0]);
    }

    @Test
    void neverWorseThanAnyOtherSchedulerAndItsBoundHolds() {
        for (BlockMix mix : new BlockMix[] {BlockMix.RICH, BlockMix.CNN, BlockMix.TRANSFORMER}) {
            EdgeTpuProblem p = problem(21, 90, mix, 4);
            EdgeTpuPlan best = EdgeTpuSchedulers.byName("best").solve(p, OPTIONS);
            double value = EdgeTpuEvaluator.evaluate(p.graph(), p.pipeline(), best.stages()).bottleneck();
            assertEquals(value, best.value(), 1e-9 * value, "the evaluator agrees");
            for (String other : new String[] {"compiler", "order", "learned", "exact"}) {
                EdgeTpuPlan o = EdgeTpuSchedulers.byName(other).solve(p, OPTIONS);
                assertTrue(value <= o.value() * (1 + 1e-9), mix.name() + ": best " + value + " vs " + other + " " + o.value());
                if (!Double.isNaN(o.lowerBound())) {
                    assertTrue(o.lowerBound() <= value * (1 + 1e-9), other + "'s bound");
                }
            }
            assertTrue(best.lowerBound() <= value * (1 + 1e-9));
            assertTrue(best.note().startsWith("order") || best.note().startsWith("learned") || best.note().startsWith("exact"),
                    best.note());
        }
    }

    @Test
    void aStreamingBoundGraphIsProvenByTheClosedFormBoundWithoutASearch() {
        EdgeTpuProblem p = problem(1000, 1000, BlockMix.STANDARD, 6);
        EdgeTpuPlan best = EdgeTpuSchedulers.byName("best").solve(p, OPTIONS);
        assertEquals(PlanStatus.OPTIMAL, best.status());
        assertTrue(best.note().endsWith("at the closed-form bound"), best.note());
        assertTrue(EdgeTpuBounds.lowerBound(p.graph(), p.pipeline()) >= best.value() * (1 - EdgeTpuPlan.OPTIMAL_GAP));
        EdgeTpuPlan exact = EdgeTpuSchedulers.byName("exact").solve(p, OPTIONS);
        assertEquals(PlanStatus.OPTIMAL, exact.status());
        assertEquals(best.value(), exact.value(), 1e-9 * best.value());
    }
}

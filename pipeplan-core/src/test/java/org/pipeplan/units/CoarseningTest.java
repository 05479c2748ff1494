package org.pipeplan.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.generate.SyntheticProblems;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;

/** The DP on coarsened graphs: blocks, windows re-solved at the stage boundaries, single moves. */
class CoarseningTest {

    private static final PlacementSolver DP = new ExactDpSolver();

    private static void assertSound(PlacementProblem p, Plan plan) {
        Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
        assertTrue(e.feasible(), p.name() + ": " + e.violations());
        assertTrue(e.contiguity().contiguous(), p.name() + ": not contiguous");
        assertEquals(e.maxLoad(), plan.value(), 1e-9 * e.maxLoad(), p.name());
        assertTrue(plan.lowerBound() <= plan.value() * (1 + 1e-12), p.name());
    }

    @Test
    void coarsenedPlansReachTheExactOptimumOnTheRealGraphs() {
        List<Path> files = new ArrayList<>(List.of(TestData.fixture("LayerGraphs/resnet50_training.json"),
                TestData.fixture("LayerGraphs/bert24_training.json")));
        Path shared = TestData.projectRoot().resolve("../shared/datasets/placement-json/OperatorGraphs");
        if (Files.isDirectory(shared)) {
            for (String f : new String[] {"bert_l-6_inference", "bert_l-3_training", "resnet50_training"}) {
                files.add(shared.resolve(f + ".json"));
            }
        }
        for (Path f : files) {
            PlacementProblem p = PlacementJsonReader.read(f);
            Plan exact = DP.solve(p, PlacementOptions.defaults().withWorkers(1));
            assertEquals(PlanStatus.OPTIMAL, exact.status());
            assertTrue(exact.stats().get("coarseUnits") == null, "small graphs are not coarsened");
            // about a sixth as many blocks as units: far coarser than any real use, so the refinement does the work
            int units = exact.stats().get("units").intValue();
            Plan coarse = DP.solve(p, PlacementOptions.defaults().withWorkers(1).withCoarsenAbove(Math.max(4, units / 3)));
            assertTrue(coarse.stats().get("coarseUnits").intValue() < coarse.stats().get("units").intValue(), f.toString());
            assertSound(p, coarse);
            assertEquals(exact.value(), coarse.value(), 1e-9 * exact.value(), f + ": " + coarse.note());
            assertTrue(coarse.note().contains("coarsened"), coarse.note());
        }
    }

    @Test
    void aLargeRandomGraphIsPlannedSoundlyWithItsBound() {
        PlacementProblem p = SyntheticProblems.generate(3, 20_000, 8);
        Plan plan = DP.solve(p, PlacementOptions.defaults().withWorkers(1));
        assertSound(p, plan);
        assertTrue(plan.stats().get("coarseUnits").intValue() <= PlacementOptions.DEFAULT_COARSEN_ABOVE, plan.stats().toString());
        assertTrue(plan.status() == PlanStatus.OPTIMAL || plan.note().contains("NOT proven"), plan.note());
        // the refined plan is never worse than the blocks' own split
        assertTrue(plan.value() <= plan.stats().get("coarseMaxLoad").doubleValue() * (1 + 1e-12));
    }

    @Test
    void coarseningIsDeterministic() {
        PlacementProblem p = SyntheticProblems.generate(5, 8_000, 4);
        PlacementOptions o = PlacementOptions.defaults().withCoarsenAbove(400);
        Plan a = DP.solve(p, o.withWorkers(1));
        Plan b = DP.solve(p, o.withWorkers(2));
        assertEquals(a.value(), b.value());
        assertEquals(a.placement(), b.placement());
    }
}

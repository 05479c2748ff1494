package org.pipeplan.bound;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.testing.Assignments;
import org.pipeplan.testing.TestGraphs;

/** The max-load bound against every assignment, contiguous or not, on small graphs with tight memories. */
class MaxLoadLowerBoundTest {

    @Test
    void neverExceedsTheBestFeasibleAssignmentAndSeesTheMemories() {
        int raisedByMemory = 0;
        for (int seed = 1; seed <= 80; seed++) {
            Random r = new Random(seed);
            int accelerators = 1 + r.nextInt(2);
            PlacementProblem p = TestGraphs.random(r, 6, false, accelerators, 1 + r.nextInt(2), 3 + r.nextInt(8));
            double best = bestAssignment(p);
            double bound = MaxLoadLowerBound.of(p);
            assertTrue(bound <= best * (1 + 1e-9), "seed " + seed + ": bound " + bound + " over the optimum " + best);
            PlacementProblem roomy = p.withDevices(DeviceSet.acceleratorsAndCpus(accelerators, 1e9,
                    (int) p.devices().all().stream().filter(d -> d.kind().hostResident()).count()));
            double without = MaxLoadLowerBound.of(roomy);
            assertTrue(bound >= without * (1 - 1e-12), "seed " + seed);
            if (bound > without * (1 + 1e-9)) {
                raisedByMemory++;
            }
        }
        assertTrue(raisedByMemory >= 5, "the memories raise the bound on only " + raisedByMemory + " of 80 graphs");
    }

    /** Least max-load over all feasible assignments of colocation classes to devices. */
    private static double bestAssignment(PlacementProblem p) {
        double[] best = {Double.POSITIVE_INFINITY};
        Assignments.forEach(p, placement -> {
            Evaluation e = MaxLoadEvaluator.evaluate(p, placement);
            if (e.feasible()) {
                best[0] = Math.min(best[0], e.maxLoad());
            }
        });
        return best[0];
    }
}

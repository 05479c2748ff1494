package org.pipeplan.placement.ideal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.testing.TestData;
import org.pipeplan.testing.TestGraphs;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.DeviceGroups;
import org.pipeplan.units.UnitGraph;

/** The exact DP's forecast of its own cost, against the run it forecasts. */
class IdealDpForecastTest {

    private static IdealDp dpOf(PlacementProblem p) throws IdealLimitExceededException {
        DeviceGroups groups = DeviceGroups.of(p.devices());
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.exact(), groups.smallestAcceleratorMemory());
        IdealLattice lattice = IdealLattice.enumerate(units, Long.MAX_VALUE, Deadline.none(), ProgressListener.NONE);
        return new IdealDp(units, lattice, groups);
    }

    @Test
    void aSampleOfEveryIdealCountsExactlyThePairsOfTheRun() throws Exception {
        for (int seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            IdealDp dp = dpOf(TestGraphs.random(r, 8 + r.nextInt(4), seed % 2 == 0, 2 + r.nextInt(2), r.nextInt(2), 6 + r.nextInt(12)));
            for (double bound : new double[] {IdealDp.INFINITE, 40, 15}) {
                IdealDp.Forecast forecast = dp.forecast(bound, 1, 10, 0);
                IdealDp.Outcome run = dp.run(bound, 1, Deadline.none(), ProgressListener.NONE);
                // with fewer ideals than the sample, every ideal but the empty one is walked once
                assertEquals(run.pairs(), forecast.pairs(), 1e-9 * Math.max(1, run.pairs()), "seed " + seed + ", bound " + bound);
            }
        }
    }

    @Test
    void aSampledForecastIsCloseToTheRun() throws Exception {
        // GNMT's layer graph, with many more ideals than the sample: stratified sampling lands near the count
        IdealDp dp = dpOf(PlacementJsonReader.read(TestData.fixture("LayerGraphs/gnmt_inference.json")));
        IdealDp.Forecast forecast = dp.forecast(IdealDp.INFINITE, 1, 0.2, 0);
        IdealDp.Outcome run = dp.run(IdealDp.INFINITE, 1, Deadline.none(), ProgressListener.NONE);
        assertEquals(IdealDp.FORECAST_SAMPLE, forecast.sampled());
        assertTrue(forecast.pairs() > 0.5 * run.pairs() && forecast.pairs() < 2 * run.pairs(),
                forecast.pairs() + " forecast for " + run.pairs());
        assertTrue(forecast.seconds() >= 0);
    }
}

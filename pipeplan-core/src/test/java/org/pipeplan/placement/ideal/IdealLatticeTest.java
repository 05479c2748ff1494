package org.pipeplan.placement.ideal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/** The ideal count's lower bound against the enumerated lattice. */
class IdealLatticeTest {

    private static UnitGraph unitsOf(PlacementProblem p) {
        DeviceGroups groups = DeviceGroups.of(p.devices());
        return Contraction.contract(p.graph(), ContractionOptions.exact(), groups.smallestAcceleratorMemory());
    }

    @Test
    void theAntichainBoundNeverExceedsTheCount() throws Exception {
        for (int seed = 1; seed <= 60; seed++) {
            Random r = new Random(seed);
            UnitGraph units = unitsOf(TestGraphs.random(r, 6 + r.nextInt(10), seed % 3 == 0, 2, 1, 20));
            int count = IdealLattice.enumerate(units, Long.MAX_VALUE, Deadline.none(), ProgressListener.NONE).size();
            long atLeast = IdealLattice.atLeast(units);
            assertTrue(atLeast >= 2, "seed " + seed); // the empty ideal and one more at least
            assertTrue(atLeast <= count, "seed " + seed + ": " + atLeast + " > " + count);
        }
        for (String name : new String[] {"gnmt_inference", "resnet50_inference", "bert24_training"}) {
            UnitGraph units = unitsOf(PlacementJsonReader.read(TestData.fixture("LayerGraphs/" + name + ".json")));
            int count = IdealLattice.enumerate(units, Long.MAX_VALUE, Deadline.none(), ProgressListener.NONE).size();
            assertTrue(IdealLattice.atLeast(units) <= count, name);
        }
    }

    @Test
    void aGraphSureToHaveTooManyIdealsIsRefusedBeforeEnumerating() {
        // 40 parallel branches between a source and a sink: at least 2^40 ideals, which no enumeration would finish
        TestGraphs t = new TestGraphs().node(0, 1, 1).node(41, 1, 1);
        for (int i = 1; i <= 40; i++) {
            t.node(i, 2, 1).edge(0, i).edge(i, 41);
        }
        UnitGraph wide = unitsOf(new PlacementProblem("wide", t.build(new double[42]),
                org.pipeplan.device.DeviceSet.acceleratorsAndCpus(2, 1e9, 1)));
        assertEquals(42, wide.size());
        assertTrue(IdealLattice.atLeast(wide) >= 1L << 40);
        assertThrows(IdealLimitExceededException.class,
                () -> IdealLattice.enumerate(wide, 2_000_000, Deadline.none(), ProgressListener.NONE));
    }
}

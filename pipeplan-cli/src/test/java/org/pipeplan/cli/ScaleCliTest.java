package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate, plan on a generated graph, and scale-bench, end to end. */
class ScaleCliTest {

    @TempDir
    Path dir;

    private static final Path TRAINING = Cli.root().resolve("examples/bert24_training.json");

    @Test
    void generatedGraphsArePlannedWithTheirBound() {
        Path tiled = dir.resolve("tiled.json");
        Cli.Run g = Cli.run("generate", "--tile", TRAINING.toString(), "--copies", "4", "-o", tiled.toString());
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().contains("256 operators"), g.out());
        Cli.Run p = Cli.run("plan", tiled.toString(), "-q", "--coarsen-above", "40");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("coarseUnits"), p.out());
        assertTrue(p.out().contains("lower bound"), p.out());

        Path random = dir.resolve("random.json");
        Cli.Run s = Cli.run("generate", "--synthetic", "2000", "--seed", "4", "-k", "4", "-o", random.toString());
        assertEquals(0, s.code(), s.err());
        Cli.Run q = Cli.run("plan", random.toString(), "-q", "--coarsen-above", "500");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("feasible yes"), q.out());
    }

    @Test
    void badGeneratorArgumentsAreOneLineErrors() {
        Cli.assertCleanError(Cli.run("generate", "--tile", TRAINING.toString(), "--copies", "0", "-o",
                dir.resolve("x.json").toString()), 1, "--copies must be between 1 and 1000000");
        Cli.assertCleanError(Cli.run("generate", "--tile", dir.resolve("missing.json").toString(), "-o",
                dir.resolve("x.json").toString()), 1, "no such file");
        Cli.assertCleanError(Cli.run("plan", TRAINING.toString(), "--coarsen-above", "1"), 2, "--coarsen-above must be from 2");
    }

    @Test
    void scaleBenchPrintsItsTable() {
        Cli.Run r = Cli.run("scale-bench", "--sizes", "300,1200", TRAINING.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("synthetic-1-"), r.out());
        assertTrue(r.out().contains("bert24_training-x"), r.out());
        assertTrue(r.out().contains("growth between sizes"), r.out());
        assertTrue(!r.out().contains("DIFFERS"), r.out());
    }
}

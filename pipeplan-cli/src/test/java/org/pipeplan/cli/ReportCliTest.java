package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.testing.TestData;

class ReportCliTest {

    private static final Path TRAINING = Cli.root().resolve("examples/bert24_training.json");
    private static final Path INFERENCE = Cli.root().resolve("examples/bert24_inference.json");

    @TempDir
    Path dir;

    /** A run result shaped like pipeplan run's, for the predicted-against-measured part. */
    static Path runResult(Path dir) {
        return TestData.write(dir, "run.json", """
                {"format": "pipeplan-run", "version": 1, "model": "bert24", "samples": 50, "unit": "ms",
                 "stages": [{"index": 0, "device": "acc0", "nodes": 16, "predictedMs": 17.1, "measuredMs": 18.0},
                            {"index": 1, "device": "acc1", "nodes": 16, "predictedMs": 16.2, "measuredMs": 15.8}],
                 "measured": {"throughput": 55.0, "latencyMeanMs": 36.0},
                 "predicted": {"throughput": 58.5, "latencyMs": 33.3}, "speedup": 1.9}
                """);
    }

    @Test
    void simulatePrintsTheScheduleAgainstTheModel() {
        Cli.Run r = Cli.run("simulate", INFERENCE.toString(), "-q", "--micro-batches", "128");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("simulated streaming, 128 samples"), r.out());
        // a contiguous pipeline without overlap runs at the model's throughput
        assertTrue(r.out().contains("(simulated/model 1.0000)"), r.out());
        assertTrue(r.out().contains("acc4"), r.out());

        Cli.Run t = Cli.run("simulate", TRAINING.toString(), "-q", "--schedule", "1f1b", "--replicate", "acc4=2");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("simulated 1f1b, 8 micro-batches x 3 mini-batches"), t.out());
        assertTrue(t.out().lines().anyMatch(l -> l.startsWith("acc4") && l.contains(" 2 ")), t.out());
    }

    @Test
    void simulateRefusesBadSettingsInOneLine() {
        Cli.assertCleanError(Cli.run("simulate", INFERENCE.toString(), "-q", "--schedule", "gpipe"),
                PipeplanCommand.EXIT_INPUT, "--schedule gpipe needs a training graph (with backward nodes)");
        Cli.assertCleanError(Cli.run("simulate", INFERENCE.toString(), "-q", "--replicate", "gpu9=2"),
                PipeplanCommand.EXIT_INPUT, "--replicate gpu9=2: expected DEVICE=R with a device of bert24_inference");
        Cli.assertCleanError(Cli.run("simulate", INFERENCE.toString(), "-q", "--schedule", "zigzag"),
                PipeplanCommand.EXIT_INPUT, "unknown schedule 'zigzag' (streaming, gpipe, 1f1b)");
        Cli.assertCleanError(Cli.run("simulate", INFERENCE.toString(), "-q", "--micro-batches", "0"),
                2, "--micro-batches must be from 1 to 1000000, got 0");
    }

    @Test
    void reportWritesHtmlAndPngs() throws IOException {
        Path html = dir.resolve("out/report.html");
        Path plan = dir.resolve("plan.json");
        assertEquals(0, Cli.run("plan", TRAINING.toString(), "-q", "-o", plan.toString()).code());
        Cli.Run r = Cli.run("report", TRAINING.toString(), "-q", "--plan", plan.toString(), "-o", html.toString(),
                "--png", dir.resolve("png").toString(), "--run", runResult(dir).toString(), "--compare", "dp,single");
        assertEquals(0, r.code(), r.err());
        String text = Files.readString(html);
        assertTrue(text.contains("<h1>pipeplan report: bert24_training</h1>"));
        assertTrue(text.contains("given (plan.json)"));
        assertTrue(text.contains("<td>single</td>"));
        assertTrue(text.contains("id=\"measured-chart\""));
        for (String png : new String[] {"loads.png", "memory.png", "schedule.png", "measured.png"}) {
            assertTrue(Files.size(dir.resolve("png").resolve(png)) > 1000, png);
        }
    }

    @Test
    void reportRefusesAFileThatIsNotARunResult() {
        Cli.Run r = Cli.run("report", INFERENCE.toString(), "-q", "-o", dir.resolve("r.html").toString(),
                "--run", INFERENCE.toString());
        Cli.assertCleanError(r, PipeplanCommand.EXIT_INPUT, INFERENCE + ": not a run result");
        Cli.assertCleanError(Cli.run("report", INFERENCE.toString(), "-q", "--compare", "magic"),
                PipeplanCommand.EXIT_INPUT, "magic");
    }
}

package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.onnx.testing.TinyModels;

/** profile, plan, split, export and run on an ONNX model, and the errors of ONNX and device input. */
class OnnxCliTest {

    @TempDir
    Path dir;

    private Path model;

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    private static void assertCleanError(Cli.Run r, String message) {
        Cli.assertCleanError(r, PipeplanCommand.EXIT_INPUT, message);
    }

    @BeforeEach
    void writeModel() {
        model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
    }

    @Test
    void profilePlanSplitExportAndRunWorkTogether() throws IOException {
        Path times = dir.resolve("tiny.times.json");
        Cli.Run p = run("profile", model.toString(), "--runs", "3", "--warmup", "1", "-o", times.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode t = new ObjectMapper().readTree(times.toFile());
        assertEquals("pipeplan-node-times", t.get("format").asText());
        assertEquals(7, t.get("nodes").size());

        Path plan = dir.resolve("plan.json");
        Cli.Run r = run("plan", model.toString(), "--devices", "cpu-core:2", "--node-times", times.toString(), "-q",
                "-o", plan.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("solver dp: OPTIMAL"), r.out());

        Path stages = dir.resolve("stages");
        Cli.Run s = run("split", model.toString(), "--devices", "cpu-core:2", "--plan", plan.toString(), "-o",
                stages.toString(), "--check");
        assertEquals(0, s.code(), s.out() + s.err());
        assertTrue(s.out().contains("check: output y (8 values)"), s.out());
        assertTrue(Files.isRegularFile(stages.resolve("stage-0.onnx")));
        assertTrue(Files.isRegularFile(stages.resolve("stages.json")));
        JsonNode modules = new ObjectMapper().readTree(stages.resolve("modules.json").toFile());
        assertEquals("pipeplan-module-split", modules.get("format").asText());

        Cli.Run e = run("export", model.toString(), "--devices", "cpu-core:2", "--plan", plan.toString(), "--format", "torch");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("SplitPoint.BEGINNING"), e.out());

        Path report = dir.resolve("run.json");
        Cli.Run x = run("run", model.toString(), "--devices", "cpu-core:2", "--node-times", times.toString(), "--plan",
                plan.toString(), "--samples", "20", "--warmup", "2", "-q", "-o", report.toString());
        assertEquals(0, x.code(), x.err());
        assertTrue(x.out().contains("predicted") && x.out().contains("measured"), x.out());
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertEquals("pipeplan-run", j.get("format").asText());
        assertTrue(j.get("measured").get("throughput").asDouble() > 0);
        assertTrue(j.get("speedup").asDouble() > 0);
    }

    @Test
    void aStructureOnlyModelIsSplitWithRandomWeights() {
        Path bare = TinyModels.write(dir, "bare.graph.onnx", TinyModels.Weights.NONE);
        Path plan = dir.resolve("bare-plan.json");
        assertEquals(0, run("plan", bare.toString(), "--devices", "cpu-core:3", "-q", "-o", plan.toString()).code());
        Cli.Run s = run("split", bare.toString(), "--devices", "cpu-core:3", "--plan", plan.toString(), "-o",
                dir.resolve("bare-stages").toString(), "--check");
        assertEquals(0, s.code(), s.out() + s.err());
        assertTrue(s.out().contains("random weights"), s.out());
        assertTrue(s.out().contains("ok"), s.out());
    }

    @Test
    void heterogeneousDevicesArePlannedForInferenceAndTraining() throws IOException {
        String devices = "v100-16gb:1,t4-16gb:1,cpu-core:1";
        for (String training : new String[] {"", "--training"}) {
            Path plan = dir.resolve("hetero" + training + ".json");
            Cli.Run dp = run("plan", model.toString(), "--devices", devices, "-q", "-o", plan.toString(), training);
            assertEquals(0, dp.code(), dp.err());
            assertTrue(dp.out().contains("1 x v100-16gb") && dp.out().contains("1 x t4-16gb"), dp.out());
            assertTrue(dp.out().contains("solver dp: OPTIMAL"), dp.out());
            Cli.Run e = run("evaluate", model.toString(), "--devices", devices, "--plan", plan.toString(), training);
            assertEquals(0, e.code(), e.err());
            Cli.Run ip = run("plan", model.toString(), "--devices", devices, "--solver", "ip", "--time-limit", "20", "-q", training);
            assertEquals(0, ip.code(), ip.err());
        }
    }

    @Test
    void badOnnxAndDeviceInputGetOneLineErrors() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertCleanError(run("plan", garbage.toString()), "not an ONNX model");
        assertCleanError(run("plan", model.toString(), "--devices", "warp-drive:2"), "warp-drive");
        assertCleanError(run("plan", model.toString(), "--devices", "cpu-core:two"), "cpu-core:two");
        Cli.assertCleanError(run("plan", model.toString(), "-k", "2"), 2, "--devices");
        Path badDevices = Files.writeString(dir.resolve("devices.json"),
                "{\"format\": \"pipeplan-devices\", \"version\": 1, \"types\": [{\"name\": \"x\", \"peakFlops\": -1}]}");
        assertCleanError(run("plan", model.toString(), "--devices", badDevices.toString()), "devices.json");
        Path badTimes = Files.writeString(dir.resolve("times.json"), "{\"format\": \"pipeplan-node-times\", \"nodes\": {\"a\": \"x\"}}");
        assertCleanError(run("plan", model.toString(), "--node-times", badTimes.toString()), "times.json");
        Path plan = dir.resolve("p.json");
        assertEquals(0, run("plan", model.toString(), "--devices", "cpu-core:2", "-q", "-o", plan.toString()).code());
        assertCleanError(run("run", model.toString(), "--devices", "cpu-core:2", "--plan", plan.toString(),
                "--graph-optimization", "turbo"), "turbo");
        assertCleanError(run("export", model.toString(), "--devices", "cpu-core:2", "--plan", plan.toString(),
                "--format", "xml"), "xml");
    }
}

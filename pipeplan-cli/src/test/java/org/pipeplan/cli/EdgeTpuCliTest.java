package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.onnx.testing.SharedModels;
import org.pipeplan.onnx.testing.TinyModels;
import org.pipeplan.testing.TestData;

class EdgeTpuCliTest {

    @TempDir
    Path dir;

    @Test
    void edgetpuComparesTheSchedulersAndSavesTheBestSplit() throws Exception {
        Path model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
        Path plan = dir.resolve("split.json");
        Cli.Run r = Cli.run("edgetpu", model.toString(), "--stages", "2", "-q", "--solver", "all", "-o", plan.toString());
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"compiler", "order", "exact", "learned", "best"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(s + " ")), s + ": " + r.out());
        }
        // by default the vendor's segmentation beside the best split, with its proof
        Cli.Run d = Cli.run("edgetpu", model.toString(), "--stages", "2", "-q");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().lines().anyMatch(l -> l.startsWith("best ") && l.contains("optimal")), d.out());
        assertTrue(d.out().lines().noneMatch(l -> l.startsWith("exact ")), d.out());
        assertTrue(r.out().contains("2 x edge-tpu (8.00 MiB cache each)"), r.out());
        JsonNode json = new ObjectMapper().readTree(plan.toFile());
        assertEquals("pipeplan-edgetpu-plan", json.get("format").asText());
        assertEquals(2, json.get("stages").asInt());
        assertTrue(json.get("nodes").size() > 0);
    }

    @Test
    void evaluateReChecksASavedSplit() {
        Path model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
        Path plan = dir.resolve("split.json");
        Cli.Run r = Cli.run("edgetpu", model.toString(), "--stages", "3", "-q", "--solver", "compiler,order", "-o", plan.toString());
        assertEquals(0, r.code(), r.err());
        Cli.Run e = Cli.run("evaluate", model.toString(), "--plan", plan.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("3 Edge TPU stages"), e.out());
        // the best split's stage table is printed again, row for row
        String table = r.out().substring(r.out().indexOf("stages of the best split"));
        String firstRow = table.lines().filter(l -> l.trim().startsWith("0 ")).findFirst().orElseThrow();
        assertTrue(e.out().contains(firstRow), r.out() + e.out());
        assertTrue(!e.out().contains("WARNING"), e.out());
    }

    @Test
    void theCoralModelSaysWhatFallsBackToTheCpuAndTheClassicOneStays() throws Exception {
        Path vit = SharedModels.model("vit_b_16.graph.onnx");
        Cli.Run coral = Cli.run("edgetpu", vit.toString(), "--stages", "2", "--solver", "compiler,order", "-q");
        assertEquals(0, coral.code(), coral.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) of (\\d+) operators fall back to the host CPU: .*Erf")
                .matcher(coral.out());
        assertTrue(m.find(), coral.out());
        assertTrue(Integer.parseInt(m.group(1)) > 0, coral.out());
        assertTrue(coral.out().contains("host link busy"), coral.out());
        Cli.Run classic = Cli.run("edgetpu", vit.toString(), "--stages", "2", "--solver", "compiler,order", "-q",
                "--cost-model", "classic");
        assertEquals(0, classic.code(), classic.err());
        assertTrue(classic.out().contains("cost model: classic"), classic.out());
        Path plan = dir.resolve("coral.json");
        assertEquals(0, Cli.run("edgetpu", vit.toString(), "--stages", "2", "--solver", "order", "-q", "--invoke-overhead", "0.2",
                "-o", plan.toString()).code());
        assertEquals("coral", new ObjectMapper().readTree(plan.toFile()).get("costModel").asText());
        Cli.Run e = Cli.run("evaluate", vit.toString(), "--plan", plan.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(!e.out().contains("WARNING"), e.out()); // evaluated under the model it was made under
        Cli.assertCleanError(Cli.run("edgetpu", vit.toString(), "--cost-model", "abacus"), 2, "--cost-model: unknown");
    }

    @Test
    void measuredSegmentTimesAreComparedAndTheOverheadFitted() throws Exception {
        Path model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
        Path plan = dir.resolve("split.json");
        assertEquals(0, Cli.run("edgetpu", model.toString(), "--stages", "2", "-q", "--solver", "order", "-o",
                plan.toString()).code());
        List<Double> times = new ArrayList<>();
        for (var st : new ObjectMapper().readTree(plan.toFile()).get("stageTimes")) {
            double total = st.get("computeMs").asDouble() + st.get("streamingMs").asDouble() + st.get("transferMs").asDouble()
                    + st.get("hostMs").asDouble() + st.get("overheadMs").asDouble();
            if (total > 0) {
                times.add(total + 0.25); // each segment 0.25 ms slower than the model: its invocation
            }
        }
        Path measured = dir.resolve("measured.json");
        Files.writeString(measured, "{\"format\": \"pipeplan-edgetpu-measured\", \"version\": 1, \"unit\": \"ms\", "
                + "\"segments\": " + times + "}");
        Cli.Run e = Cli.run("evaluate", model.toString(), "--plan", plan.toString(), "--measured", measured.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("the invocation overhead that fits the measurements: 0.25 ms"), e.out());
        Files.writeString(measured, "{\"format\": \"pipeplan-edgetpu-measured\", \"version\": 1, \"segments\": [1, 2, 3, 4, 5]}");
        Cli.assertCleanError(Cli.run("evaluate", model.toString(), "--plan", plan.toString(), "--measured", measured.toString()),
                1, "5 segment times for a split of");
    }

    @Test
    void theBenchRunsOnGeneratedGraphsAndJudgesTheSchedulers() {
        Cli.Run r = Cli.run("edgetpu-bench", "--synthetic", "40", "--stages", "3", "--time-limit", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("synthetic-40") || r.out().lines().anyMatch(l -> l.contains(" 40 ")), r.out());
        assertTrue(r.out().contains("within 2%:"), r.out());
        assertTrue(r.out().contains("order split not optimal on"), r.out());
        Cli.assertCleanError(Cli.run("edgetpu-bench"), 2, "give ONNX models or --synthetic sizes");
    }

    @Test
    void aSplitWrittenBeforeTheRedesignStillEvaluates() throws Exception {
        Path model = SharedModels.model("squeezenet1_0.graph.onnx");
        Path plan = TestData.fixture("plans-v1/squeezenet1_0.s4.edgetpu.json");
        double written = new ObjectMapper().readTree(plan.toFile()).get("bottleneckMs").asDouble();
        Cli.Run e = Cli.run("evaluate", model.toString(), "--plan", plan.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("(order): bottleneck " + TextTable.num(written) + " ms"), e.out());
        assertTrue(!e.out().contains("WARNING"), e.out());
    }

    @Test
    void planRunsAnyEdgeTpuSchedulerBesideTheCompiler() {
        Path model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
        Cli.Run r = Cli.run("plan", model.toString(), "-s", "order", "--devices", "edge-tpu:2", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("compiler ")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("order ")), r.out());
        Cli.assertCleanError(Cli.run("plan", model.toString(), "-s", "magic"), 2,
                "unknown solver 'magic' (--solver); known solvers: dp, linear, pipedream, single, local-search, greedy-latency, ip, ip-contig, "
                        + "latency; cluster planners: parallel, pipeline-gpus, dqn; Edge TPU schedulers: compiler, order, exact, learned");
    }

    @Test
    void planWithTheLearnedSolverNeedsEdgeTpus() {
        Path model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
        Cli.Run r = Cli.run("plan", model.toString(), "-s", "learned", "--devices", "edge-tpu:3", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("learned ")), r.out());
        Cli.assertCleanError(Cli.run("plan", Cli.root().resolve("examples/bert24_inference.json").toString(), "-s", "learned"),
                2, "--solver learned splits an ONNX model over Edge TPUs");
        Cli.assertCleanError(Cli.run("edgetpu", model.toString(), "--solver", "magic"), 2,
                "unknown Edge TPU scheduler 'magic'");
    }

    @Test
    void trainWritesACheckpointTheSchedulerLoads() {
        Path checkpoint = dir.resolve("m.params");
        Cli.Run r = Cli.run("train", "-q", "-o", checkpoint.toString(), "--graphs", "4", "--min-nodes", "8", "--max-nodes", "12",
                "--stages", "2,3", "--imitation-epochs", "2", "--reinforce-epochs", "1", "--samples", "2", "--exact-seconds", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained on 4 synthetic graphs"), r.out());
        Path model = TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE);
        Cli.Run e = Cli.run("edgetpu", model.toString(), "--stages", "2", "-q", "--solver", "learned", "--checkpoint", checkpoint.toString());
        assertEquals(0, e.code(), e.err());
        Cli.assertCleanError(Cli.run("edgetpu", model.toString(), "--solver", "learned", "--checkpoint", model.toString()),
                PipeplanCommand.EXIT_INPUT, "not a scheduler checkpoint");
    }
}

package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training plans of transformers given by their hyperparameters, from the command line. */
class TrainingCliTest {

    private static final String GPT = "gpt:layers=8,hidden=1024,heads=16,seq=1024,vocab=32000";

    @TempDir
    Path dir;

    @Test
    void planAGptFromItsHyperparametersAndExportIt() throws Exception {
        Path out = dir.resolve("plan.json");
        Cli.Run r = Cli.run("plan", "--model", GPT, "--devices", "a100-80gb:16", "-s", "parallel", "--global-batch", "64",
                "-q", "-o", out.toString(), "--export", "megatron");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gpt-8x1024: training, 10 layers"), r.out());
        assertTrue(r.out().contains("optimal for tensor, pipeline and data parallelism"), r.out());
        assertTrue(r.out().contains("tokens/s") && r.out().contains("MFU"), r.out());
        assertTrue(r.out().contains("simulated:") && !r.out().contains("WARNING"), r.out());
        assertTrue(r.out().contains("activations GiB"), r.out());
        assertTrue(r.out().contains("--tensor-model-parallel-size") && r.out().contains("--global-batch-size 64"), r.out());
        assertTrue(r.out().contains("--num-layers 8") && r.out().contains("--bf16"), r.out());
        JsonNode plan = new ObjectMapper().readTree(out.toFile());
        assertEquals("pipeplan-training-plan", plan.get("format").asText());
        assertEquals(10, plan.get("layers").asInt());
        Cli.Run again = Cli.run("evaluate", "--model", GPT, "--devices", "a100-80gb:16", "--global-batch", "64",
                "--plan", out.toString());
        assertEquals(0, again.code(), again.err());
        String iteration = r.out().lines().filter(l -> l.startsWith("iteration ")).findFirst().orElseThrow();
        assertTrue(again.out().contains(iteration), r.out() + again.out());
    }

    @Test
    void fixedDecisionsAndTheDeepSpeedConfig() throws Exception {
        Path ds = dir.resolve("ds.json");
        Cli.Run r = Cli.run("plan", "--model", GPT, "--devices", "a100-80gb:16", "-s", "parallel", "--global-batch", "64",
                "-q", "--fix", "tp=2,pp=2,v=1,micro-batch=2,recompute=full", "--export", "deepspeed", "--export-out",
                ds.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("tp=2 pp=2 dp=4 v=1 mb=2"), r.out());
        assertTrue(r.out().contains("recompute=full"), r.out());
        JsonNode config = new ObjectMapper().readTree(Files.readString(ds));
        assertEquals(64, config.get("train_batch_size").asInt());
        assertEquals(2, config.get("train_micro_batch_size_per_gpu").asInt());
        assertEquals(8, config.get("gradient_accumulation_steps").asInt());
        assertEquals(2, config.get("pipeline").get("stages").asInt());
        assertEquals(3, config.get("pipeline").get("parts").size());
        assertEquals(1, config.get("pipeline").get("activation_checkpoint_interval").asInt());
    }

    @Test
    void aLlamaWithGroupedQueryAttention() {
        Cli.Run r = Cli.run("plan", "--model", "llama:layers=4,hidden=1024,heads=16,kv-heads=4,ffn=2816,seq=512,vocab=32000",
                "--devices", "h100-80gb:8", "-s", "pipeline-gpus", "--global-batch", "32", "-q", "--export", "megatron");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("optimal for plain pipelines"), r.out());
        assertTrue(r.out().contains("--num-query-groups 4") && r.out().contains("--swiglu"), r.out());
        assertTrue(r.out().contains("--untie-embeddings-and-output-weights"), r.out());
    }

    @Test
    void aModelThatFitsNowhereSaysWhy() {
        Cli.Run r = Cli.run("plan", "--model", "gpt:layers=96,hidden=12288,heads=96,seq=2048,vocab=51200", "--devices",
                "a100-80gb:8", "-s", "parallel", "--global-batch", "8", "-q");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no plan: no plan of tensor, pipeline and data parallelism fits in 80.0 GiB per GPU"),
                r.out());
    }

    @Test
    void badSpecsAndFixesGetOneLineErrors() {
        Cli.assertCleanError(Cli.run("plan", "--model", "gpt:layers=8,hidden=1000,heads=16,seq=128,vocab=100", "--devices",
                "a100-80gb:8", "-s", "parallel"), 1, "hidden 1000 is not divisible by heads 16");
        Cli.assertCleanError(Cli.run("plan", "--model", "bert:layers=2", "--devices", "a100-80gb:8", "-s", "parallel"), 1,
                "unknown model family 'bert'");
        Cli.assertCleanError(Cli.run("plan", "--model", GPT, "--devices", "a100-80gb:8", "-s", "parallel", "--fix", "tp=x"),
                2, "tp must be a whole number");
        Cli.assertCleanError(Cli.run("plan", "--model", GPT, "--devices", "a100-80gb:8", "-s", "parallel", "--export", "jax"),
                2, "unknown format 'jax'");
        Cli.assertCleanError(Cli.run("plan", "--model", GPT, Cli.root().resolve("examples/bert24_training.json").toString(),
                "-s", "parallel"), 2, "not both");
        Cli.assertCleanError(Cli.run("plan", "-s", "parallel"), 2, "Missing required parameter: 'FILE'");
        Cli.assertCleanError(Cli.run("plan", Cli.root().resolve("examples/bert24_inference.json").toString(), "-k", "8",
                "-s", "parallel", "--fix", "tp=2"), 2, "--fix and --export apply to training plans");
    }

    @Test
    void simulateAndReportReadASavedTrainingPlan() throws Exception {
        Path out = dir.resolve("plan.json");
        String[] model = {"--model", GPT, "--devices", "a100-80gb:16", "--global-batch", "64"};
        Cli.Run plan = Cli.run(concat(new String[] {"plan", "-s", "parallel", "-q", "-o", out.toString(), "--fix",
                "pp=2,v=2"}, model));
        assertEquals(0, plan.code(), plan.out() + plan.err());
        Cli.Run sim = Cli.run(concat(new String[] {"simulate", "--plan", out.toString()}, model));
        assertEquals(0, sim.code(), sim.out() + sim.err());
        assertTrue(sim.out().contains("simulated interleaved schedule") && sim.out().contains("simulated/model"), sim.out());
        assertTrue(sim.out().contains("in flight (sim)"), sim.out());
        Path html = dir.resolve("report.html");
        Cli.Run report = Cli.run(concat(new String[] {"report", "--plan", out.toString(), "-o", html.toString()}, model));
        assertEquals(0, report.code(), report.out() + report.err());
        String text = Files.readString(html);
        assertTrue(text.contains("pipeplan training report") && text.contains("id=\"gantt-chart\"")
                && text.contains("id=\"memory-chart\""), text.substring(0, Math.min(400, text.length())));
        // decisions the cluster cannot take: no figures, the reasons, exit 3
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(out).replaceFirst("\"tensor\" : \\d+", "\"tensor\" : 3"));
        Cli.Run invalid = Cli.run(concat(new String[] {"evaluate", "--plan", bad.toString()}, model));
        assertEquals(3, invalid.code(), invalid.out() + invalid.err());
        assertTrue(invalid.out().contains("PROBLEM: a tensor-parallel group of 3 GPUs does not fit the nodes of 8")
                && !invalid.out().contains("iteration inf"), invalid.out());
        // a plan for another cluster is refused, naming the file
        Cli.assertCleanError(Cli.run("evaluate", "--model", GPT, "--devices", "a100-80gb:8", "--plan", out.toString()), 1,
                "the plan is for 16 GPUs, the cluster has 8");
    }

    @Test
    void theTrainingBenchPrintsItsTable() {
        Cli.Run r = Cli.run("training-bench", "--rows", "2", "--episodes", "30");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gpt-24x2048") && r.out().contains("gpt-24x2304"), r.out());
        assertTrue(r.out().contains("simulated against modelled iteration time: worst"), r.out());
        double worst = Double.parseDouble(r.out().replaceAll("(?s).*worst ([0-9.]+)% apart.*", "$1"));
        assertTrue(worst < 5, r.out());
        assertTrue(r.out().contains("137"), r.out()); // the published figure beside the model's
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, on the bundled examples. */
class CliTest {

    @TempDir
    Path dir;

    private static final Path TRAINING = Cli.root().resolve("examples/bert24_training.json");
    private static final Path INFERENCE = Cli.root().resolve("examples/bert24_inference.json");

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    private static void assertCleanError(Cli.Run r, int code, String message) {
        Cli.assertCleanError(r, code, message);
    }

    @Test
    void planPrintsTheOptimalSplitAndSavesIt() {
        Path plan = dir.resolve("out/plan.json");
        Cli.Run r = run("plan", TRAINING.toString(), "-q", "--show-nodes", "-o", plan.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("solver dp: OPTIMAL  max-load 41.7458125"), r.out());
        assertTrue(r.out().contains("acc5"), r.out());
        assertTrue(r.out().contains("plan written to"), r.out());
        assertTrue(Files.isRegularFile(plan));

        Cli.Run e = run("evaluate", TRAINING.toString(), "--plan", plan.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("max-load 41.7458125"), e.out());
        assertTrue(e.out().contains("contiguous yes  feasible yes"), e.out());
    }

    @Test
    void planHonoursDeviceOverrides() {
        Cli.Run r = run("plan", INFERENCE.toString(), "-q", "-k", "2", "-l", "0", "--memory", "16GiB");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 accelerators x 16.00 GiB, 0 CPU cores"), r.out());
        assertFalse(r.out().contains("acc2"));
    }

    @Test
    void evaluateReadsTheExpertSplitAndExtendsItToTraining() {
        Cli.Run r = run("evaluate", TRAINING.toString(), "--plan", Cli.root().resolve("examples/human-experts/bert24_inference_expert.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("max-load 49.40490625"), r.out());
    }

    @Test
    void evaluateOfAnInfeasiblePlanSaysSoAndExitsWith3() {
        Path plan = dir.resolve("plan.json");
        assertEquals(0, run("plan", INFERENCE.toString(), "-q", "-o", plan.toString()).code());
        Cli.Run r = run("evaluate", INFERENCE.toString(), "--plan", plan.toString(), "--memory", "1000");
        assertEquals(3, r.code());
        assertTrue(r.out().contains("INFEASIBLE: device acc"), r.out());
    }

    @Test
    void compareListsEverySolverBaselineAndTheExpert() {
        Cli.Run r = run("compare", TRAINING.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        for (String method : new String[] {"dp", "linear", "pipedream", "single", "local-search", "expert"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(method + " ")), method + " in\n" + r.out());
        }
        assertTrue(r.out().contains("dp gain"), r.out());
        assertTrue(r.out().contains("x4.5"), "pipedream 187.91 / dp 41.75:\n" + r.out());
    }

    @Test
    void benchPrintsTheTableAndChecksReferences() throws IOException {
        // the instances' folder is a link, as when a benchmark folder gathers datasets kept elsewhere
        Path real = Files.createDirectories(dir.resolve("elsewhere/LayerGraphs"));
        Files.copy(INFERENCE, real.resolve("bert24_inference.json"));
        Files.copy(TRAINING, real.resolve("bert24_training.json"));
        Files.createDirectories(dir.resolve("data"));
        Files.createSymbolicLink(dir.resolve("data/LayerGraphs"), real);
        Files.writeString(dir.resolve("data/EXPECTED.md"), """
                | instance | nodes | optimum |
                |---|---|---|
                | LayerGraphs/bert24_inference | 32 | 17.78990625 |
                | LayerGraphs/bert24_training | 64 | 41.7458125 |
                """);
        Cli.Run r = run("bench", dir.resolve("data").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("LayerGraphs/bert24_training"), r.out());
        assertTrue(r.out().contains("dp: proven optimal 2/2"), r.out());
        assertTrue(r.out().contains("reference optima reproduced by dp (within 1e-9 relative): 2/2"), r.out());
    }

    @Test
    void badInputGivesOneLineAndExitCode1() {
        assertCleanError(run("plan", dir.resolve("missing.json").toString()), 1, "missing.json: no such file");
        Path broken = dir.resolve("broken.json");
        try {
            Files.writeString(broken, "{\"maxFPGAs\": ");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertCleanError(run("plan", broken.toString()), 1, "broken.json: malformed JSON at line 1");
        assertCleanError(run("plan", TRAINING.toString(), "--solver", "magic"), 2, "unknown solver 'magic'");
        assertCleanError(run("evaluate", TRAINING.toString(), "--plan", broken.toString()), 1, "malformed JSON");
        assertCleanError(run("plan", TRAINING.toString(), "-k", "0", "-l", "0"), 2, "no devices");
        Path empty = dir.resolve("no-instances");
        try {
            Files.createDirectories(empty);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertCleanError(run("bench", empty.toString(), "-q"), 1, "no-instances: no placement-json instance");
    }

    @Test
    void usageErrorsExitWith2() {
        Cli.Run r = run("plan");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required parameter"), r.err());
        assertEquals(2, run("plan", TRAINING.toString(), "--memory", "lots").code());
    }

    @Test
    void helpDescribesEveryCommand() {
        Cli.Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : new String[] {"plan", "evaluate", "compare", "bench"}) {
            assertTrue(r.out().contains(c), r.out());
            Cli.Run sub = run(c, "--help");
            assertEquals(0, sub.code());
            assertTrue(sub.out().contains("Usage: pipeplan " + c), sub.out());
        }
        String planHelp = run("plan", "--help").out().replaceAll("\\s+", " ");
        assertTrue(planHelp.contains("dp, linear, pipedream, single, local-search"), planHelp);
    }

    @Test
    void everyHelpTextIsAValidFormat() {
        // picocli formats descriptions; a bare '%' makes it print a warning instead of the help
        picocli.CommandLine root = new picocli.CommandLine(new PipeplanCommand());
        for (picocli.CommandLine c : root.getSubcommands().values()) {
            picocli.CommandLine.Model.CommandSpec spec = c.getCommandSpec();
            java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(spec.usageMessage().description()));
            spec.options().forEach(o -> texts.addAll(java.util.List.of(o.description())));
            spec.positionalParameters().forEach(o -> texts.addAll(java.util.List.of(o.description())));
            for (String text : texts) {
                try {
                    String.format(text.replace("${DEFAULT-VALUE}", "").replace("${COMPLETION-CANDIDATES}", ""));
                } catch (java.util.IllegalFormatException e) {
                    throw new AssertionError(spec.name() + ": not a valid help format: " + text, e);
                }
            }
        }
    }
}

package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Long runs: an interrupted command leaves its best plan written; the same seed gives the same plan. */
class LongRunTest {

    @TempDir
    Path dir;

    private static final Path TRAINING = Cli.root().resolve("examples/bert24_training.json");

    /** With a time limit or none ("0"), on one worker or two (CP-SAT beside SCIP), SIGTERM stops the search at once. */
    @ParameterizedTest
    @CsvSource({"600,1", "0,2"})
    void anInterruptedSolverLeavesItsBestPlanWritten(String limit, String workers) throws Exception {
        Path problem = dir.resolve("big.json");
        // a problem the integer program cannot finish within the test
        assertEquals(0, Cli.run("generate", "--synthetic", "3000", "--seed", "2", "-k", "6", "-o", problem.toString()).code());
        Path plan = dir.resolve("plan.json");
        Process p = Cli.process("plan", problem.toString(), "-s", "ip", "--time-limit", limit, "--workers", workers, "-q", "-o",
                        plan.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        try {
            // let it read the problem, warm-start and enter the search
            assertTrue(!p.waitFor(15, TimeUnit.SECONDS), "the search ended by itself: " + Files.readString(dir.resolve("log.txt")));
            p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops the solver
            // within about a second of solving (the JVM's exit and the plan's writing on a busy machine aside)
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "no exit soon after the interrupt");
            assertEquals(143, p.exitValue(), Files.readString(dir.resolve("log.txt")));
        } finally {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("log.txt"));
        assertTrue(log.contains("interrupted: stopping the solver"), log);
        assertTrue(log.contains("plan written to"), log);
        Cli.Run e = Cli.run("evaluate", problem.toString(), "--plan", plan.toString());
        assertEquals(0, e.code(), e.out() + e.err());
        assertTrue(e.out().contains("feasible yes"), e.out());
    }

    @Test
    void anInterruptedReportMarksWhatWasStoppedAndWhatNeverRan() throws Exception {
        Path problem = dir.resolve("big.json");
        assertEquals(0, Cli.run("generate", "--synthetic", "3000", "--seed", "2", "-k", "6", "-o", problem.toString()).code());
        Path report = dir.resolve("report.html");
        // the plan by dp (quick), then the integer program, which cannot finish, then linear
        Process p = Cli.process("report", problem.toString(), "-s", "dp", "--compare", "ip,linear", "--time-limit", "600",
                "--workers", "1", "-q", "-o", report.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        try {
            assertTrue(!p.waitFor(20, TimeUnit.SECONDS), "the report ended by itself: " + Files.readString(dir.resolve("log.txt")));
            p.destroy();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "no exit after the interrupt");
        } finally {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("log.txt"));
        assertTrue(log.contains("report written to"), log);
        String html = Files.readString(report);
        // the integer program keeps the best plan it had and says it was interrupted; linear never ran
        assertTrue(html.contains("<td>ip</td><td class=\"bad\">INTERRUPTED ("), html);
        assertTrue(html.contains("<td>linear</td><td class=\"bad\">NOT RUN (interrupted)"), html);
    }

    @Test
    void theSameSeedGivesTheSamePlan() throws IOException {
        for (List<String> args : List.of(List.of("-s", "dp"), List.of("-s", "local-search", "--seed", "7"),
                List.of("-s", "pipedream"), List.of("-s", "ip-contig", "--workers", "1"), List.of("-s", "dqn", "-k", "8",
                        "--episodes", "150", "--seed", "3"))) {
            JsonNode first = null;
            for (int run = 0; run < 2; run++) {
                Path out = dir.resolve("plan-" + run + ".json");
                String[] command = java.util.stream.Stream.concat(
                        java.util.stream.Stream.of("plan", TRAINING.toString(), "-q", "-o", out.toString()), args.stream())
                        .toArray(String[]::new);
                Cli.Run r = Cli.run(command);
                assertEquals(0, r.code(), args + ": " + r.err());
                JsonNode plan = stripTimes(new ObjectMapper().readTree(out.toFile()));
                if (first == null) {
                    first = plan;
                } else {
                    assertEquals(first, plan, args.toString());
                }
            }
        }
    }

    /** The plan without the fields that record how long the search took. */
    private static JsonNode stripTimes(JsonNode plan) {
        JsonNode copy = plan.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            List<String> names = new java.util.ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (name.toLowerCase(java.util.Locale.ROOT).endsWith("seconds")) {
                    o.remove(name);
                } else {
                    strip(o.get(name));
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(LongRunTest::strip);
        }
    }
}

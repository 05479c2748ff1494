package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The solvers' tuning variables: valid parameters are used, invalid ones give a one-line error. */
class SolverTuningTest {

    @TempDir
    Path dir;

    private static final Path INFERENCE = Cli.root().resolve("examples/bert24_inference.json");

    @Test
    void scipParametersAreCheckedBeforeTheSearch() throws Exception {
        Result bad = plan("PIPEPLAN_SCIP_PARAMS", "bogus/parameter = 3");
        assertEquals(1, bad.code, bad.err);
        assertOneLineError(bad.err);
        assertTrue(bad.err.contains("PIPEPLAN_SCIP_PARAMS: not SCIP parameters") && bad.err.contains("bogus/parameter"),
                bad.err);

        Result good = plan("PIPEPLAN_SCIP_PARAMS", "branching/relpscost/maxreliable = 1");
        assertEquals(0, good.code, good.err);
        assertTrue(good.out.contains("feasible yes"), good.out);
    }

    @Test
    void cpSatParametersAreChecked() throws Exception {
        Result bad = plan("PIPEPLAN_CPSAT_PARAMS", "no_such_parameter: 1");
        assertEquals(1, bad.code, bad.err);
        assertOneLineError(bad.err);
        assertTrue(bad.err.contains("PIPEPLAN_CPSAT_PARAMS: not CP-SAT parameters"), bad.err);
    }

    /** One error line of pipeplan's and no stack trace (OR-Tools' own log lines may come before it). */
    private static void assertOneLineError(String err) {
        assertEquals(1, err.lines().filter(l -> l.startsWith("pipeplan:")).count(), err);
        assertTrue(err.strip().lines().reduce((a, b) -> b).orElse("").startsWith("pipeplan: error:"), err);
        assertTrue(err.lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), err);
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs `plan -s ip` in a process of its own, with one environment variable set. */
    private Result plan(String variable, String value) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = Cli.process("plan", INFERENCE.toString(), "-s", "ip", "--time-limit", "4",
                "--workers", "2", "-q").redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put(variable, value);
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "no exit");
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}

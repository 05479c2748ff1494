package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 21: inputs, options and paths an attacker or a careless user gives. Each ends in a clear
 * one-line error naming the file, field or option (or a correct run): never exit 70, a hang, a
 * clobbered file, or figures that are infinite.
 */
class HostileInputCliTest {

    private static final Path BERT = Cli.root().resolve("examples/bert24_inference.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The bundled example with one field of one node (or edge) changed. */
    private Path changed(String array, String field, double value) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(BERT.toFile());
        ((ObjectNode) root.withArray(array).get(3)).put(field, value);
        Path f = dir.resolve(array + "-" + field + ".json");
        Files.writeString(f, JSON.writeValueAsString(root));
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dp", "ip", "local-search", "linear", "ip-contig"})
    void hugeFiniteNumbersAreRefusedNamingTheFieldForEverySolver(String solver) throws Exception {
        for (String[] where : new String[][] {{"nodes", "cpuLatency"}, {"nodes", "fpgaLatency"}, {"nodes", "size"},
            {"edges", "cost"}}) {
            Path f = changed(where[0], where[1], 1e308);
            Cli.Run r = Cli.run("plan", f.toString(), "-s", solver, "-k", "2", "-l", "1", "--time-limit", "10", "-q");
            Cli.assertCleanError(r, 1, f.getFileName() + ": ");
            assertTrue(r.err().contains("'" + where[1] + "' is 1.0E308, more than the 1.0E18"), r.err());
        }
    }

    @Test
    void aDeviceTypeWithAHugeLinkLatencyOrATinyBandwidthIsRefused() throws Exception {
        Path devices = dir.resolve("devices.json");
        Files.writeString(devices, """
                {"format": "pipeplan-devices", "version": 1,
                 "types": [{"name": "slow", "peakFlops": 1e12, "memoryBandwidth": 1e11, "memoryBytes": 1e9,
                            "linkBandwidth": 1e9, "linkLatency": 1e308}],
                 "devices": [{"type": "slow", "count": 2}]}
                """);
        Cli.assertCleanError(Cli.run("plan", Cli.root().resolve("../shared/models/squeezenet1_0.graph.onnx").toString(),
                "--devices", devices.toString(), "-q"), 1, "device type slow: 'linkLatency' is 1.0E308");
        Files.writeString(devices, """
                {"format": "pipeplan-devices", "version": 1,
                 "types": [{"name": "slow", "peakFlops": 1e12, "memoryBandwidth": 1e11, "memoryBytes": 1e9,
                            "linkBandwidth": 1e-300}],
                 "devices": [{"type": "slow", "count": 2}]}
                """);
        Cli.assertCleanError(Cli.run("plan", "--model", "gpt:layers=2,hidden=64,heads=2,seq=16,vocab=100",
                "--devices", devices.toString(), "-q"), 1, "'linkBandwidth' must be at least 1");
    }

    @Test
    void aPlanNamingADeviceTwiceIsRefused() throws Exception {
        Path plan = dir.resolve("plan.json");
        assertEquals(0, Cli.run("plan", BERT.toString(), "-k", "2", "-l", "1", "-q", "-o", plan.toString()).code());
        ObjectNode root = (ObjectNode) JSON.readTree(plan.toFile());
        ArrayNode devices = root.withArray("devices");
        JsonNode first = devices.get(0);
        ObjectNode again = JSON.createObjectNode();
        again.put("name", first.get("name").asText());
        again.putArray("nodes");
        devices.add(again);
        Files.writeString(plan, JSON.writeValueAsString(root));
        Cli.assertCleanError(Cli.run("evaluate", BERT.toString(), "-k", "2", "-l", "1", "--plan", plan.toString()), 1,
                "device '" + first.get("name").asText() + "' is listed again");
    }

    @Test
    void optionValuesOutOfRangeAreUsageErrorsNamingTheOption() {
        Cli.assertCleanError(Cli.run("plan", BERT.toString(), "--time-limit", "NaN"), 2, "--time-limit must be a number");
        Cli.assertCleanError(Cli.run("plan", BERT.toString(), "--time-limit", "Infinity"), 2, "--time-limit");
        Cli.assertCleanError(Cli.run("plan", BERT.toString(), "--restarts", "0"), 2, "--restarts must be");
        Cli.assertCleanError(Cli.run("plan", BERT.toString(), "--time-limit", "soon"), 2, "option '--time-limit'");
        Cli.assertCleanError(Cli.run("plan", BERT.toString(), "--no-such-option"), 2, "--no-such-option");
        Cli.assertCleanError(Cli.run("simulate", BERT.toString(), "-k", "2", "--micro-batches", "1000000000"), 2,
                "--micro-batches must be from 1 to 1000000");
        Cli.assertCleanError(Cli.run("simulate", BERT.toString(), "-k", "2", "--replicate", "acc1=1000000"), 2,
                "--replicate acc1 must be from 1 to 1024");
        Cli.assertCleanError(Cli.run("plan", "--model", "gpt:layers=2,hidden=64,heads=2,seq=16,vocab=100",
                "--devices", "nope.json"), 1, "nope.json: no such device file");
    }

    @Test
    void aSolverThatCannotTakeTheGraphSaysWhichFile() {
        // found by the fuzzer: the latency program refuses training graphs, and the error must name the input
        Path training = Cli.root().resolve("examples/bert24_training.json");
        Cli.assertCleanError(Cli.run("plan", training.toString(), "-q", "-s", "latency", "--objective", "latency"), 1,
                training + ": the latency model is for inference graphs");
    }

    @Test
    void dqnTakesNoTimeLimitAndRunsExactlyItsEpisodes() {
        Cli.Run r = Cli.run("plan", BERT.toString(), "-k", "4", "-s", "dqn", "--time-limit", "0", "--episodes", "30", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("30 episodes"), r.out());
    }

    @Test
    void outputsThatAreNotFilesAreNeverReplaced() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/full")));
        Cli.Run full = Cli.run("plan", BERT.toString(), "-k", "2", "-q", "-o", "/dev/full");
        Cli.assertCleanError(full, 1, "/dev/full: cannot write");
        assertFalse(Files.isRegularFile(Path.of("/dev/full")));
        Cli.assertCleanError(Cli.run("plan", BERT.toString(), "-k", "2", "-q", "-o", dir.toString()), 1, "it is a folder");
        Path victim = Files.writeString(dir.resolve("victim"), "keep");
        Path out = dir.resolve("plan.json");
        Files.createSymbolicLink(dir.resolve("plan.json.tmp"), victim);
        assertEquals(0, Cli.run("plan", BERT.toString(), "-k", "2", "-q", "-o", out.toString()).code());
        assertEquals("keep", Files.readString(victim));
        assertTrue(Files.readString(out).contains("\"devices\""));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFifoAsModelOrPlanIsRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("in.json");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
        Cli.assertCleanError(Cli.run("plan", fifo.toString(), "-k", "2", "-q"), 1, "in.json: is not a regular file");
        Cli.assertCleanError(Cli.run("evaluate", BERT.toString(), "-k", "2", "--plan", fifo.toString()), 1,
                "in.json: is not a regular file");
    }

    @Test
    void controlCharactersInNamesAreEscapedAndHugeMessagesShortened() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(BERT.toFile());
        ((ObjectNode) root.withArray("nodes").get(0)).put("name", "evil\u001b[2J\u0000name");
        ((ObjectNode) root.withArray("nodes").get(0)).put("cpuLatency", -1);
        Path f = dir.resolve("evil.json");
        Files.writeString(f, JSON.writeValueAsString(root));
        Cli.Run r = Cli.run("plan", f.toString(), "-k", "2", "-q");
        assertEquals(1, r.code(), r.err());
        assertFalse(r.err().chars().anyMatch(c -> c < 0x20 && c != '\n'), r.err());
        assertTrue(PipeplanCommand.oneLine("x".repeat(1_000_000)).length() < 2100);
        assertEquals("a\\x1b[2Jb\\x00c\\nd", PipeplanCommand.oneLine("a\u001b[2Jb\u0000c\nd"));
    }

    @Test
    void aGraphWhoseNodesMayNotRunOnAcceleratorsIsRefusedByTheClusterPlanners() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(BERT.toFile());
        for (JsonNode n : root.withArray("nodes")) {
            ((ObjectNode) n).put("supportedOnFpga", 0);
        }
        Path f = dir.resolve("cpu-only.json");
        Files.writeString(f, JSON.writeValueAsString(root));
        // the error names the file (the fuzzer found it naming the problem only)
        Cli.assertCleanError(Cli.run("plan", f.toString(), "-k", "4", "-s", "parallel", "-q"), 1,
                f + ": 32 of the graph's 32 operators cannot run on an accelerator");
    }

    @Test
    void localSearchPutsWhatFitsNoAcceleratorOnTheHost() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(BERT.toFile());
        root.put("maxSizePerFPGA", 0);
        Path f = dir.resolve("no-memory.json");
        Files.writeString(f, JSON.writeValueAsString(root));
        Cli.Run dp = Cli.run("plan", f.toString(), "-k", "2", "-l", "1", "-s", "dp", "-q");
        Cli.Run local = Cli.run("plan", f.toString(), "-k", "2", "-l", "1", "-s", "local-search", "-q");
        assertEquals(0, dp.code(), dp.err());
        assertEquals(0, local.code(), local.out() + local.err());
    }
}

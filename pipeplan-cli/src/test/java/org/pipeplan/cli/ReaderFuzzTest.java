package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.onnx.testing.TinyModels;

/**
 * A bounded mutation-fuzzing run of every reader, end to end through the command line: mutated
 * placement-json problems, device files, plan files and ONNX models (external data included) are
 * planned or evaluated, and each run must either succeed, report an infeasible plan, or fail with
 * one clear line that names the file, within a time limit; never an internal error, a stack trace,
 * a hang or running out of memory. Each target gets a fixed number of inputs (about a minute in
 * all here), times {@code -Dpipeplan.fuzz.scale} (default 1), from seed {@code -Dpipeplan.fuzz.seed}
 * (default 1), so that a run is the same on every machine; {@code -Dpipeplan.fuzz.seconds} (default
 * 600) caps its time on a slow one. It writes what it tried to target/fuzz-report.md.
 */
class ReaderFuzzTest {

    /** A run that takes longer than this counts as a hang. */
    private static final long HANG_SECONDS = 30;

    @TempDir
    Path dir;

    /** One kind of input: its seeds, how to mutate it, and the command that reads it. */
    private record Target(String name, String fileName, int inputs, List<byte[]> seeds, Function<byte[], byte[]> mutate,
                          Function<Path, String[]> command, Materialise write, boolean options) {

        Target(String name, String fileName, int inputs, List<byte[]> seeds, Function<byte[], byte[]> mutate,
               Function<Path, String[]> command) {
            this(name, fileName, inputs, seeds, mutate, command, Files::write, false);
        }
    }

    /** Puts an input in place: a plain file, or for the special-files target a FIFO, folder or link. */
    @FunctionalInterface
    private interface Materialise {
        void at(Path file, byte[] input) throws IOException;
    }

    /** Replaces {@code file} by a special file chosen by the input's first byte (its content is then ignored). */
    private static void special(Path file, byte[] input) throws IOException {
        deleteTree(file);
        int kind = input.length == 0 ? 0 : Math.floorMod(input[0], 6);
        switch (kind) {
            case 0 -> {
                try {
                    if (new ProcessBuilder("mkfifo", file.toString()).start().waitFor() != 0) {
                        Files.write(file, input);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case 1 -> Files.createDirectories(file);
            case 2 -> Files.createSymbolicLink(file, file.resolveSibling("nowhere-" + file.getFileName()));
            case 3 -> Files.createSymbolicLink(file, file); // a link to itself
            case 4 -> Files.createSymbolicLink(file, Path.of("/dev/null"));
            default -> Files.write(file, new byte[0]);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var list = Files.list(p)) {
                for (Path c : list.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    /** What one target's inputs did. */
    private static final class Tally {
        int inputs;
        int accepted;
        int infeasible;
        int rejected;
        final Map<String, Integer> errors = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
    }

    @Test
    void malformedInputsGetOneLineErrorsNeverCrashesOrHangs() throws Exception {
        double seconds = Double.parseDouble(System.getProperty("pipeplan.fuzz.seconds", "600"));
        double scale = Double.parseDouble(System.getProperty("pipeplan.fuzz.scale", "1"));
        long seed = Long.getLong("pipeplan.fuzz.seed", 1L);
        InputMutator m = new InputMutator(seed);
        Path root = Cli.root();
        Path onnx = TinyModels.write(dir.resolve("models"), "tiny.onnx", TinyModels.Weights.NONE);
        Path external = TinyModels.write(dir.resolve("external"), "tiny.onnx", TinyModels.Weights.EXTERNAL);
        Path plan = dir.resolve("plan.json");
        Cli.Run made = Cli.run("plan", root.resolve("examples/bert24_inference.json").toString(), "-q", "-o", plan.toString());
        assertEquals(0, made.code(), made.err());
        byte[] tiny = ("{\"maxSizePerFPGA\": 100, \"maxFPGAs\": 2, \"maxCPUs\": 1, \"nodes\": ["
                + "{\"id\": 1, \"supportedOnFpga\": 1, \"cpuLatency\": 5, \"fpgaLatency\": 1, \"isBackwardNode\": 0, \"size\": 10},"
                + "{\"id\": 2, \"supportedOnFpga\": 1, \"cpuLatency\": 5, \"fpgaLatency\": 2, \"isBackwardNode\": 1, \"colorClass\": 1},"
                + "{\"id\": 3, \"supportedOnFpga\": 0, \"cpuLatency\": 3, \"fpgaLatency\": 0, \"isBackwardNode\": 0}],"
                + "\"edges\": [{\"sourceId\": 1, \"destId\": 3, \"cost\": 0.5}, {\"sourceId\": 3, \"destId\": 2, \"cost\": 0.2}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Function<byte[], byte[]> textOrTree = b -> m.random().nextBoolean() ? m.json(b) : m.bytes(b);
        Function<byte[], byte[]> protoOrBytes = b -> m.random().nextInt(4) == 0 ? m.bytes(b) : m.onnx(b);
        String limit = "--time-limit";
        List<Target> targets = List.of(
                new Target("placement-json problem", "problem.json", 600,
                        List.of(read(root.resolve("examples/bert24_training.json")), read(root.resolve("examples/bert24_inference.json")), tiny),
                        textOrTree, f -> new String[] {"plan", f.toString(), "-q", limit, "2", "--workers", "1"}),
                new Target("device file", "devices.json", 2000, List.of(read(root.resolve("examples/devices-heterogeneous.json"))),
                        textOrTree, f -> new String[] {"plan", onnx.toString(), "-q", "--devices", f.toString(), limit, "2",
                            "--workers", "1"}),
                new Target("plan file", "plan.json", 2000, List.of(read(plan)), textOrTree,
                        f -> new String[] {"evaluate", root.resolve("examples/bert24_inference.json").toString(), "--plan", f.toString()}),
                new Target("ONNX model", "model.onnx", 3000, List.of(read(onnx), read(external)), protoOrBytes,
                        f -> new String[] {"plan", f.toString(), "-q", "--devices", "v100-16gb:2", limit, "2", "--workers", "1"}));
        String[] solvers = {"dp", "ip", "ip-contig", "local-search", "linear", "latency", "pipedream", "dqn"};
        int[] nextSolver = {0};
        byte[] nodeTimes = ("{\"format\": \"pipeplan-node-times\", \"version\": 1, \"model\": \"tiny\", \"device\": \"cpu-core\","
                + " \"threads\": 1, \"runs\": 5, \"unit\": \"ms\", \"contention\": {\"sessions\": 2, \"slowdown\": 1.1},"
                + " \"nodes\": {\"/fc1/Gemm\": 0.02, \"/relu1/Relu\": 0.001, \"/fc2/Gemm\": 0.03, \"/relu2/Relu\": 0.001,"
                + " \"/Add\": 0.002, \"/fc3/Gemm\": 0.01, \"/softmax/Softmax\": 0.003}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // a copy: a mutated argument file may turn an option into -o and overwrite what it names
        String bert = Files.copy(root.resolve("examples/bert24_inference.json"), dir.resolve("bert-copy.json")).toString();
        byte[] simulateArgs = String.join("\n", "simulate", bert, "-k", "2", "--micro-batches", "16", "--in-flight", "4",
                "--replicate", "acc1=2", "--link-latency", "0.1", "--time-limit", "2").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] planArgs = String.join("\n", "plan", bert, "-k", "3", "-l", "1", "-s", "local-search", "--restarts", "3",
                "--time-limit", "2", "--workers", "1", "--seed", "5", "-q").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Target> more = List.of(
                new Target("placement-json, every solver", "problem.json", 320,
                        List.of(read(root.resolve("examples/bert24_training.json")), read(root.resolve("examples/bert24_inference.json")), tiny),
                        textOrTree, f -> {
                            String solver = solvers[nextSolver[0]++ % solvers.length];
                            return solver.equals("dqn") ? new String[] {"plan", f.toString(), "-q", "-s", solver, "-k", "2",
                                "--episodes", "20", limit, "2"}
                                : new String[] {"plan", f.toString(), "-q", "-s", solver, "-k", "2", limit, "2", "--workers", "1",
                                    "--objective", solver.equals("latency") ? "latency" : "max-load"};
                        }),
                new Target("node-times file", "times.json", 800, List.of(nodeTimes), textOrTree,
                        f -> new String[] {"plan", onnx.toString(), "-q", "--devices", "cpu-core:2", "--node-times", f.toString(),
                            limit, "2", "--workers", "1"}),
                new Target("options of simulate and plan (argument file)", "args.txt", 800, List.of(simulateArgs, planArgs),
                        m::bytes, f -> new String[] {"@" + f}, Files::write, true),
                new Target("special files (FIFO, folder, dangling link, link loop, device)", "special.json", 120,
                        List.of(new byte[] {0}, new byte[] {1}, new byte[] {2}, new byte[] {3}, new byte[] {4}, new byte[] {5}),
                        b -> new byte[] {(byte) m.random().nextInt(6), (byte) m.random().nextInt(4)}, f -> {
                            int use = Math.floorMod(f.hashCode() + nextSolver[0]++, 4);
                            return switch (use) {
                                case 0 -> new String[] {"plan", f.toString(), "-q", limit, "2"};
                                case 1 -> new String[] {"evaluate", bert, "--plan", f.toString()};
                                case 2 -> new String[] {"plan", onnx.toString(), "-q", "--devices", "cpu-core:2", "--node-times",
                                    f.toString()};
                                default -> new String[] {"plan", onnx.toString(), "-q", "--devices", f.toString()};
                            };
                        }, ReaderFuzzTest::special, false));
        targets = new ArrayList<>(targets);
        targets.addAll(more);
        // the external model's data file sits beside every mutated model
        Files.copy(external.resolveSibling("tiny.onnx.data"), dir.resolve("tiny.onnx.data"));

        long started = System.nanoTime();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-run");
            t.setDaemon(true);
            return t;
        });
        try {
            boolean hung = false;
            for (Target target : targets) {
                if (hung) {
                    break;
                }
                Tally tally = new Tally();
                tallies.put(target.name(), tally);
                List<byte[]> corpus = new ArrayList<>(target.seeds());
                long end = System.nanoTime() + (long) (seconds / targets.size() * 1e9);
                Path file = dir.resolve(target.fileName());
                int budget = (int) Math.ceil(target.inputs() * scale);
                while (tally.inputs < budget && System.nanoTime() < end && tally.failures.size() < 20) {
                    byte[] input = target.mutate().apply(corpus.get(m.random().nextInt(corpus.size())));
                    target.write().at(file, input);
                    tally.inputs++;
                    Future<Cli.Run> future = runner.submit(() -> Cli.run(target.command().apply(file)));
                    Cli.Run r;
                    try {
                        r = future.get(HANG_SECONDS, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        // a thread cannot be killed: the stuck run would slow every later one, so stop here
                        tally.failures.add("hang (over " + HANG_SECONDS + " s) on " + keep(target, tally, input));
                        hung = true;
                        break;
                    }
                    String problem = target.options() ? judgeOptions(r) : judge(r, target.fileName());
                    if (problem != null && r.code() == PipeplanCommand.EXIT_INTERNAL) {
                        problem += " at " + whereItFailed(target, file);
                    }
                    if (problem != null) {
                        tally.failures.add(problem + " on " + keep(target, tally, input));
                    } else if (r.code() == 0) {
                        tally.accepted++;
                        if (corpus.size() < 64) {
                            corpus.add(input); // accepted inputs go on being mutated: deeper cases
                        }
                    } else if (r.code() == 3) {
                        tally.infeasible++;
                    } else {
                        tally.rejected++;
                        tally.errors.merge(errorKind(r.err(), target.fileName()), 1, Integer::sum);
                    }
                }
            }
        } finally {
            runner.shutdownNow();
        }
        Tally signalled = new Tally();
        tallies.put("signals (SIGINT, SIGTERM) at random times, every solver", signalled);
        signals(signalled, m, Math.max(1, (int) Math.round(SIGNAL_RUNS * scale)));
        String report = report(tallies, (System.nanoTime() - started) / 1e9, seed);
        Path out = Path.of("target", "fuzz-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        for (Map.Entry<String, Tally> t : tallies.entrySet()) {
            assertTrue(t.getValue().failures.isEmpty(), t.getKey() + ": " + t.getValue().failures + "\n" + report);
            assertTrue(t.getValue().inputs > 0, t.getKey());
        }
    }

    /** The first frames of an internal error's stack trace, from a rerun with pipeplan.debug set. */
    private static String whereItFailed(Target target, Path file) {
        System.setProperty("pipeplan.debug", "true");
        try {
            Cli.Run again = Cli.run(target.command().apply(file));
            return again.err().lines().filter(l -> l.contains("\tat org.pipeplan")).limit(3).map(String::strip)
                    .reduce((a, b) -> a + " < " + b).orElse("(no pipeplan frame)");
        } finally {
            System.clearProperty("pipeplan.debug");
        }
    }

    /** Runs of the signals target: each a JVM of its own, about 3 s. */
    private static final int SIGNAL_RUNS = 8;

    /**
     * Starts {@code plan} with a solver (in turn: every family) on a graph it cannot finish at once,
     * sends SIGINT or SIGTERM after a random delay (before, during or after reading), and checks that
     * it exits within 20 s with 0, 3, 130 or 143, without a stack trace, and that any plan it wrote
     * evaluates.
     */
    private void signals(Tally tally, InputMutator m, int runs) throws Exception {
        Path problem = dir.resolve("signals.json");
        assertEquals(0, Cli.run("generate", "--synthetic", "2000", "--seed", "3", "-k", "6", "-o", problem.toString()).code());
        String[][] solvers = {{"-s", "ip"}, {"-s", "dp"}, {"-s", "local-search", "--restarts", "1000"}, {"-s", "ip-contig"},
            {"-s", "latency", "--objective", "latency"}, {"-s", "dqn", "--episodes", "100000"}, {"-s", "parallel"},
            {"-s", "linear"}};
        for (int i = 0; i < runs; i++) {
            String[] solver = solvers[i % solvers.length];
            Path plan = dir.resolve("signal-plan-" + i + ".json");
            List<String> args = new ArrayList<>(List.of("plan", problem.toString(), "-q", "--time-limit", "0", "-o",
                    plan.toString()));
            args.addAll(List.of(solver));
            Path log = dir.resolve("signal-" + i + ".log");
            Process p = Cli.process(args.toArray(String[]::new)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long delay = 300 + m.random().nextInt(4000);
            boolean sigint = m.random().nextBoolean();
            tally.inputs++;
            String what = String.join(" ", solver) + " after " + delay + " ms, " + (sigint ? "SIGINT" : "SIGTERM");
            try {
                if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    if (sigint) {
                        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    } else {
                        p.destroy();
                    }
                }
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    tally.failures.add("no exit within 20 s of the signal: " + what);
                    continue;
                }
            } finally {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            int code = p.exitValue();
            if (out.contains("Exception") || out.contains("\tat ")) {
                tally.failures.add("a stack trace (" + what + "): " + firstLine(out));
            } else if (code != 0 && code != 3 && code != 130 && code != 143) {
                tally.failures.add("exit " + code + " (" + what + "): " + firstLine(out));
            } else if (Files.exists(plan) && !solver[1].equals("dqn") && !solver[1].equals("parallel")) {
                Cli.Run e = Cli.run("evaluate", problem.toString(), "--plan", plan.toString());
                if (e.code() != 0 && e.code() != 3) {
                    tally.failures.add("the written plan does not evaluate (" + what + "): " + firstLine(e.err()));
                }
            }
            if (code == 0) {
                tally.accepted++;
            } else if (code == 3) {
                tally.infeasible++;
            } else {
                tally.rejected++;
                tally.errors.merge((code == 130 ? "stopped by SIGINT, exit 130" : "stopped by SIGTERM, exit 143")
                        + (Files.exists(plan) ? ", best plan written" : ", interrupted before planning: nothing written"),
                        1, Integer::sum);
            }
        }
    }

    /** Null when the run behaved; else what went wrong. */
    private static String judge(Cli.Run r, String fileName) {
        if (r.code() == 0 || r.code() == 3) {
            return null;
        }
        String err = r.err().strip();
        if (r.code() != 1) {
            return "exit " + r.code() + " (" + firstLine(err) + ")";
        }
        if (err.lines().count() != 1) {
            return "a " + err.lines().count() + "-line error (" + firstLine(err) + ")";
        }
        if (err.contains("Exception") || err.contains("\tat ")) {
            return "a stack trace or exception name (" + err + ")";
        }
        if (!err.contains(fileName)) {
            return "an error that does not name " + fileName + " (" + err + ")";
        }
        return null;
    }

    /**
     * Null when a run from mutated options behaved: success, an infeasible plan, a one-line input
     * error, or a usage error (exit 2) whose first line says what is wrong; never an internal error.
     */
    private static String judgeOptions(Cli.Run r) {
        if (r.code() == 0 || r.code() == 3) {
            return null;
        }
        String err = r.err().strip();
        if (err.contains("Exception") || err.contains("\tat ")) {
            return "a stack trace or exception name (" + firstLine(err) + ")";
        }
        if (r.code() == 2) {
            return err.isEmpty() ? "a usage error without a message" : null;
        }
        if (r.code() != 1) {
            return "exit " + r.code() + " (" + firstLine(err) + ")";
        }
        return err.lines().count() == 1 ? null : "a " + err.lines().count() + "-line error (" + firstLine(err) + ")";
    }

    /** The kind of an error: its message after the file name, digits and quoted names blanked. */
    private static String errorKind(String err, String fileName) {
        String s = err.strip();
        int at = s.indexOf(fileName);
        s = at >= 0 ? s.substring(at + fileName.length()) : s;
        s = s.replaceAll("'[^']*'", "'…'").replaceAll("-?[0-9][0-9.eE+-]*", "N");
        return s.length() > 90 ? s.substring(0, 90) + "…" : s;
    }

    /** Keeps a failing input beside the report, for replay; returns its name. */
    private static String keep(Target target, Tally tally, byte[] input) {
        try {
            Path saved = Path.of("target", "fuzz-failures", target.name().replace(' ', '-') + "-" + tally.inputs
                    + "-" + target.fileName());
            Files.createDirectories(saved.getParent());
            Files.write(saved, input);
            return saved.toString();
        } catch (IOException e) {
            return "(input not saved: " + e.getMessage() + ")";
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    private static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    private static String report(Map<String, Tally> tallies, double seconds, long seed) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "# Fuzzing report%n%nA mutation run of %.0f s (seed %d) through the command line.%n%n", seconds, seed));
        b.append("| input | runs | accepted | infeasible plan | rejected with a one-line error | kinds of error | failures |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d |%n", e.getKey(), t.inputs, t.accepted,
                    t.infeasible, t.rejected, t.errors.size(), t.failures.size()));
        }
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            b.append(String.format(Locale.ROOT, "%n## %s: the errors met (count, message after the file name)%n%n", e.getKey()));
            e.getValue().errors.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue())
                    .forEach(x -> b.append(String.format(Locale.ROOT, "- %d × `%s`%n", x.getValue(), x.getKey().replace('`', '\''))));
            for (String f : e.getValue().failures) {
                b.append("- FAILURE: ").append(f).append('\n');
            }
        }
        return b.toString();
    }
}

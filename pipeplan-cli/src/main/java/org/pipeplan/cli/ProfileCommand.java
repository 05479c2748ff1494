package org.pipeplan.cli;

import ai.onnxruntime.OrtException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.OptionChecks;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.OnnxModelReader;
import org.pipeplan.onnx.runtime.NodeProfiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "profile", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Measures the CPU time of every node of an ONNX model with ONNX Runtime.",
            "Graph optimisations are off so that every node is timed under its own name; the runtime's per-node "
                + "overhead (run time minus the kernels) is shared among the nodes. Saves the times "
                + "(format pipeplan-node-times, docs/devices.md) for plan, compare, evaluate and run "
                + "--node-times, which then use them for the cpu-core devices instead of the roofline model."})
final class ProfileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The model to profile.")
    Path file;

    @Option(names = {"-o", "--out"}, paramLabel = "TIMES.json", description = "Where to save the node times (default: NAME.times.json).")
    Path out;

    @Option(names = "--threads", defaultValue = "1", description = "Intra-op threads of the session (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--runs", defaultValue = "20", description = "Timed runs averaged (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--concurrent", paramLabel = "N", description = "Sessions run at once to measure how much busy cores "
            + "slow each other down (recorded as the times' contention and applied when a plan keeps several cores busy); "
            + "1 skips it (default: the cores divided by --threads).")
    Integer concurrent;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of sample inputs and random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "Value of a symbolic dimension (default 1), e.g. --dim batch=8.")
    Map<String, Long> dims = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws OrtException {
        OptionChecks.range("--threads", threads, 1, 1024);
        OptionChecks.range("--runs", runs, 1, 1_000_000);
        OptionChecks.range("--warmup", warmup, 0, 1_000_000);
        int cores = Runtime.getRuntime().availableProcessors();
        int sessions = concurrent != null ? OptionChecks.range("--concurrent", concurrent, 1, 1024)
                : Math.max(1, cores / threads);
        PrintWriter w = spec.commandLine().getOut();
        OnnxModel model = OnnxModelReader.read(file, dims);
        Path target = out != null ? out : Path.of(model.name() + ".times.json");
        NodeProfiler.Profile p = NodeProfiler.profile(model, threads, warmup, runs, seed, sessions,
                TerminalProgress.forTerminal(quiet));
        p.times().write(target);
        w.printf("%s: %d nodes timed over %d runs with %d thread(s): run %.3f ms (%.3f ms under the profiler, "
                + "kernels %.3f ms); node times calibrated to add up to the run%n",
                model.name(), p.profiledNodes(), runs, threads, p.runMs(), p.profiledRunMs(), p.kernelMs());
        if (sessions >= 2) {
            w.printf("%d sessions at once: run %.3f ms each, contention x%.3f (applied to plans that keep %d or more "
                    + "cores busy)%n", sessions, p.concurrentRunMs(), p.times().contention().slowdown(), 2);
        }
        w.println("saved to " + target + " (use it with --node-times)");
        TextTable t = new TextTable("node", "ms", "% of run");
        p.times().times().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(10).forEach(e -> t.row(e.getKey(), TextTable.num(e.getValue(), 4),
                        TextTable.num(100 * e.getValue() / p.runMs(), 3)));
        w.println();
        w.println("slowest nodes:");
        w.print(t.render());
        return 0;
    }
}

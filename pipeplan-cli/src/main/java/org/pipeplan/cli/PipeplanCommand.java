package org.pipeplan.cli;

import java.io.PrintWriter;
import org.pipeplan.cli.bench.BenchCommand;
import org.pipeplan.cli.bench.EdgeTpuBenchCommand;
import org.pipeplan.cli.bench.LimitsBenchCommand;
import org.pipeplan.cli.bench.ParallelBenchCommand;
import org.pipeplan.cli.bench.ScaleBenchCommand;
import org.pipeplan.cli.bench.TrainingBenchCommand;
import org.pipeplan.cli.options.Interrupts;
import org.pipeplan.cli.options.UsageError;
import org.pipeplan.io.InputException;
import org.pipeplan.planner.UnsupportedProblemException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The {@code pipeplan} command line: finds, evaluates and compares placements of DNN graphs. */
@Command(name = "pipeplan",
        mixinStandardHelpOptions = true,
        version = "pipeplan 0.1.0",
        usageHelpAutoWidth = true,
        description = {"Splits a DNN operator graph over accelerators and CPU cores for the best pipeline "
            + "throughput, proves how good the split is, and checks any split against the cost model."},
        subcommands = {PlanCommand.class, EvaluateCommand.class, CompareCommand.class, BenchCommand.class,
            ProfileCommand.class, SplitCommand.class, RunCommand.class, ExportCommand.class, SimulateCommand.class,
            ReportCommand.class, EdgeTpuCommand.class, EdgeTpuBenchCommand.class, TrainCommand.class, ParallelBenchCommand.class,
            GenerateCommand.class, ScaleBenchCommand.class, LimitsBenchCommand.class, TrainingBenchCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 success; 1 bad input; 2 bad usage; 3 no feasible plan, or an infeasible "
            + "plan given to evaluate; 4 split --check found a difference; 70 internal error; 130 or 143 stopped by "
            + "Ctrl-C (SIGINT) or SIGTERM, after the best plan found was printed and written. Set PIPEPLAN_DEBUG=1 "
            + "to see stack traces."})
public final class PipeplanCommand implements Runnable {

    /** Exit status for input that cannot be used. */
    static final int EXIT_INPUT = 1;
    /** Exit status for a plan that breaks a hard constraint. */
    static final int EXIT_INFEASIBLE = 3;
    /** Exit status when split --check finds the stages disagree with the whole model. */
    static final int EXIT_CHECK_FAILED = 4;
    /** Exit status for a bug. */
    static final int EXIT_INTERNAL = 70;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: plan, evaluate, compare, bench, profile, split, run, export, simulate, report, edgetpu, edgetpu-bench, "
            + "train, parallel-bench, training-bench, generate, scale-bench or limits-bench");
    }

    /** Stack of the thread that runs a command: graph algorithms that recurse (JGraphT's DFS) go as deep as the graph. */
    private static final long STACK_BYTES = 1L << 30;

    public static void main(String[] args) throws InterruptedException {
        Interrupts.install();
        int[] code = {EXIT_INTERNAL};
        Thread worker = new Thread(null, () -> {
            try {
                code[0] = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
            } finally {
                Interrupts.finished();
            }
        }, "pipeplan", STACK_BYTES);
        worker.start();
        worker.join();
        System.exit(code[0]);
    }

    /** Longest error line printed: a message about a huge input (a 100,000-node cycle) is cut in its middle. */
    static final int MAX_MESSAGE_CHARS = 2000;

    /**
     * A message safe for a terminal, on one line: names read from a file may hold line breaks,
     * escape sequences or NUL, so every control character is written as an escape ({@code \n},
     * {@code \x1b}, {@code \u009b}); a message longer than {@link #MAX_MESSAGE_CHARS} keeps its
     * beginning and its end.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_CHARS + 64));
        message.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", c));
                    } else if ((c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e)
                            || (c >= 0x2066 && c <= 0x2069)) {
                        b.append(String.format("\\u%04x", c)); // C1 controls, line separators, bidi overrides
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        if (b.length() <= MAX_MESSAGE_CHARS) {
            return b.toString();
        }
        int head = MAX_MESSAGE_CHARS * 3 / 4;
        int tail = MAX_MESSAGE_CHARS / 8;
        int left = b.length() - head - tail;
        return b.substring(0, head) + " ... (" + left + " characters left out) ... " + b.substring(b.length() - tail);
    }

    /** Runs the command line with the given streams; returns the exit status. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new PipeplanCommand());
        cl.setOut(out);
        cl.setErr(err);
        // a bad option is one line naming it, exit status 2, as every other usage error
        cl.setParameterExceptionHandler((ex, arguments) -> {
            String command = ex.getCommandLine().getCommandName();
            err.println("pipeplan: " + oneLine(ex.getMessage()) + " (see 'pipeplan"
                    + (command.equals("pipeplan") ? "" : " " + command) + " --help')");
            return CommandLine.ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (System.getenv("PIPEPLAN_DEBUG") != null || Boolean.getBoolean("pipeplan.debug")) {
                ex.printStackTrace(err);
            }
            if (ex instanceof UsageError || ex instanceof InputException ie && ie.source().equals("command line")) {
                err.println("pipeplan: " + oneLine(ex.getMessage()));
                return CommandLine.ExitCode.USAGE;
            }
            if (ex instanceof InputException || ex instanceof UnsupportedProblemException
                    || ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
                err.println("pipeplan: error: " + oneLine(ex.getMessage()));
                return EXIT_INPUT;
            }
            if (ex instanceof ai.onnxruntime.OrtException) {
                String model = parseResult.subcommand() == null ? null : parseResult.subcommand().originalArgs().stream()
                        .filter(a -> a.endsWith(".onnx")).findFirst().orElse(null);
                err.println("pipeplan: error: " + (model == null ? "" : oneLine(model) + ": ") + "ONNX Runtime: "
                        + (ex.getMessage() == null ? "failed" : oneLine(ex.getMessage().lines().findFirst().orElse("failed"))));
                return EXIT_INPUT;
            }
            err.println("pipeplan: internal error: " + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage().lines().findFirst().orElse(""))));
            return EXIT_INTERNAL;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (StackOverflowError e) {
            err.println("pipeplan: error: the graph is too deep for this run's stack (give Java a larger one with -Xss)");
            code = EXIT_INTERNAL;
        } catch (OutOfMemoryError e) {
            err.println("pipeplan: error: out of memory (give Java more heap with -Xmx, or lower --max-ideals)");
            code = EXIT_INTERNAL;
        }
        out.flush();
        err.flush();
        return code;
    }
}

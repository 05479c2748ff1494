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
            + "plan given to evaluate; 4 split --check found a difference; 70 internal error. Set PIPEPLAN_DEBUG=1 to see stack traces."})
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

    /** A message on one line: names read from a file may hold line breaks. */
    static String oneLine(String message) {
        return message == null ? "" : message.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** Runs the command line with the given streams; returns the exit status. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new PipeplanCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (System.getenv("PIPEPLAN_DEBUG") != null || Boolean.getBoolean("pipeplan.debug")) {
                ex.printStackTrace(err);
            }
            if (ex instanceof UsageError) {
                err.println(oneLine(ex.getMessage()));
                return CommandLine.ExitCode.USAGE;
            }
            if (ex instanceof InputException || ex instanceof UnsupportedProblemException
                    || ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
                err.println("pipeplan: error: " + oneLine(ex.getMessage()));
                return EXIT_INPUT;
            }
            if (ex instanceof ai.onnxruntime.OrtException) {
                err.println("pipeplan: error: ONNX Runtime: " + (ex.getMessage() == null ? "failed"
                        : ex.getMessage().lines().findFirst().orElse("failed")));
                return EXIT_INPUT;
            }
            err.println("pipeplan: internal error: " + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + ex.getMessage().lines().findFirst().orElse("")));
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

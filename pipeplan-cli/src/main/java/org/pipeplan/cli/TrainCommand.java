package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.edgetpu.learned.SchedulerTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Trains the learned Edge TPU scheduler (pipeplan edgetpu --solver learned).",
            "Generates synthetic DNN-like graphs, solves each exactly with CP-SAT, trains the policy (a graph encoder "
                + "and a pointer decoder on DJL/PyTorch) to imitate the exact splits, then fine-tunes it with REINFORCE "
                + "against the cost model. After every epoch it scores the greedy decoding on the training graphs and saves the checkpoint when that is the best so far; the same seed gives the same model. "
                + "The defaults are the settings of the checkpoint bundled with pipeplan."})
final class TrainCommand implements Callable<Integer> {

    private static final SchedulerTrainer.Settings STANDARD = SchedulerTrainer.Settings.standard();

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, paramLabel = "MODEL.params", defaultValue = "edge-tpu-scheduler.params",
            description = "Checkpoint to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--graphs", paramLabel = "N", description = "Synthetic training graphs (default: 160).")
    Integer graphs;

    @Option(names = "--min-nodes", paramLabel = "N", description = "Smallest training graph (default: 16).")
    Integer minNodes;

    @Option(names = "--max-nodes", paramLabel = "N", description = "Largest training graph (default: 64).")
    Integer maxNodes;

    @Option(names = "--stages", split = ",", paramLabel = "N", description = "Pipeline lengths, used in turn (default: 4,5,6).")
    List<Integer> stages;

    @Option(names = "--imitation-epochs", paramLabel = "E", description = "Epochs of imitation (default: 40).")
    Integer imitationEpochs;

    @Option(names = "--reinforce-epochs", paramLabel = "E", description = "Epochs of REINFORCE (default: 10).")
    Integer reinforceEpochs;

    @Option(names = "--samples", paramLabel = "K", description = "Orders sampled per graph in REINFORCE (default: 8).")
    Integer samples;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam's step size for imitation; REINFORCE takes a third of it (default: 0.003).")
    Double learningRate;

    @Option(names = "--exact-seconds", paramLabel = "S", description = "Time limit of each exact solve (default: 10).")
    Double exactSeconds;

    @Option(names = "--width", paramLabel = "D", description = "Width of the node vectors (default: 16).")
    Integer width;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of graphs, weights and samples (default: 6).")
    Long seed;

    @Option(names = "--family", paramLabel = "MIX",
            description = "Block mix of the training graphs: rich, cnn, dense, transformer or standard, as edgetpu-bench's --family (default: rich).")
    String family;

    @Option(names = "--cost-model", paramLabel = "MODEL",
            description = "coral or classic: the cost model the teachers are solved under (default: coral).")
    String costModel;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    private org.pipeplan.generate.BlockMix mix() {
        try {
            return family == null ? STANDARD.mix() : org.pipeplan.generate.BlockMix.named(family);
        } catch (IllegalArgumentException e) {
            throw new org.pipeplan.cli.options.UsageError("--family: " + e.getMessage());
        }
    }

    private org.pipeplan.edgetpu.EdgeTpuCostModel model() {
        try {
            return costModel == null ? STANDARD.model() : org.pipeplan.edgetpu.EdgeTpuCostModel.parse(costModel);
        } catch (IllegalArgumentException e) {
            throw new org.pipeplan.cli.options.UsageError("--cost-model: " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        SchedulerTrainer.Settings s = new SchedulerTrainer.Settings(
                graphs != null ? graphs : STANDARD.graphs(), minNodes != null ? minNodes : STANDARD.minNodes(),
                maxNodes != null ? maxNodes : STANDARD.maxNodes(),
                stages != null ? stages.stream().mapToInt(Integer::intValue).toArray() : STANDARD.stages(),
                imitationEpochs != null ? imitationEpochs : STANDARD.imitationEpochs(),
                reinforceEpochs != null ? reinforceEpochs : STANDARD.reinforceEpochs(),
                samples != null ? samples : STANDARD.samples(), learningRate != null ? learningRate : STANDARD.learningRate(),
                exactSeconds != null ? exactSeconds : STANDARD.exactSeconds(), width != null ? width : STANDARD.hidden(),
                seed != null ? seed : STANDARD.seed(), mix(), model());
        SchedulerTrainer.Report r = SchedulerTrainer.train(s, out, TerminalProgress.forTerminal(quiet));
        List<Double> ratios = r.greedyRatioPerEpoch();
        w.printf("trained on %d synthetic graphs (%d proven optimal by CP-SAT) in %s s%n", r.examples(), r.provenOptimal(),
                TextTable.seconds(r.seconds()));
        if (!ratios.isEmpty()) {
            w.printf("greedy decoding / exact bottleneck on the training graphs: %.4f after the first epoch, %.4f after the last%n",
                    ratios.get(0), ratios.get(ratios.size() - 1));
        }
        w.println("checkpoint written to " + out);
        return 0;
    }
}

package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.onnx.export.ModuleSplit;
import org.pipeplan.onnx.export.ModuleSplitWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Prints a plan of an ONNX model in the terms of the PyTorch modules it was exported from.",
            "json: layers with their stage, torch split points and DeepSpeed-style layer boundaries; torch: a "
                + "torch.distributed.pipelining snippet; deepspeed: the layer boundaries and the layer list "
                + "(docs/onnx.md). Module paths come from the node names PyTorch's exporter writes; the stages are those the "
                + "split points give, and standard error says what the exported split costs against the plan."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Option(names = {"-p", "--plan"}, required = true, paramLabel = "PLAN.json", description = "The plan to export.")
    Path planFile;

    @Option(names = "--modules", paramLabel = "FILE",
            description = "The model's own module list, one name per line (e.g. from [n for n, _ in model.named_children()]): "
                    + "the layers and parts then index it, modules without nodes of their own included.")
    Path modules;

    @Option(names = "--format", defaultValue = "json", paramLabel = "F",
            description = "json, torch or deepspeed (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        StagedModel staged = StagedModel.load(problemOptions, planFile, 1, false);
        ModuleSplit split = ModuleSplit.of(staged.nodeNames(), staged.stageOfNode());
        if (modules != null) {
            split = split.alignedTo(ModuleList.read(modules));
        }
        switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> w.print(ModuleSplitWriter.json(staged.model().name(), split));
            case "torch" -> w.print(split.torchSnippet());
            case "deepspeed" -> {
                w.println("# stage s runs layers parts[s] .. parts[s+1]-1 of this list");
                w.println("parts = " + split.deepspeedParts());
                w.println("layers = [");
                split.layers().forEach(l -> w.println("    \"" + l + "\","));
                w.println("]");
            }
            default -> throw new IllegalArgumentException("unknown --format '" + format + "' (json, torch or deepspeed)");
        }
        split.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n));
        spec.commandLine().getErr().println("note: " + staged.exportCost(split));
        return 0;
    }
}

package org.pipeplan.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.onnx.export.ModuleSplit;
import org.pipeplan.onnx.export.ModuleSplitWriter;
import org.pipeplan.onnx.runtime.OrtSessions;
import org.pipeplan.onnx.runtime.RandomInputs;
import org.pipeplan.onnx.runtime.StageChain;
import org.pipeplan.onnx.stage.StageFiles;
import org.pipeplan.onnx.stage.StageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "split", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Cuts an ONNX model into one ONNX model per pipeline stage of a plan.",
            "Writes DIR/stage-0.onnx, stage-1.onnx, ... with the right boundary inputs and outputs, DIR/stages.json "
                + "(order and tensors of the stages), and the plan in the model's modules: DIR/modules.json with "
                + "torch.distributed.pipelining split points and DeepSpeed-style layer boundaries, and "
                + "DIR/torch_pipelining.py (docs/onnx.md). Structure-only models get seeded random weights. "
                + "--check runs the stages one after another in ONNX Runtime and compares with the whole model."})
final class SplitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Option(names = {"-p", "--plan"}, required = true, paramLabel = "PLAN.json", description = "The plan to cut by.")
    Path planFile;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder for the stage files.")
    Path out;

    @Option(names = "--check", description = "Chain the stages in ONNX Runtime and compare their outputs with the whole model's.")
    boolean check;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of random weights and sample inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws OrtException {
        PrintWriter w = spec.commandLine().getOut();
        StagedModel staged = StagedModel.load(problemOptions, planFile, seed, true);
        List<StageModel> stages = staged.stages();
        StageFiles.write(out, staged.model().name(), staged.modelInputs(), staged.modelOutputs(), stages);
        ModuleSplit modules = ModuleSplit.of(staged.nodeNames(), staged.stageOfNode());
        ModuleSplitWriter.write(out, staged.model().name(), modules);

        w.println(staged.model().name() + ": " + stages.size() + " stages written to " + out);
        if (staged.weights().randomTensors() > 0) {
            w.println("note: " + staged.weights().randomTensors() + " initializers had no data; the stages carry seeded "
                    + "random weights (for timing and checks, not for predictions)");
        }
        TextTable t = new TextTable("stage", "device", "nodes", "inputs", "outputs", "file", "size");
        for (StageModel s : stages) {
            t.row(Integer.toString(s.index()), s.device(), Integer.toString(s.nodes().size()), String.join(" ", s.inputs()),
                    String.join(" ", s.outputs()), s.fileName(), TextTable.bytes(sizeOf(out.resolve(s.fileName()))));
        }
        w.println();
        w.print(t.render());
        w.println();
        printModules(w, modules);
        w.println(staged.exportCost(modules));
        if (check) {
            return check(w, staged) ? 0 : PipeplanCommand.EXIT_CHECK_FAILED;
        }
        return 0;
    }

    private static double sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    /** Runs the whole model and the chained stages on the same seeded inputs and compares every output. */
    private boolean check(PrintWriter w, StagedModel staged) throws OrtException {
        Map<String, OnnxTensor> inputs = RandomInputs.of(staged.model(), seed);
        try (StageChain whole = new StageChain(List.of(staged.whole()), 1, OrtSessions.Optimization.NONE);
             StageChain chain = new StageChain(staged.stages(), 1, OrtSessions.Optimization.NONE)) {
            Map<String, double[]> expected = whole.run(inputs);
            Map<String, double[]> actual = chain.run(inputs);
            boolean same = true;
            for (String name : staged.modelOutputs()) {
                double[] e = expected.get(name);
                double[] a = actual.get(name);
                double worst = 0;
                if (a == null || e == null || a.length != e.length) {
                    w.println("check: output " + name + " is missing or has another size in the chained stages");
                    same = false;
                    continue;
                }
                for (int i = 0; i < e.length; i++) {
                    worst = Math.max(worst, Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i])));
                }
                boolean ok = worst <= 1e-5;
                same &= ok;
                w.printf("check: output %s (%d values): largest relative difference %.3g %s%n", name, e.length, worst,
                        ok ? "ok" : "MISMATCH");
            }
            return same;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** What the module split says about the plan, on the console. */
    private static void printModules(PrintWriter w, ModuleSplit split) {
        w.println("modules: " + split.layers().size() + " layers; " + (split.exact() ? "the split points reproduce the plan exactly"
                : split.misplacedNodes() + " nodes move to another stage at layer granularity"));
        w.println("torch.distributed.pipelining split_spec: " + split.torchSplitSpec().keySet() + " (SplitPoint.BEGINNING)");
        w.println("DeepSpeed-style parts (layer boundaries): " + split.deepspeedParts());
        w.println("stages at module granularity: " + split.stages() + " of the plan's " + split.planStages());
        split.notes().stream().limit(5).forEach(n -> w.println("note: " + n));
        if (split.notes().size() > 5) {
            w.println("note: ... " + (split.notes().size() - 5) + " more in modules.json");
        }
    }
}

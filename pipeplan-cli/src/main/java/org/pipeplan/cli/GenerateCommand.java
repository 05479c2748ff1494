package org.pipeplan.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pipeplan.generate.BlockMix;
import org.pipeplan.generate.GraphTiling;
import org.pipeplan.generate.SyntheticProblems;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.io.PlacementJsonWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Writes a large placement-json problem: a real model tiled end to end, or a random DNN-like graph.",
            "--tile repeats a placement-json graph (training graphs run their backward passes in reverse); --synthetic "
                + "draws chains, residual, inception-like and attention-like blocks of real operators, timed by the "
                + "roofline model on V100 accelerators and a CPU core."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--tile", paramLabel = "FILE", required = true, description = "placement-json graph to repeat.")
        Path tile;

        @Option(names = "--synthetic", paramLabel = "N", required = true, description = "Random graph of about N operators.")
        Integer synthetic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--copies", paramLabel = "C", defaultValue = "2", description = "--tile: copies (default: ${DEFAULT-VALUE}).")
    int copies;

    @Option(names = "--seed", defaultValue = "1", description = "--synthetic: seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-k", "--accelerators"}, paramLabel = "K", defaultValue = "8",
            description = "--synthetic: accelerators (default: ${DEFAULT-VALUE}).")
    int accelerators;

    @Option(names = "--family", paramLabel = "MIX", defaultValue = "standard",
            description = "--synthetic: block mix, as edgetpu-bench's --family: standard, rich, cnn, dense or transformer "
                    + "(global and windowed attention, decoder stacks: graphs with many ideals) (default: ${DEFAULT-VALUE}).")
    String family;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.json", required = true, description = "Where to write the problem.")
    Path out;

    @Override
    public Integer call() {
        PlacementProblem p;
        if (source.tile != null) {
            if (copies < 1 || copies > 1_000_000) {
                throw new IllegalArgumentException("--copies must be between 1 and 1000000, got " + copies);
            }
            p = GraphTiling.tile(PlacementJsonReader.read(source.tile), copies);
        } else {
            if (source.synthetic < 2 || source.synthetic > 10_000_000 || accelerators < 1) {
                throw new IllegalArgumentException("--synthetic must be between 2 and 10000000 and -k at least 1");
            }
            BlockMix mix;
            try {
                mix = BlockMix.named(family);
            } catch (IllegalArgumentException e) {
                throw new org.pipeplan.cli.options.UsageError("--family: " + e.getMessage());
            }
            p = SyntheticProblems.generate(seed, source.synthetic, accelerators, mix);
        }
        PlacementJsonWriter.write(p, out);
        spec.commandLine().getOut().printf("%s: %d operators, %d edges -> %s%n", p.name(), p.graph().size(),
                p.graph().edgeCount(), out);
        return 0;
    }
}

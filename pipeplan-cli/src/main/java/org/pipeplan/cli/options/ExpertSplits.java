package org.pipeplan.cli.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.format.PlanFileReader;

/**
 * Finds the human-expert split published beside an instance: {@code human-experts/NAME_expert.json}
 * in the instance's folder or its parent,
 * or, for a training graph without its own, the inference split (backward nodes then follow their
 * forward nodes).
 */
public final class ExpertSplits {

    private ExpertSplits() {
    }

    /** A split found beside the instance, read for this problem. */
    public record Found(Path file, Placement placement) {
    }

    /**
     * The expert split of an instance, if one lies beside it and fits its graph (the published
     * splits are for the layer graphs; an operator graph of the same model has other node ids).
     */
    public static Optional<Found> load(Path instance, PlacementProblem problem) {
        for (Path candidate : find(instance).stream().toList()) {
            try {
                return Optional.of(new Found(candidate, PlanFileReader.read(candidate, problem)));
            } catch (InputException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static Optional<Path> find(Path instance) {
        Path parent = instance.toAbsolutePath().getParent();
        if (parent == null) {
            return Optional.empty();
        }
        String name = instance.getFileName().toString().replaceFirst("\\.json$", "");
        for (Path base : parent.getParent() == null ? List.of(parent) : List.of(parent, parent.getParent())) {
            Path dir = base.resolve("human-experts");
            for (String candidate : new String[] {name, name.replace("_training", "_inference")}) {
                Path split = dir.resolve(candidate + "_expert.json");
                if (Files.isRegularFile(split)) {
                    return Optional.of(split);
                }
            }
        }
        return Optional.empty();
    }
}

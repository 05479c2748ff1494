package org.pipeplan.cli;

import java.nio.file.Path;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.learned.LearnedScheduler;

/** Runs the learned Edge-TPU scheduler from the bundled checkpoint or a given one. */
final class LearnedSchedulers {

    private LearnedSchedulers() {
    }

    static LearnedScheduler.Result split(EdgeTpuGraph g, EdgeTpuPipeline p, Path checkpoint) {
        try (LearnedScheduler s = checkpoint == null ? LearnedScheduler.bundled() : LearnedScheduler.load(checkpoint)) {
            return s.split(g, p);
        }
    }
}

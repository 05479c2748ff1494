package org.pipeplan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.export.DeepSpeedConfig;
import org.pipeplan.cluster.training.export.MegatronArguments;
import org.pipeplan.io.InputException;
import org.pipeplan.io.OutputFiles;
import org.pipeplan.transformer.TransformerSpec;

/** The --export of a training plan: Megatron-LM arguments or a DeepSpeed config, printed or written. */
final class TrainingExport {

    private TrainingExport() {
    }

    /** Refuses an unknown format, or --export-out without --export, before any planning. */
    static void check(String format, Path out) {
        if (format == null) {
            if (out != null) {
                throw new InputException("command line", "--export-out needs --export megatron|deepspeed");
            }
            return;
        }
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("megatron") && !f.equals("deepspeed")) {
            throw new InputException("command line", "--export: unknown format '" + format + "' (megatron, deepspeed)");
        }
    }

    static void write(PrintWriter w, String format, Path out, TrainingPlan plan, TransformerSpec spec) {
        String text = format.equalsIgnoreCase("megatron") ? MegatronArguments.of(plan, spec) : DeepSpeedConfig.of(plan);
        if (out == null) {
            w.println();
            w.print(text);
            return;
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OutputFiles.writeString(out, text);
        } catch (IOException e) {
            throw new InputException(out, "cannot write: " + e.getMessage());
        }
        w.println(format.toLowerCase(Locale.ROOT) + " export written to " + out);
    }
}

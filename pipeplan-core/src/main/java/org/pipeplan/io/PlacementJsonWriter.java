package org.pipeplan.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.OutputFiles;

/**
 * Writes a problem in the placement-json format that {@link PlacementJsonReader} reads back
 * (docs/input-format.md), streaming, so that graphs of millions of operators need no tree in
 * memory. The format holds k identical accelerators and l CPU cores, an accelerator and a CPU
 * time per operator, and one output transfer cost per operator.
 */
public final class PlacementJsonWriter {

    private PlacementJsonWriter() {
    }

    public static void write(PlacementProblem problem, Path file) {
        OutputFiles.write(file, out -> write(problem, out));
    }

    /**
     * @throws IllegalArgumentException when the problem's devices or operators do not fit the
     *                                  format (other device kinds, accelerators of unequal memory)
     */
    public static void write(PlacementProblem problem, OutputStream out) throws IOException {
        double memory = acceleratorMemory(problem);
        OperatorGraph g = problem.graph();
        try (JsonGenerator json = JsonFields.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("maxSizePerFPGA", memory);
            json.writeNumberField("maxFPGAs", problem.devices().count(DeviceKind.ACCELERATOR));
            json.writeNumberField("maxCPUs", problem.devices().count(DeviceKind.CPU));
            json.writeArrayFieldStart("nodes");
            for (Operator op : g.operators()) {
                json.writeStartObject();
                json.writeNumberField("id", op.id());
                if (op.name() != null) {
                    json.writeStringField("name", op.name());
                }
                json.writeBooleanField("supportedOnFpga", op.runsOn(DeviceKind.ACCELERATOR));
                json.writeNumberField("cpuLatency", timeOrZero(op.computeTime(DeviceKind.CPU)));
                json.writeNumberField("fpgaLatency", timeOrZero(op.computeTime(DeviceKind.ACCELERATOR)));
                json.writeBooleanField("isBackwardNode", op.isBackward());
                if (op.colocationLabel().isPresent()) {
                    json.writeNumberField("colorClass", op.colocationLabel().getAsLong());
                }
                if (op.layerId().isPresent()) {
                    json.writeNumberField("layerId", op.layerId().getAsLong());
                }
                json.writeNumberField("size", op.memoryBytes());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("edges");
            for (Edge e : g.edges()) {
                json.writeStartObject();
                json.writeNumberField("sourceId", g.operator(e.source()).id());
                json.writeNumberField("destId", g.operator(e.target()).id());
                // the format charges one transfer cost per producer, whatever the edge says
                json.writeNumberField("cost", timeOrZero(g.operator(e.source()).transferTime(DeviceKind.ACCELERATOR)));
                if (e.bytes() > 0) {
                    json.writeNumberField("size", e.bytes());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static double acceleratorMemory(PlacementProblem problem) {
        double memory = Double.NaN;
        for (Device d : problem.devices().all()) {
            if (d.kind().equals(DeviceKind.ACCELERATOR)) {
                if (!Double.isNaN(memory) && memory != d.memoryLimit()) {
                    throw new IllegalArgumentException("placement-json needs accelerators of one memory size, "
                            + problem.name() + " has " + memory + " and " + d.memoryLimit());
                }
                memory = d.memoryLimit();
            } else if (!d.kind().equals(DeviceKind.CPU)) {
                throw new IllegalArgumentException("placement-json holds accelerators and CPU cores only, " + problem.name()
                        + " has a device of kind " + d.kind());
            }
        }
        if (Double.isInfinite(memory)) {
            throw new IllegalArgumentException("placement-json needs a finite accelerator memory");
        }
        return Double.isNaN(memory) ? 0 : memory;
    }

    private static double timeOrZero(double t) {
        return Double.isNaN(t) ? 0 : t;
    }
}

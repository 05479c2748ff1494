package org.pipeplan.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.pipeplan.device.DeviceCatalog;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.MatrixEngine;
import org.pipeplan.device.Topology;

/**
 * Reads device files (format "pipeplan-devices", docs/devices.md): device types to add to the
 * catalog, and optionally the devices to plan for and their topology.
 */
public final class DeviceFileReader {

    public static final String FORMAT = "pipeplan-devices";
    private static final String BUNDLED = "/org/pipeplan/device/default-catalog.json";

    private DeviceFileReader() {
    }

    /** The bundled catalog of common GPUs, an Edge TPU and a CPU core. */
    public static DeviceCatalog bundledCatalog() {
        try (InputStream in = Objects.requireNonNull(DeviceFileReader.class.getResourceAsStream(BUNDLED), BUNDLED)) {
            JsonNode root = JsonFields.parse("bundled device catalog", in);
            return new DeviceCatalog(types(new JsonFields("bundled device catalog"), root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a device file holds: the catalog extended with its types, and its devices if it lists any. */
    public record Contents(DeviceCatalog catalog, DeviceSpec devices) {
    }

    public static Contents read(Path file, DeviceCatalog base) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = f.object(JsonFields.parse(file), "the top level");
        JsonNode format = root.get("format");
        if (format == null || !format.asText().equals(FORMAT)) {
            throw f.error("'format' must be \"" + FORMAT + "\"");
        }
        long version = f.integer(root, "version", "top level");
        if (version != 1) {
            throw f.error("device file version " + version + " is not supported (1)");
        }
        DeviceCatalog catalog = base.with(types(f, root));
        Topology topology;
        try {
            topology = root.has("topology") ? Topology.parse(root.get("topology").asText()) : Topology.HOST;
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
        DeviceSpec spec = null;
        if (root.has("devices")) {
            JsonNode list = f.array(root, "devices", "top level");
            List<DeviceSpec.Group> groups = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String where = "devices[" + i + "]";
                JsonNode d = f.object(list.get(i), where);
                JsonNode type = d.get("type");
                if (type == null || !type.isTextual()) {
                    throw f.error(where + ": missing 'type'");
                }
                long count = d.has("count") ? f.integer(d, "count", where) : 1;
                if (count < 1 || count > org.pipeplan.device.DeviceSet.MAX_DEVICES) {
                    throw f.error(where + ": 'count' must be between 1 and " + org.pipeplan.device.DeviceSet.MAX_DEVICES
                            + ", got " + count);
                }
                try {
                    groups.add(new DeviceSpec.Group(catalog.get(type.asText()), (int) count));
                } catch (IllegalArgumentException e) {
                    throw f.error(where + ": " + e.getMessage());
                }
            }
            try {
                spec = new DeviceSpec(groups, topology);
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
        return new Contents(catalog, spec);
    }

    private static List<DeviceType> types(JsonFields f, JsonNode root) {
        List<DeviceType> out = new ArrayList<>();
        if (!root.has("types")) {
            return out;
        }
        JsonNode list = f.array(root, "types", "top level");
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = f.object(list.get(i), "types[" + i + "]");
            JsonNode name = t.get("name");
            if (name == null || !name.isTextual()) {
                throw f.error("types[" + i + "]: missing 'name'");
            }
            String where = "device type " + name.asText();
            boolean host = f.flag(t, "host", where, false);
            try {
                out.add(new DeviceType(name.asText(), host,
                        rate(f, t, "peakFlops", where, true),
                        rate(f, t, "memoryBandwidth", where, true),
                        host ? Double.POSITIVE_INFINITY : rate(f, t, "memoryBytes", where, true),
                        linkBandwidth(f, t, host, where),
                        f.nonNegative(t, "linkLatency", where, 0),
                        rate(f, t, "peerBandwidth", where, false),
                        f.nonNegative(t, "kernelOverhead", where, 0),
                        efficiency(f, t, "efficiency", where),
                        matrix(f, t, where),
                        rate(f, t, "networkBandwidth", where, false),
                        f.nonNegative(t, "networkLatency", where, 0)));
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
        return out;
    }

    /**
     * A host type's link is never timed (a CPU core's outputs are read where they lie, and an
     * accelerator's transfers use the accelerator's link), so there it may be left out.
     */
    private static double linkBandwidth(JsonFields f, JsonNode t, boolean host, String where) {
        if (host && t.get("linkBandwidth") == null) {
            return Double.POSITIVE_INFINITY;
        }
        return rate(f, t, "linkBandwidth", where, true);
    }

    /**
     * A rate or capacity (FLOP/s, bytes/s, bytes): at least 1, since anything smaller makes every
     * time it divides infinite; an optional one may be 0 (absent).
     */
    private static double rate(JsonFields f, JsonNode t, String field, String where, boolean required) {
        double v = f.nonNegative(t, field, where, required ? Double.NaN : 0);
        if (v < 1 && (required || v > 0)) {
            throw f.error(where + ": '" + field + "' must be " + (required ? "" : "0 (none) or ") + "at least 1, got " + v
                    + (required && t.get(field) == null ? " (missing)" : ""));
        }
        return v;
    }

    private static double efficiency(JsonFields f, JsonNode t, String field, String where) {
        double v = f.nonNegative(t, field, where, 1);
        if (!(v > 0 && v <= 1)) {
            throw f.error(where + ": '" + field + "' must be above 0 and at most 1, got " + v);
        }
        return v;
    }

    /** The optional matrix-unit fields: matrixFlops, matrixEfficiency, matrixHalfFlops. */
    private static MatrixEngine matrix(JsonFields f, JsonNode t, String where) {
        double peak = f.nonNegative(t, "matrixFlops", where, 0);
        if (peak == 0) {
            return MatrixEngine.NONE;
        }
        if (peak < 1) {
            throw f.error(where + ": 'matrixFlops' must be 0 (none) or at least 1, got " + peak);
        }
        return new MatrixEngine(peak, efficiency(f, t, "matrixEfficiency", where),
                f.nonNegative(t, "matrixHalfFlops", where, 0));
    }
}

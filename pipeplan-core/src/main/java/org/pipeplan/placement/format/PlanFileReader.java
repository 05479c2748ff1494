package org.pipeplan.placement.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.JsonFields;
import org.pipeplan.placement.Placement;

/**
 * Reads a split of a problem from either of two files:
 * <ul>
 *   <li>a pipeplan plan (docs/plan-format.md): {@code "format": "pipeplan-plan"} and a
 *       {@code devices} list whose entries name a device of the problem and list node ids;</li>
 *   <li>a split in the reference format of the NeurIPS 2020 programs: {@code "fpgas"} and
 *       {@code "cpus"}, lists of {@code {"nodes": [...]}} (the human-expert splits); the i-th list
 *       goes to the i-th accelerator or CPU core, other fields are ignored.</li>
 * </ul>
 * Nodes missing from the file follow their colocation class (an inference split reused for
 * training); unknown or duplicate nodes, unknown devices and newer format versions are errors.
 */
public final class PlanFileReader {

    private PlanFileReader() {
    }

    public static Placement read(Path file, PlacementProblem problem) {
        JsonNode root = JsonFields.parse(file);
        return fromJson(new JsonFields(file.toString()), root, problem);
    }

    static Placement fromJson(JsonFields f, JsonNode root, PlacementProblem problem) {
        f.object(root, "the top level");
        SplitAssembler split = new SplitAssembler(f, problem);
        if (root.has("format")) {
            readPlan(f, root, problem.devices(), split);
        } else if (root.has("fpgas") || root.has("cpus")) {
            List<Device> accelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
            List<Device> hosts = problem.devices().all().stream().filter(d -> !d.isAccelerator()).toList();
            readLists(f, root, "fpgas", accelerators, split);
            readLists(f, root, "cpus", hosts, split);
        } else {
            throw f.error("not a plan: expected \"format\": \"" + PlanJsonWriter.FORMAT
                    + "\" or the split fields \"fpgas\"/\"cpus\"");
        }
        return split.finish();
    }

    private static void readPlan(JsonFields f, JsonNode root, DeviceSet devices, SplitAssembler split) {
        JsonNode format = root.get("format");
        if (!format.isTextual() || !format.asText().equals(PlanJsonWriter.FORMAT)) {
            throw f.error("'format' must be \"" + PlanJsonWriter.FORMAT + "\", got " + JsonFields.describe(format));
        }
        long version = f.integer(root, "version", "top level");
        if (version < 1 || version > PlanJsonWriter.VERSION) {
            throw f.error("plan format version " + version + " is not supported (this pipeplan reads versions 1.."
                    + PlanJsonWriter.VERSION + ")");
        }
        JsonNode list = f.array(root, "devices", "top level");
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = f.object(list.get(i), "devices[" + i + "]");
            JsonNode name = entry.get("name");
            if (name == null || !name.isTextual()) {
                throw f.error("devices[" + i + "]: missing device 'name'");
            }
            Device device = devices.byName(name.asText());
            if (device == null) {
                throw f.error("devices[" + i + "]: the problem has no device named '" + name.asText() + "' (it has "
                        + devices.all().stream().map(Device::name).toList() + ")");
            }
            Integer before = seen.putIfAbsent(device.name(), i);
            if (before != null) {
                throw f.error("devices[" + i + "]: device '" + device.name() + "' is listed again (first at devices["
                        + before + "]); list each device once with all its nodes");
            }
            readNodes(f, entry, "device " + device.name(), device.index(), split);
            if (entry.has("pieces")) {
                JsonNode pieces = f.array(entry, "pieces", "device " + device.name());
                for (int p = 0; p < pieces.size(); p++) {
                    String where = "device " + device.name() + " piece " + p;
                    if (!pieces.get(p).isArray()) {
                        throw f.error(where + ": must be a list of node ids");
                    }
                    for (JsonNode id : pieces.get(p)) {
                        split.piece(f.integerValue(id, "pieces", where), p, device.index(), where);
                    }
                }
            }
        }
    }

    private static void readLists(JsonFields f, JsonNode root, String field, List<Device> devices,
                                  SplitAssembler split) {
        if (!root.has(field)) {
            return;
        }
        JsonNode lists = f.array(root, field, "top level");
        for (int i = 0; i < lists.size(); i++) {
            String where = field + "[" + i + "]";
            JsonNode entry = lists.get(i);
            JsonNode nodes = entry.isArray() ? entry : f.object(entry, where).get("nodes");
            if (nodes == null || !nodes.isArray()) {
                throw f.error(where + ": missing 'nodes' list");
            }
            if (nodes.isEmpty()) {
                continue;
            }
            if (i >= devices.size()) {
                throw f.error(where + ": the split uses " + (i + 1) + " " + field + " lists but the problem has only "
                        + devices.size() + (field.equals("cpus") ? " CPU cores" : " accelerators"));
            }
            readNodeArray(f, nodes, where, devices.get(i).index(), split);
        }
    }

    private static void readNodes(JsonFields f, JsonNode entry, String where, int device, SplitAssembler split) {
        readNodeArray(f, f.array(entry, "nodes", where), where, device, split);
    }

    private static void readNodeArray(JsonFields f, JsonNode nodes, String where, int device, SplitAssembler split) {
        for (JsonNode id : nodes) {
            split.place(f.integerValue(id, "nodes", where), device, where);
        }
    }
}

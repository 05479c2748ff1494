package org.pipeplan.placement.format;

import java.util.Arrays;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.JsonFields;
import org.pipeplan.placement.Placement;

/**
 * Builds a {@link Placement} from per-device node-id lists, as split and plan files give them.
 * A node missing from the lists joins the device of its colocation class, which is how an
 * inference split is reused for the training graph (backward nodes follow their forward nodes).
 */
final class SplitAssembler {

    private final JsonFields fields;
    private final OperatorGraph graph;
    private final int deviceCount;
    private final int[] deviceOf;
    private int[] pieceOf;

    SplitAssembler(JsonFields fields, PlacementProblem problem) {
        this.fields = fields;
        this.graph = problem.graph();
        this.deviceCount = problem.devices().size();
        this.deviceOf = new int[graph.size()];
        Arrays.fill(deviceOf, -1);
    }

    void place(long id, int device, String where) {
        int node = graph.indexOf(id);
        if (node < 0) {
            throw fields.error(where + ": node " + id + " is not in the graph");
        }
        if (deviceOf[node] >= 0) {
            throw fields.error(where + ": node " + id + " is placed twice");
        }
        deviceOf[node] = device;
    }

    /** Puts a node already placed on {@code device} into a numbered piece of it. */
    void piece(long id, int piece, int device, String where) {
        int node = graph.indexOf(id);
        if (node < 0) {
            throw fields.error(where + ": node " + id + " is not in the graph");
        }
        if (deviceOf[node] != device) {
            throw fields.error(where + ": node " + id + " is not in this device's node list");
        }
        if (pieceOf == null) {
            pieceOf = new int[graph.size()];
            Arrays.fill(pieceOf, -1);
        }
        if (pieceOf[node] >= 0) {
            throw fields.error(where + ": node " + id + " is in two pieces");
        }
        pieceOf[node] = piece;
    }

    Placement finish() {
        int[] groupDevice = new int[graph.colocationGroupCount()];
        Arrays.fill(groupDevice, -1);
        for (int v = 0; v < graph.size(); v++) {
            if (deviceOf[v] < 0) {
                continue;
            }
            int g = graph.colocationGroup(v);
            if (groupDevice[g] >= 0 && groupDevice[g] != deviceOf[v]) {
                groupDevice[g] = -2; // placed nodes of this class disagree
            } else if (groupDevice[g] == -1) {
                groupDevice[g] = deviceOf[v];
            }
        }
        for (int v = 0; v < graph.size(); v++) {
            if (deviceOf[v] >= 0) {
                continue;
            }
            int d = groupDevice[graph.colocationGroup(v)];
            if (d == -2) {
                throw fields.error("node " + graph.operator(v).id() + " is not placed, and the placed nodes of its"
                        + " colocation class are on different devices");
            }
            if (d < 0) {
                throw fields.error("node " + graph.operator(v).id() + " is not placed, and no node of its"
                        + " colocation class is");
            }
            deviceOf[v] = d;
        }
        Placement placement = new Placement(deviceOf, deviceCount);
        if (pieceOf == null) {
            return placement;
        }
        for (int v = 0; v < graph.size(); v++) {
            if (pieceOf[v] < 0) {
                throw fields.error("node " + graph.operator(v).id() + " is in no piece, though the plan gives pieces");
            }
        }
        return placement.withPieces(pieceOf);
    }
}

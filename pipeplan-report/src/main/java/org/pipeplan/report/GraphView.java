package org.pipeplan.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;

/**
 * The operator graph coloured by device (SVG), laid out in layers from left to right.
 *
 * <p>Training graphs are drawn by their forward pass (backward operators share their forward
 * partners' devices). Large graphs are coarsened so they stay readable: first chains of operators
 * on one device become one node; if that still leaves more than {@link #MAX_NODES} nodes or
 * {@link #MAX_LAYERS} layers, operators of one device in neighbouring layers are grouped. Node size
 * grows with compute time; edges between devices (transfers) are drawn dark.
 */
final class GraphView {

    static final int MAX_NODES = 150;
    static final int MAX_LAYERS = 60;

    /** The drawn graph: groups of operators, their layers and edges. */
    record Coarse(int[] groupOf, int groups, int[] layer, int[] device, int[] members, double[] compute,
                  List<int[]> edges, int shownOperators, boolean layersGrouped) {
    }

    private GraphView() {
    }

    static Coarse coarsen(PlacementProblem problem, Placement placement) {
        OperatorGraph g = problem.graph();
        int n = g.size();
        boolean[] shown = new boolean[n];
        int shownCount = 0;
        for (int v = 0; v < n; v++) {
            shown[v] = !g.operator(v).isBackward();
            shownCount += shown[v] ? 1 : 0;
        }
        int[] outShown = new int[n];
        int[] inShown = new int[n];
        for (Edge e : g.edges()) {
            if (shown[e.source()] && shown[e.target()]) {
                outShown[e.source()]++;
                inShown[e.target()]++;
            }
        }
        // chains on one device become one node
        int[] parent = new int[n];
        for (int v = 0; v < n; v++) {
            parent[v] = v;
        }
        for (Edge e : g.edges()) {
            int u = e.source();
            int w = e.target();
            if (shown[u] && shown[w] && outShown[u] == 1 && inShown[w] == 1
                    && placement.deviceOf(u) == placement.deviceOf(w)) {
                parent[find(parent, w)] = find(parent, u);
            }
        }
        int[] chainOf = new int[n];
        Arrays.fill(chainOf, -1);
        Map<Integer, Integer> chainIds = new LinkedHashMap<>();
        for (int v : g.topologicalOrder()) {
            if (shown[v]) {
                chainOf[v] = chainIds.computeIfAbsent(find(parent, v), k -> chainIds.size());
            }
        }
        int chains = chainIds.size();
        // longest-path levels of the chains (the chain graph is a DAG: chains are convex paths)
        int[] level = new int[chains];
        for (int v : g.topologicalOrder()) {
            if (!shown[v]) {
                continue;
            }
            for (int j = 0; j < g.outDegree(v); j++) {
                int w = g.edge(g.outEdge(v, j)).target();
                if (shown[w] && chainOf[w] != chainOf[v]) {
                    level[chainOf[w]] = Math.max(level[chainOf[w]], level[chainOf[v]] + 1);
                }
            }
        }
        // sources (weights, inputs) sit just before their first consumer, not all in the first layer
        boolean[] hasPredecessor = new boolean[chains];
        int[] firstConsumer = new int[chains];
        Arrays.fill(firstConsumer, Integer.MAX_VALUE);
        for (Edge e : g.edges()) {
            int a = e.source();
            int b = e.target();
            if (shown[a] && shown[b] && chainOf[a] != chainOf[b]) {
                hasPredecessor[chainOf[b]] = true;
                firstConsumer[chainOf[a]] = Math.min(firstConsumer[chainOf[a]], level[chainOf[b]]);
            }
        }
        for (int c = 0; c < chains; c++) {
            if (!hasPredecessor[c] && firstConsumer[c] != Integer.MAX_VALUE) {
                level[c] = Math.max(level[c], firstConsumer[c] - 1);
            }
        }
        int[] chainDevice = new int[chains];
        for (int v = 0; v < n; v++) {
            if (shown[v]) {
                chainDevice[chainOf[v]] = placement.deviceOf(v);
            }
        }
        int levels = Arrays.stream(level).max().orElse(0) + 1;
        int buckets = levels;
        int[] groupOfChain = new int[chains];
        int[] groupLayer;
        int groups;
        while (true) {
            Map<Long, Integer> ids = new HashMap<>();
            List<Integer> layers = new ArrayList<>();
            for (int c = 0; c < chains; c++) {
                int bucket = (int) ((long) level[c] * buckets / levels);
                long key = (long) bucket * problem.devices().size() + chainDevice[c];
                Integer id = ids.get(key);
                if (id == null) {
                    id = ids.size();
                    ids.put(key, id);
                    layers.add(bucket);
                }
                groupOfChain[c] = id;
            }
            groups = ids.size();
            groupLayer = layers.stream().mapToInt(Integer::intValue).toArray();
            if ((groups <= MAX_NODES && buckets <= MAX_LAYERS) || buckets == 1) {
                break;
            }
            buckets = Math.max(1, Math.min((int) (buckets * 0.75), MAX_LAYERS));
        }
        int[] groupOf = new int[n];
        Arrays.fill(groupOf, -1);
        int[] members = new int[groups];
        double[] compute = new double[groups];
        int[] device = new int[groups];
        List<Device> devices = problem.devices().all();
        for (int v = 0; v < n; v++) {
            if (shown[v]) {
                int grp = groupOfChain[chainOf[v]];
                groupOf[v] = grp;
                members[grp]++;
                device[grp] = placement.deviceOf(v);
                double t = g.operator(v).computeTime(devices.get(placement.deviceOf(v)).kind());
                compute[grp] += Double.isNaN(t) ? 0 : t;
            }
        }
        Map<Long, int[]> edges = new LinkedHashMap<>();
        for (Edge e : g.edges()) {
            int a = groupOf[e.source()];
            int b = groupOf[e.target()];
            if (a >= 0 && b >= 0 && a != b) {
                edges.computeIfAbsent((long) a * groups + b, k -> new int[] {a, b, 0})[2]++;
            }
        }
        return new Coarse(groupOf, groups, groupLayer, device, members, compute, new ArrayList<>(edges.values()), shownCount,
                buckets < levels);
    }

    /** Positions within layers by a few barycentre sweeps, which untangle most edges. */
    static double[] order(Coarse c) {
        int layers = Arrays.stream(c.layer()).max().orElse(0) + 1;
        double[] pos = new double[c.groups()];
        int[] countIn = new int[layers];
        for (int v = 0; v < c.groups(); v++) {
            pos[v] = countIn[c.layer()[v]]++;
        }
        List<List<Integer>> neighbours = new ArrayList<>();
        for (int v = 0; v < c.groups(); v++) {
            neighbours.add(new ArrayList<>());
        }
        for (int[] e : c.edges()) {
            neighbours.get(e[0]).add(e[1]);
            neighbours.get(e[1]).add(e[0]);
        }
        for (int sweep = 0; sweep < 8; sweep++) {
            double[] wanted = new double[c.groups()];
            for (int v = 0; v < c.groups(); v++) {
                double sum = 0;
                int k = 0;
                for (int w : neighbours.get(v)) {
                    boolean before = c.layer()[w] < c.layer()[v];
                    if (sweep % 2 == 0 ? before : !before) {
                        sum += pos[w];
                        k++;
                    }
                }
                wanted[v] = k == 0 ? pos[v] : sum / k;
            }
            for (int l = 0; l < layers; l++) {
                final int layer = l;
                Integer[] inLayer = java.util.stream.IntStream.range(0, c.groups()).filter(v -> c.layer()[v] == layer)
                        .boxed().toArray(Integer[]::new);
                Arrays.sort(inLayer, (a, b) -> wanted[a] != wanted[b] ? Double.compare(wanted[a], wanted[b])
                        : Double.compare(pos[a], pos[b]));
                for (int i = 0; i < inLayer.length; i++) {
                    pos[inLayer[i]] = i;
                }
            }
        }
        return pos;
    }

    /** The drawing and its caption, from one coarsening of the graph. */
    record Drawing(String svg, String caption) {
    }

    /**
     * Draws the graph of a placement.
     *
     * @param pipelineOrder the devices in stage order (from the evaluation's contiguity), empty
     *                      when the plan is not a pipeline
     */
    static Drawing draw(PlacementProblem problem, Placement placement, List<Integer> pipelineOrder) {
        Coarse c = coarsen(problem, placement);
        return new Drawing(svg(problem, c, pipelineOrder), caption(problem, c));
    }

    private static String svg(PlacementProblem problem, Coarse c, List<Integer> stages) {
        double[] pos = order(c);
        int layers = Arrays.stream(c.layer()).max().orElse(0) + 1;
        int widest = 1;
        int[] perLayer = new int[layers];
        for (int v = 0; v < c.groups(); v++) {
            widest = Math.max(widest, ++perLayer[c.layer()[v]]);
        }
        double dx = Math.max(26, Math.min(70, 1100.0 / layers));
        double dy = 30;
        double width = 60 + dx * layers;
        double height = 50 + dy * widest + 40;
        double maxCompute = Arrays.stream(c.compute()).max().orElse(1);
        double[] x = new double[c.groups()];
        double[] y = new double[c.groups()];
        for (int v = 0; v < c.groups(); v++) {
            x[v] = 30 + dx * c.layer()[v] + dx / 2;
            // centre each layer vertically
            y[v] = 30 + dy * (pos[v] + (widest - perLayer[c.layer()[v]]) / 2.0) + dy / 2;
        }
        Svg svg = new Svg(width, height, "graph-view", "operator graph coloured by device");
        for (int[] e : c.edges()) {
            boolean cut = c.device()[e[0]] != c.device()[e[1]];
            double mx = (x[e[0]] + x[e[1]]) / 2;
            String d = "M" + Svg.num(x[e[0]]) + "," + Svg.num(y[e[0]]) + " C" + Svg.num(mx) + "," + Svg.num(y[e[0]]) + " "
                    + Svg.num(mx) + "," + Svg.num(y[e[1]]) + " " + Svg.num(x[e[1]]) + "," + Svg.num(y[e[1]]);
            svg.path(d, cut ? "#444" : "#c8c8c8", cut ? 1.4 : 1, cut ? "edge cut" : "edge");
        }
        OperatorGraph g = problem.graph();
        List<List<String>> names = new ArrayList<>();
        for (int v = 0; v < c.groups(); v++) {
            names.add(new ArrayList<>());
        }
        for (int v = 0; v < g.size(); v++) {
            int grp = c.groupOf()[v];
            if (grp >= 0 && names.get(grp).size() < 6) {
                names.get(grp).add(g.operator(v).name());
            }
        }
        List<Device> devices = problem.devices().all();
        for (int v = 0; v < c.groups(); v++) {
            double r = 3 + 8 * Math.sqrt(maxCompute > 0 ? c.compute()[v] / maxCompute : 0);
            String device = devices.get(c.device()[v]).name();
            String tip = c.members()[v] + (c.members()[v] == 1 ? " operator" : " operators") + " on " + device
                    + ", compute " + Units.num(c.compute()[v]) + ": " + String.join(", ", names.get(v))
                    + (c.members()[v] > names.get(v).size() ? ", ..." : "");
            svg.circle(x[v], y[v], r, Palette.colour(c.device()[v]), "node", tip);
        }
        // the legend names each device's pipeline stage when the plan is a pipeline
        double lx = 30;
        double ly = height - 14;
        for (Device dev : devices) {
            int stage = stages.indexOf(dev.index());
            String label = stage >= 0 ? "stage " + stage + ": " + dev.name() : dev.name();
            svg.rect(lx, ly - 9, 12, 10, Palette.colour(dev.index()), null, null);
            svg.text(lx + 16, ly, label, "start", 11, "#222");
            lx += 30 + 7 * label.length();
        }
        return svg.end();
    }

    /** How the drawing relates to the graph, for the caption. */
    private static String caption(PlacementProblem problem, Coarse c) {
        String what = c.shownOperators() + (problem.graph().hasBackward() ? " forward operators" : " operators");
        return c.groups() == c.shownOperators() ? what + ", one node each."
                : what + " drawn as " + c.groups() + " nodes: chains on one device fused"
                + (c.layersGrouped() ? ", then neighbouring layers of a device grouped" : "")
                + "; hover a node for its operators.";
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }
}

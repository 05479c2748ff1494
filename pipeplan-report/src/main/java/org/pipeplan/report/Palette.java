package org.pipeplan.report;

/** Colours of devices and samples: distinct, readable on white, the same in HTML and PNG. */
final class Palette {

    private static final String[] COLOURS = {
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
        "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf"};

    static final String TRANSFER = "#9a9a9a";
    static final String ALLREDUCE = "#333333";
    static final String LIMIT = "#c0392b";

    private Palette() {
    }

    static String colour(int index) {
        return COLOURS[Math.floorMod(index, COLOURS.length)];
    }

    /** The colour mixed with white: share 0 is the colour, 1 is white. */
    static String lighter(String hex, double share) {
        int r = Integer.parseInt(hex.substring(1, 3), 16);
        int g = Integer.parseInt(hex.substring(3, 5), 16);
        int b = Integer.parseInt(hex.substring(5, 7), 16);
        return String.format("#%02x%02x%02x", mix(r, share), mix(g, share), mix(b, share));
    }

    static java.awt.Color awt(String hex) {
        return java.awt.Color.decode(hex);
    }

    private static int mix(int c, double share) {
        return (int) Math.round(c + (255 - c) * share);
    }
}

package org.pipeplan.device;

import java.util.Locale;

/** How the devices' links connect them. */
public enum Topology {
    /** Every transfer goes through host memory (PCIe): each device uses its own link. */
    HOST,
    /** Devices in a chain, each linked to the next (Edge TPU pipelines). */
    CHAIN,
    /** Every pair of devices has a direct link (NVLink / NVSwitch). */
    ALL_TO_ALL;

    public static Topology parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "host", "through-host", "pcie" -> HOST;
            case "chain", "pipeline" -> CHAIN;
            case "all-to-all", "nvlink", "switch" -> ALL_TO_ALL;
            default -> throw new IllegalArgumentException("unknown topology '" + text + "' (host, chain, all-to-all)");
        };
    }
}

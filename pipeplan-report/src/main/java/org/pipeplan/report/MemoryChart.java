package org.pipeplan.report;

import java.util.List;
import org.pipeplan.sim.DeviceActivity;

/**
 * Per-device memory bars (SVG): the cost model's memory and, on top, the simulated peak of tensors
 * in flight (stashed activations, transfers waiting), against each device's limit.
 */
final class MemoryChart {

    private static final double LABEL = 150;
    private static final double BAR_AREA = 560;
    private static final double ROW = 26;

    private MemoryChart() {
    }

    static String svg(List<DeviceActivity> devices) {
        double scale = 1e-12;
        for (DeviceActivity d : devices) {
            scale = Math.max(scale, d.peakMemory());
            if (Double.isFinite(d.device().memoryLimit())) {
                scale = Math.max(scale, d.device().memoryLimit());
            }
        }
        double height = 30 + ROW * devices.size() + 30;
        Svg svg = new Svg(LABEL + BAR_AREA + 220, height, "memory-chart", "memory per device");
        for (int i = 0; i < devices.size(); i++) {
            DeviceActivity d = devices.get(i);
            double y = 20 + i * ROW;
            double wm = BAR_AREA * d.modelMemory() / scale;
            double wf = BAR_AREA * d.peakInFlight() / scale;
            svg.text(LABEL - 8, y + 15, d.device().name(), "end", 12, "#222");
            svg.rect(LABEL, y, wm, ROW - 6, Palette.colour(i), "bar", d.device().name() + ": operators " + Units.bytes(d.modelMemory()));
            svg.rect(LABEL + wm, y, wf, ROW - 6, Palette.lighter(Palette.colour(i), 0.55), "bar",
                    d.device().name() + ": tensors in flight at peak " + Units.bytes(d.peakInFlight()));
            double limit = d.device().memoryLimit();
            String label = Units.bytes(d.peakMemory());
            if (Double.isFinite(limit)) {
                double x = LABEL + BAR_AREA * limit / scale;
                svg.line(x, y - 2, x, y + ROW - 4, Palette.LIMIT, 2, null);
                label += " of " + Units.bytes(limit) + " (" + Units.percent(d.peakMemory() / Math.max(limit, 1e-300)) + ")"
                        + (d.memoryExceeded() ? "  OVER THE LIMIT" : "");
            } else {
                label += " (no limit)";
            }
            svg.text(LABEL + Math.max(wm + wf, 0) + 6, y + 15, label, "start", 11, d.memoryExceeded() ? Palette.LIMIT : "#222");
        }
        double bottom = 20 + ROW * devices.size();
        svg.rect(LABEL, bottom + 8, 12, 10, Palette.colour(0), null, null);
        svg.text(LABEL + 16, bottom + 17, "operators (cost model)", "start", 11, "#222");
        svg.rect(LABEL + 170, bottom + 8, 12, 10, Palette.lighter(Palette.colour(0), 0.55), null, null);
        svg.text(LABEL + 186, bottom + 17, "tensors in flight (simulated peak)", "start", 11, "#222");
        svg.line(LABEL + 410, bottom + 6, LABEL + 410, bottom + 19, Palette.LIMIT, 2, null);
        svg.text(LABEL + 416, bottom + 17, "limit", "start", 11, "#222");
        return svg.end();
    }
}

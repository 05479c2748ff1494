package org.pipeplan.report;

import java.util.List;
import org.pipeplan.placement.evaluate.DeviceLoad;
import org.pipeplan.placement.evaluate.Evaluation;

/**
 * Per-device load bars (SVG): compute in the device's colour and transfers in grey, stacked, with
 * the max-load (the time per sample) marked.
 */
final class LoadChart {

    private static final double LABEL = 150;
    private static final double BAR_AREA = 560;
    private static final double ROW = 26;

    private LoadChart() {
    }

    static String svg(Evaluation loads) {
        List<DeviceLoad> devices = loads.devices();
        double max = Math.max(loads.maxLoad(), 1e-12);
        double height = 30 + ROW * devices.size() + 30;
        Svg svg = new Svg(LABEL + BAR_AREA + 120, height, "load-chart", "load per device");
        for (int i = 0; i < devices.size(); i++) {
            DeviceLoad d = devices.get(i);
            double y = 20 + i * ROW;
            double wc = BAR_AREA * d.compute() / max;
            double wt = BAR_AREA * d.communication() / max;
            svg.text(LABEL - 8, y + 15, d.device().name(), "end", 12, "#222");
            svg.rect(LABEL, y, wc, ROW - 6, Palette.colour(i), "bar",
                    d.device().name() + ": compute " + Units.num(d.compute()));
            svg.rect(LABEL + wc, y, wt, ROW - 6, Palette.TRANSFER, "bar",
                    d.device().name() + ": transfers " + Units.num(d.communication()));
            svg.text(LABEL + wc + wt + 6, y + 15, Units.num(d.load()) + (d.load() == loads.maxLoad() ? "  (bottleneck)" : ""),
                    "start", 11, "#222");
        }
        double bottom = 20 + ROW * devices.size();
        svg.line(LABEL + BAR_AREA, 12, LABEL + BAR_AREA, bottom, Palette.LIMIT, 1.2, "4,3");
        svg.text(LABEL + BAR_AREA, bottom + 16, "max-load " + Units.num(loads.maxLoad()), "middle", 11, Palette.LIMIT);
        svg.rect(LABEL, bottom + 8, 12, 10, Palette.colour(0), null, null);
        svg.text(LABEL + 16, bottom + 17, "compute", "start", 11, "#222");
        svg.rect(LABEL + 80, bottom + 8, 12, 10, Palette.TRANSFER, null, null);
        svg.text(LABEL + 96, bottom + 17, "transfers", "start", 11, "#222");
        return svg.end();
    }
}

package org.pipeplan.report;

import org.pipeplan.report.RunMeasurement.Stage;

/** Predicted against measured busy time per sample of every stage of a run (SVG). */
final class MeasuredChart {

    private static final double LABEL = 150;
    private static final double AREA = 560;
    private static final double ROW = 34;

    private MeasuredChart() {
    }

    static String svg(RunMeasurement run) {
        double max = 1e-12;
        for (Stage s : run.stages()) {
            max = Math.max(max, Math.max(s.predictedMs(), s.measuredMs()));
        }
        double height = 30 + ROW * run.stages().size() + 30;
        Svg svg = new Svg(LABEL + AREA + 200, height, "measured-chart", "predicted against measured stage times");
        for (int i = 0; i < run.stages().size(); i++) {
            Stage s = run.stages().get(i);
            double y = 20 + i * ROW;
            svg.text(LABEL - 8, y + 19, "stage " + s.index() + " " + s.device(), "end", 12, "#222");
            svg.rect(LABEL, y, AREA * s.predictedMs() / max, 13, Palette.lighter(Palette.colour(i), 0.45), "bar",
                    "predicted " + Units.num(s.predictedMs()) + " ms");
            svg.rect(LABEL, y + 14, AREA * s.measuredMs() / max, 13, Palette.colour(i), "bar",
                    "measured " + Units.num(s.measuredMs()) + " ms");
            svg.text(LABEL + AREA * Math.max(s.predictedMs(), s.measuredMs()) / max + 6, y + 19,
                    Units.num(s.predictedMs()) + " / " + Units.num(s.measuredMs()) + " ms ("
                            + (s.error() >= 0 ? "+" : "") + Units.percent(s.error()) + ")", "start", 11, "#222");
        }
        double bottom = 20 + ROW * run.stages().size();
        svg.rect(LABEL, bottom + 8, 12, 10, Palette.lighter(Palette.colour(0), 0.45), null, null);
        svg.text(LABEL + 16, bottom + 17, "predicted", "start", 11, "#222");
        svg.rect(LABEL + 90, bottom + 8, 12, 10, Palette.colour(0), null, null);
        svg.text(LABEL + 106, bottom + 17, "measured (busy ms per sample)", "start", 11, "#222");
        return svg.end();
    }
}

package org.pipeplan.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pipeplan.sim.ActivityKind;
import org.pipeplan.sim.SimulationResult;
import org.pipeplan.sim.TraceSegment;

/**
 * The simulated schedule as a Gantt chart (SVG): one row per lane (device replica, its link, the
 * shared link), one block per stretch of work, coloured by sample; forward light, backward dark,
 * transfers grey. It shows the start of the run: the first samples when streaming, the first two
 * mini-batches in training.
 */
final class GanttChart {

    static final int STREAMING_SAMPLES_SHOWN = 16;
    private static final double LABEL = 150;
    private static final double AREA = 900;
    private static final double ROW = 24;

    private GanttChart() {
    }

    /** A block to draw: segments closer than a pixel are merged so large schedules stay light. */
    record Block(int lane, ActivityKind kind, int sample, double start, double end) {
    }

    /** End of the part of the schedule shown. */
    static double shownUntil(SimulationResult r) {
        int limit = r.options().schedule().training() ? 2 * r.options().microBatches() : STREAMING_SAMPLES_SHOWN;
        double end = 0;
        for (TraceSegment s : r.trace()) {
            if (s.sample() < limit) {
                end = Math.max(end, s.end());
            }
        }
        return end > 0 ? end : r.makespan();
    }

    static List<Block> blocks(SimulationResult r, double until, double pixelsPerUnit) {
        List<TraceSegment> shown = new ArrayList<>();
        for (TraceSegment s : r.trace()) {
            if (s.start() < until) {
                shown.add(s);
            }
        }
        shown.sort(Comparator.comparingInt(TraceSegment::lane).thenComparingDouble(TraceSegment::start));
        List<Block> blocks = new ArrayList<>();
        Block open = null;
        for (TraceSegment s : shown) {
            double end = Math.min(s.end(), until);
            boolean tiny = (end - s.start()) * pixelsPerUnit < 1;
            if (open != null && open.lane() == s.lane() && tiny && (s.start() - open.end()) * pixelsPerUnit < 1
                    && open.kind().transfer() == s.kind().transfer()) {
                open = new Block(open.lane(), open.kind(), open.sample(), open.start(), end);
                blocks.set(blocks.size() - 1, open);
                continue;
            }
            open = new Block(s.lane(), s.kind(), s.sample(), s.start(), end);
            blocks.add(open);
        }
        return blocks;
    }

    static String colour(Block b) {
        return switch (b.kind()) {
            case FORWARD -> Palette.lighter(Palette.colour(b.sample()), 0.35);
            case BACKWARD -> Palette.colour(b.sample());
            case SEND, RECEIVE -> Palette.TRANSFER;
            case ALLREDUCE -> Palette.ALLREDUCE;
        };
    }

    static String svg(SimulationResult r) {
        double until = Math.max(shownUntil(r), 1e-12);
        double scale = AREA / until;
        List<String> lanes = r.lanes();
        double height = 30 + ROW * lanes.size() + 50;
        Svg svg = new Svg(LABEL + AREA + 30, height, "gantt-chart", "simulated schedule");
        for (int i = 0; i < lanes.size(); i++) {
            svg.text(LABEL - 8, 20 + i * ROW + 15, lanes.get(i), "end", 12, "#222");
            svg.rect(LABEL, 20 + i * ROW, AREA, ROW - 4, "#f4f4f4", null, null);
        }
        for (Block b : blocks(r, until, scale)) {
            double x = LABEL + b.start() * scale;
            double w = Math.max((b.end() - b.start()) * scale, 0.5);
            double y = 20 + b.lane() * ROW;
            String what = switch (b.kind()) {
                case FORWARD -> "forward";
                case BACKWARD -> "backward";
                case SEND -> "send";
                case RECEIVE -> "receive";
                case ALLREDUCE -> "flush / all-reduce";
            };
            svg.rect(x, y, w, ROW - 4, colour(b), "task",
                    (b.sample() >= 0 ? "sample " + b.sample() + " " : "") + what + " " + Units.num(b.start()) + " to "
                            + Units.num(b.end()));
            if (w >= 16 && b.sample() >= 0 && !b.kind().transfer()) {
                svg.text(x + w / 2, y + 14, Integer.toString(b.sample()), "middle", 10, "#111");
            }
        }
        double axis = 20 + ROW * lanes.size() + 4;
        svg.line(LABEL, axis, LABEL + AREA, axis, "#444", 1, null);
        double step = niceStep(until / 8);
        for (double t = 0; t <= until + 1e-9; t += step) {
            double x = LABEL + t * scale;
            svg.line(x, axis, x, axis + 5, "#444", 1, null);
            svg.text(x, axis + 17, Units.num(t), "middle", 10, "#444");
        }
        double legend = axis + 36;
        svg.rect(LABEL, legend - 9, 12, 10, Palette.lighter(Palette.colour(0), 0.35), null, null);
        svg.text(LABEL + 16, legend, "forward (colour: sample)", "start", 11, "#222");
        svg.rect(LABEL + 190, legend - 9, 12, 10, Palette.colour(0), null, null);
        svg.text(LABEL + 206, legend, "backward", "start", 11, "#222");
        svg.rect(LABEL + 290, legend - 9, 12, 10, Palette.TRANSFER, null, null);
        svg.text(LABEL + 306, legend, "send / receive", "start", 11, "#222");
        svg.rect(LABEL + 420, legend - 9, 12, 10, Palette.ALLREDUCE, null, null);
        svg.text(LABEL + 436, legend, "flush / all-reduce", "start", 11, "#222");
        svg.text(LABEL + AREA, legend, "time", "end", 11, "#222");
        return svg.end();
    }

    /** 1, 2 or 5 times a power of ten, at least the given step. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }
}

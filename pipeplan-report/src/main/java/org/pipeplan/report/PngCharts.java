package org.pipeplan.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.pipeplan.placement.evaluate.DeviceLoad;
import org.pipeplan.sim.DeviceActivity;
import org.pipeplan.sim.SimulationResult;

/**
 * The report's charts as PNG files, for readers without a browser: loads and memory per device and
 * predicted against measured stage times (XChart bar charts), and the simulated schedule (drawn
 * directly, as XChart has no Gantt chart).
 */
public final class PngCharts {

    private PngCharts() {
    }

    /** Writes the charts into a folder (created if needed); returns the files written. */
    public static List<Path> write(ReportInput in, Path folder) {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            files.add(save(loadChart(in), folder.resolve("loads.png")));
            files.add(save(memoryChart(in.simulation()), folder.resolve("memory.png")));
            Path gantt = folder.resolve("schedule.png");
            ImageIO.write(gantt(in.simulation()), "png", gantt.toFile());
            files.add(gantt);
            if (in.run() != null) {
                files.add(save(measuredChart(in.run()), folder.resolve("measured.png")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write charts to " + folder + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static Path save(CategoryChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static CategoryChart bars(String title, String yAxis, int devices) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(640, 90 * devices + 200)).height(420).title(title)
                .xAxisTitle("device").yAxisTitle(yAxis).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    static CategoryChart loadChart(ReportInput in) {
        List<DeviceLoad> loads = in.evaluation().loads().devices();
        CategoryChart chart = bars("Load per device (max-load " + Units.num(in.evaluation().loads().maxLoad()) + ")",
                "time per sample", loads.size());
        chart.getStyler().setStacked(true);
        List<String> names = loads.stream().map(d -> d.device().name()).toList();
        chart.addSeries("compute", names, loads.stream().map(DeviceLoad::compute).toList())
                .setFillColor(Palette.awt(Palette.colour(0)));
        chart.addSeries("transfers", names, loads.stream().map(DeviceLoad::communication).toList())
                .setFillColor(Palette.awt(Palette.TRANSFER));
        return chart;
    }

    static CategoryChart memoryChart(SimulationResult sim) {
        List<DeviceActivity> devices = sim.devices();
        CategoryChart chart = bars("Memory per device (MiB)", "MiB", devices.size());
        chart.getStyler().setStacked(true);
        List<String> names = devices.stream().map(d -> d.device().name()).toList();
        chart.addSeries("operators (model)", names, devices.stream().map(d -> d.modelMemory() / (1 << 20)).toList())
                .setFillColor(Palette.awt(Palette.colour(0)));
        chart.addSeries("tensors in flight (peak)", names, devices.stream().map(d -> d.peakInFlight() / (1 << 20)).toList())
                .setFillColor(Palette.awt(Palette.lighter(Palette.colour(0), 0.55)));
        return chart;
    }

    static CategoryChart measuredChart(RunMeasurement run) {
        CategoryChart chart = bars("Stage time per sample: predicted and measured (ms)", "ms", run.stages().size());
        List<String> names = run.stages().stream().map(s -> s.index() + " " + s.device()).toList();
        chart.addSeries("predicted", names, run.stages().stream().map(RunMeasurement.Stage::predictedMs).toList())
                .setFillColor(Palette.awt(Palette.lighter(Palette.colour(0), 0.45)));
        chart.addSeries("measured", names, run.stages().stream().map(RunMeasurement.Stage::measuredMs).toList())
                .setFillColor(Palette.awt(Palette.colour(0)));
        return chart;
    }

    /** The same blocks as the HTML Gantt chart, drawn with Java2D. */
    static BufferedImage gantt(SimulationResult sim) {
        int label = 150;
        int area = 1000;
        int row = 26;
        List<String> lanes = sim.lanes();
        int width = label + area + 30;
        int height = 40 + row * lanes.size() + 62;
        double until = Math.max(GanttChart.shownUntil(sim), 1e-12);
        double scale = area / until;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString("Simulated schedule (" + sim.options().schedule().label() + ")", label, 18);
        for (int i = 0; i < lanes.size(); i++) {
            int y = 30 + i * row;
            g.setColor(new Color(0xf4f4f4));
            g.fillRect(label, y, area, row - 4);
            g.setColor(Color.DARK_GRAY);
            int w = g.getFontMetrics().stringWidth(lanes.get(i));
            g.drawString(lanes.get(i), label - 8 - w, y + 15);
        }
        for (GanttChart.Block b : GanttChart.blocks(sim, until, scale)) {
            int x = label + (int) Math.round(b.start() * scale);
            int w = Math.max(1, (int) Math.round((b.end() - b.start()) * scale));
            g.setColor(Palette.awt(GanttChart.colour(b)));
            g.fillRect(x, 30 + b.lane() * row, w, row - 4);
        }
        int axis = 30 + row * lanes.size() + 2;
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawLine(label, axis, label + area, axis);
        double step = GanttChart.niceStep(until / 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (double t = 0; t <= until + 1e-9; t += step) {
            int x = label + (int) Math.round(t * scale);
            g.drawLine(x, axis, x, axis + 4);
            String text = Units.num(t);
            g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, axis + 16);
        }
        int legend = axis + 40;
        int x = label;
        String[][] items = {{Palette.lighter(Palette.colour(0), 0.35), "forward (colour: sample)"},
            {Palette.colour(0), "backward"}, {Palette.TRANSFER, "send / receive"}, {Palette.ALLREDUCE, "flush / all-reduce"}};
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (String[] item : items) {
            g.setColor(Palette.awt(item[0]));
            g.fillRect(x, legend - 9, 12, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(item[1], x + 16, legend);
            x += 36 + g.getFontMetrics().stringWidth(item[1]);
        }
        g.drawString("time", label + area - g.getFontMetrics().stringWidth("time"), legend);
        g.dispose();
        return image;
    }
}

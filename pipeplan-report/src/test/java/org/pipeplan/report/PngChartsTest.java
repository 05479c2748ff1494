package org.pipeplan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngChartsTest {

    @TempDir
    Path dir;

    /** Pixels that are neither white nor grey: drawn in a chart colour. */
    private static int colouredPixels(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                int b = rgb & 255;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void everyChartIsWrittenAndDrawn() throws IOException {
        ReportInput in = ReportFixtures.input(20, true, ReportFixtures.run());
        List<Path> files = PngCharts.write(in, dir.resolve("charts"));
        assertEquals(List.of("loads.png", "memory.png", "schedule.png", "measured.png"),
                files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            BufferedImage image = ImageIO.read(f.toFile());
            assertTrue(image.getWidth() >= 600 && image.getHeight() >= 100, f.toString());
            assertTrue(colouredPixels(image) > 500, f + ": " + colouredPixels(image) + " coloured pixels");
        }
    }
}

package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the report command writes a report, headless Chromium opens it, and the test checks
 * from the rendered page that every chart and the graph were drawn (the page's own script records
 * how many shapes got a size) and from a screenshot that they were painted in their colours.
 * Skips, saying why, where no Chromium is installed (.ci/run installs Debian's chromium).
 */
class ReportBrowserTest {

    private static final Path TRAINING = Cli.root().resolve("examples/bert24_training.json");
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic", "--virtual-time-budget=5000");

    @TempDir
    Path dir;

    static Optional<Path> chromium() {
        String configured = System.getenv("PIPEPLAN_CHROMIUM");
        List<String> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private String browse(Path browser, Path page, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(browser.toString()));
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + Files.createTempDirectory(dir, "profile"));
        command.addAll(List.of(extra));
        command.add(page.toUri().toString());
        Path log = dir.resolve("browser.log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s");
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(log));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void chromiumDrawsEveryChartAndTheGraph() throws Exception {
        Optional<Path> browser = chromium();
        Assumptions.assumeTrue(browser.isPresent(),
                "no Chromium at /usr/bin/chromium (install Debian's chromium, as .ci/run does, or set PIPEPLAN_CHROMIUM): browser test skipped");
        Path html = dir.resolve("report.html");
        Cli.Run r = Cli.run("report", TRAINING.toString(), "-q", "-o", html.toString(),
                "--run", ReportCliTest.runResult(dir).toString());
        assertEquals(0, r.code(), r.err());

        String dom = browse(browser.get(), html, "--dump-dom");
        Matcher m = Pattern.compile("data-rendered=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), "the page's script did not run: " + dom.substring(0, Math.min(400, dom.length())));
        JsonNode rendered = new ObjectMapper().readTree(m.group(1).replace("&quot;", "\"").replace("&amp;", "&"));
        int devices = 7;
        assertDrawn(rendered, "load-chart", 2 * devices);
        assertDrawn(rendered, "memory-chart", 2 * devices);
        assertDrawn(rendered, "gantt-chart", 20);
        assertDrawn(rendered, "graph-view", 29 + 28); // nodes and the edges between them
        assertDrawn(rendered, "measured-chart", 4);

        Path shot = dir.resolve("shot.png");
        browse(browser.get(), html, "--screenshot=" + shot, "--window-size=1300,3000", "--hide-scrollbars");
        BufferedImage image = ImageIO.read(shot.toFile());
        // the devices' colours are painted: acc0's blue and acc4's teal among them
        assertTrue(pixelsNear(image, 0x4e79a7) > 200, "acc0 blue pixels: " + pixelsNear(image, 0x4e79a7));
        assertTrue(pixelsNear(image, 0x76b7b2) > 200, "acc4 teal pixels: " + pixelsNear(image, 0x76b7b2));
    }

    private static void assertDrawn(JsonNode rendered, String chart, int atLeast) {
        JsonNode c = rendered.get(chart);
        assertTrue(c != null, chart + " missing from " + rendered);
        assertTrue(c.get("shapes").asInt() >= atLeast, chart + ": " + c);
        assertEquals(c.get("shapes").asInt(), c.get("drawn").asInt(), chart + ": every shape has a size: " + c);
        assertTrue(c.get("width").asInt() > 100 && c.get("height").asInt() > 50, chart + ": " + c);
    }

    private static int pixelsNear(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) + Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255))
                        + Math.abs((p & 255) - (rgb & 255));
                if (d < 24) {
                    n++;
                }
            }
        }
        return n;
    }
}

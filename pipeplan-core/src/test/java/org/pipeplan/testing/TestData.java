package org.pipeplan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;

/** Where the tests find their data: fixtures inside the repository, and ../shared beside it. */
public final class TestData {

    private TestData() {
    }

    /** The project root: the nearest folder upwards that holds pipeplan-core. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("pipeplan-core"))) {
            dir = dir.getParent();
        }
        return Objects.requireNonNull(dir, "cannot find the project root above " + Path.of("").toAbsolutePath());
    }

    /** The shared placement-json datasets; the calling test is skipped when they are absent. */
    public static Path sharedPlacementJson() {
        Path dir = projectRoot().resolve("../shared/datasets/placement-json").normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared datasets not present at " + dir);
        return dir;
    }

    /**
     * A fixture under src/test/resources/fixtures, as a file (copied out of the test jar when
     * another module's tests use it).
     */
    public static Path fixture(String relative) {
        var url = Objects.requireNonNull(TestData.class.getResource("/fixtures/" + relative), "missing fixture " + relative);
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
            Path copy = Files.createTempDirectory("pipeplan-fixture").resolve(Path.of(relative).getFileName());
            try (var in = url.openStream()) {
                Files.copy(in, copy);
            }
            copy.toFile().deleteOnExit();
            copy.getParent().toFile().deleteOnExit();
            return copy;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes text to a file in a folder (tests use @TempDir). */
    public static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.pipeplan.onnx.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.pipeplan.testing.TestData;

/** The real models of ../shared/models; tests using them are skipped when they are absent. */
public final class SharedModels {

    private SharedModels() {
    }

    public static Path model(String file) {
        Path p = TestData.projectRoot().resolve("../shared/models").resolve(file).normalize();
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared model not present: " + p);
        return p;
    }
}

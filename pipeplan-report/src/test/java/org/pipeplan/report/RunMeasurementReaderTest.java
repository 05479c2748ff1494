package org.pipeplan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.io.InputException;
import org.pipeplan.testing.TestData;

class RunMeasurementReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsWhatRunWrites() {
        Path f = TestData.write(dir, "run.json", """
                {"format": "pipeplan-run", "version": 1, "model": "m", "samples": 10, "unit": "ms",
                 "stages": [{"index": 0, "device": "cpu-core-0", "nodes": 3, "predictedMs": 2.0, "measuredMs": 2.5, "utilisation": 0.9}],
                 "measured": {"throughput": 380.0, "latencyMeanMs": 2.7},
                 "predicted": {"throughput": 400.0, "latencyMs": 2.1}, "speedup": 1.0}
                """);
        RunMeasurement r = RunMeasurementReader.read(f);
        assertEquals(1, r.stages().size());
        assertEquals(-0.2, r.stages().get(0).error(), 1e-12);
        assertEquals(380.0, r.measuredThroughput());
        assertEquals(2.1, r.predictedLatencyMs());
    }

    @Test
    void otherFilesAreRefusedWithTheFileAndTheProblem() {
        Path plan = TestData.write(dir, "plan.json", "{\"format\": \"pipeplan-plan\"}");
        InputException e = assertThrows(InputException.class, () -> RunMeasurementReader.read(plan));
        assertEquals(plan + ": not a run result (format 'pipeplan-run' expected; write one with pipeplan run --out)",
                e.getMessage());
        Path bad = TestData.write(dir, "bad.json", "{\"format\": \"pipeplan-run\", \"stages\": [{\"device\": \"d\", "
                + "\"predictedMs\": -1, \"measuredMs\": 1}]}");
        e = assertThrows(InputException.class, () -> RunMeasurementReader.read(bad));
        assertEquals(bad + ": stage #0: 'predictedMs' must be a positive number", e.getMessage());
        Path broken = TestData.write(dir, "broken.json", "{");
        e = assertThrows(InputException.class, () -> RunMeasurementReader.read(broken));
        assertEquals(true, e.getMessage().startsWith(broken + ": cannot read run result: "));
    }
}

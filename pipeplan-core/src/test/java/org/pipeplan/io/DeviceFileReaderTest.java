package org.pipeplan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.device.DeviceType;

class DeviceFileReaderTest {

    @TempDir
    Path dir;

    private Path file(String type) throws IOException {
        return Files.writeString(dir.resolve("devices.json"), """
                {"format": "pipeplan-devices", "version": 1, "types": [%s]}
                """.formatted(type));
    }

    @Test
    void aHostTypeNeedsNoLinkBandwidth() throws IOException {
        Path f = file("""
                {"name": "my-cpu", "host": true, "peakFlops": 1e11, "memoryBandwidth": 2e10}""");
        DeviceType t = DeviceFileReader.read(f, DeviceFileReader.bundledCatalog()).catalog().get("my-cpu");
        assertTrue(t.host());
        assertEquals(Double.POSITIVE_INFINITY, t.linkBandwidth());
    }

    @Test
    void anAcceleratorTypeWithoutLinkBandwidthIsRefusedNamingTheField() throws IOException {
        Path f = file("""
                {"name": "my-npu", "peakFlops": 1e13, "memoryBandwidth": 8e11, "memoryBytes": 8e9}""");
        InputException e = assertThrows(InputException.class,
                () -> DeviceFileReader.read(f, DeviceFileReader.bundledCatalog()));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'linkBandwidth'")
                && e.getMessage().contains("missing"), e.getMessage());
    }
}

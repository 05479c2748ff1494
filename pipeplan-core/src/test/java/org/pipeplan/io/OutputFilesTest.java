package org.pipeplan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Output and input paths that are not plain files (issue 21): nothing clobbered, nothing left, no hang. */
class OutputFilesTest {

    @TempDir
    Path dir;

    private static boolean mkfifo(Path p) throws Exception {
        return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
    }

    private long filesIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.count();
        }
    }

    @Test
    void aRegularFileIsReplacedWholeAndKeepsItsPermissions() throws IOException {
        Path out = dir.resolve("plan.json");
        OutputFiles.writeString(out, "first");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw----"));
        OutputFiles.writeString(out, "second");
        assertEquals("second", Files.readString(out));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(1, filesIn(dir));
    }

    @Test
    void aLinkPlantedAtTheOldTemporaryNameIsNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
        Path out = dir.resolve("plan.json");
        Files.createSymbolicLink(dir.resolve("plan.json.tmp"), victim);
        OutputFiles.writeString(out, "plan");
        assertEquals("precious", Files.readString(victim));
        assertEquals("plan", Files.readString(out));
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Path real = Files.writeString(dir.resolve("real.json"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        OutputFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
    }

    @Test
    void devicesAreWrittenPlainlyAndAFullDeviceIsAnError() {
        assumeTrue(Files.exists(Path.of("/dev/null")) && Files.exists(Path.of("/dev/full")));
        OutputFiles.writeString(Path.of("/dev/null"), "discarded");
        InputException e = assertThrows(InputException.class, () -> OutputFiles.writeString(Path.of("/dev/full"), "x".repeat(1 << 16)));
        assertTrue(e.getMessage().startsWith("/dev/full: cannot write"), e.getMessage());
        assertTrue(Files.exists(Path.of("/dev/full")));
        assertFalse(Files.isRegularFile(Path.of("/dev/full")));
    }

    @Test
    void aLinkToADeviceIsWrittenThroughAndADanglingLinkIsRefused() throws IOException {
        assumeTrue(Files.exists(Path.of("/dev/null")));
        Path link = Files.createSymbolicLink(dir.resolve("out.json"), Path.of("/dev/null"));
        OutputFiles.writeString(link, "discarded");
        assertTrue(Files.isSymbolicLink(link));
        Path dangling = Files.createSymbolicLink(dir.resolve("gone.json"), dir.resolve("nothing-here"));
        InputException e = assertThrows(InputException.class, () -> OutputFiles.writeString(dangling, "x"));
        assertTrue(e.getMessage().contains("a symbolic link to nothing"), e.getMessage());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFifoIsWrittenThroughToItsReader() throws Exception {
        Path fifo = dir.resolve("out.fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return new String(in.readAllBytes());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        OutputFiles.writeString(fifo, "through the pipe");
        assertEquals("through the pipe", read.get(10, TimeUnit.SECONDS));
        assertFalse(Files.isRegularFile(fifo));
    }

    @Test
    void foldersEmptyNamesAndFailuresLeaveNothingBehind() throws IOException {
        InputException folder = assertThrows(InputException.class, () -> OutputFiles.writeString(dir, "x"));
        assertTrue(folder.getMessage().contains("it is a folder"), folder.getMessage());
        InputException empty = assertThrows(InputException.class, () -> OutputFiles.writeString(Path.of(""), "x"));
        assertTrue(empty.getMessage().contains("output file name is empty"), empty.getMessage());
        Path out = dir.resolve("half.json");
        assertThrows(InputException.class, () -> OutputFiles.write(out, o -> {
            o.write("half".getBytes());
            throw new IOException("disk on fire");
        }));
        assertEquals(0, filesIn(dir));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void inputsThatAreNotRegularFilesAreRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("in.fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        InputException e = assertThrows(InputException.class, () -> JsonFields.parse(fifo));
        assertTrue(e.getMessage().contains("in.fifo: is not a regular file"), e.getMessage());
        InputException d = assertThrows(InputException.class, () -> JsonFields.parse(dir));
        assertTrue(d.getMessage().contains("is a folder"), d.getMessage());
        InputException n = assertThrows(InputException.class, () -> JsonFields.parse(dir.resolve("absent.json")));
        assertTrue(n.getMessage().endsWith("absent.json: no such file"), n.getMessage());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.json"), dir.resolve("gone.json"));
        InputException l = assertThrows(InputException.class, () -> JsonFields.parse(dangling));
        assertTrue(l.getMessage().contains("a symbolic link to a file that does not exist"), l.getMessage());
    }

    @Test
    void anUnreadableFileSaysPermissionDenied() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads every file");
        Path secret = Files.writeString(dir.resolve("secret.json"), "{}");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        InputException e = assertThrows(InputException.class, () -> JsonFields.parse(secret));
        assertTrue(e.getMessage().endsWith("secret.json: cannot read: permission denied"), e.getMessage());
    }
}

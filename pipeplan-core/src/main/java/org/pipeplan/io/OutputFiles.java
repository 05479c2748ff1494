package org.pipeplan.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the files a command produces without ever leaving half a file or replacing something that
 * is not a file.
 *
 * <ul>
 *   <li>A regular file (or a new name) is written to a fresh temporary file created exclusively in
 *       the same folder (so a link planted at a guessable name is never followed), then renamed over
 *       the target; the temporary file is removed on every failure.</li>
 *   <li>A symbolic link is written through: the file it points to is replaced the same way, and the
 *       link stays.</li>
 *   <li>A character device or a FIFO ({@code /dev/stdout}, {@code /dev/null}, a pipe from the shell)
 *       is written plainly, since writing to it is what the user asked; a write that fails there
 *       ({@code /dev/full}) is an error.</li>
 *   <li>A folder, or any other kind of file, is refused.</li>
 * </ul>
 */
public final class OutputFiles {

    /** Writes the bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFiles() {
    }

    public static void writeString(Path file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(bytes));
    }

    /** Writes {@code content} to {@code file}; an {@link InputException} names the file and the reason. */
    public static void write(Path file, Content content) {
        if (file.toString().isEmpty()) {
            throw new InputException("command line", "the output file name is empty");
        }
        Path target = file;
        BasicFileAttributes attributes = attributes(file);
        if (attributes != null && attributes.isSymbolicLink()) {
            BasicFileAttributes end = followed(file);
            if (end == null) {
                throw new InputException(file, "cannot write: a symbolic link to nothing");
            }
            if (!end.isRegularFile()) {
                // /dev/stdout and the like: links to a terminal or a pipe, written through the link
                if (end.isDirectory()) {
                    throw new InputException(file, "cannot write: it is a folder");
                }
                if (!isStreamLike(file)) {
                    throw new InputException(file, "cannot write: not a regular file");
                }
                writePlainly(file, file, content);
                return;
            }
            try {
                target = file.toRealPath();
            } catch (IOException e) {
                throw new InputException(file, "cannot write: " + reason(e));
            }
            attributes = end;
        }
        if (attributes != null && attributes.isDirectory()) {
            throw new InputException(file, "cannot write: it is a folder");
        }
        if (attributes != null && !attributes.isRegularFile()) {
            if (isStreamLike(target)) {
                writePlainly(file, target, content);
                return;
            }
            throw new InputException(file, "cannot write: not a regular file");
        }
        writeReplacing(file, target, content);
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static BasicFileAttributes followed(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Character devices and FIFOs: Java's attributes call them "other"; both accept a plain write. */
    private static boolean isStreamLike(Path target) {
        try {
            Object mode = Files.getAttribute(target, "unix:mode");
            int type = (Integer) mode & 0170000;
            return type == 0020000 || type == 0010000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void writePlainly(Path named, Path target, Content content) {
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
            content.writeTo(out);
        } catch (IOException e) {
            throw new InputException(named, "cannot write: " + reason(e));
        }
    }

    private static void writeReplacing(Path named, Path target, Content content) {
        Path folder = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (folder != null) {
                Files.createDirectories(folder);
            }
            try {
                tmp = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
            } catch (IOException e) {
                // /proc, a read-only mount: the file may exist, but nothing new can be made beside it
                throw new InputException(named, "cannot write: no new file can be made in " + folder + " ("
                        + (e instanceof java.nio.file.NoSuchFileException ? "it takes none" : reason(e)) + ")");
            }
            // a temporary file is private (0600); the result gets the replaced file's permissions, or the usual 0644
            Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--"));
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new InputException(named, "cannot write: " + reason(e));
        } catch (UncheckedIOException e) {
            throw new InputException(named, "cannot write: " + reason(e.getCause()));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the folder refuses changes: nothing was left there either
                }
            }
        }
    }

    /** The operating system's reason, without the path Java repeats in front of it. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such folder";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}

package org.pipeplan.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens the files a command reads. Only regular files are read: a FIFO or a device would block
 * or never end, and a folder is a mistake, so each is refused with a one-line error before any
 * byte is read. The stream stops at the size the file had when opened, and fails if the file grows
 * past a limit while being read.
 */
public final class InputFiles {

    private InputFiles() {
    }

    /** Checks that {@code file} is a readable regular file and returns its size in bytes. */
    public static long check(Path file) {
        if (file.toString().isEmpty()) {
            throw new InputException("command line", "the input file name is empty");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new InputException(file, Files.isSymbolicLink(file) ? "a symbolic link to a file that does not exist"
                    : "no such file");
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + OutputFiles.reason(e));
        }
        if (a.isDirectory()) {
            throw new InputException(file, "is a folder, not a file");
        }
        if (!a.isRegularFile()) {
            throw new InputException(file, "is not a regular file (a FIFO, socket or device); give a file");
        }
        if (!Files.isReadable(file)) {
            throw new InputException(file, "cannot read: permission denied");
        }
        return a.size();
    }

    /** Checks that {@code dir} is a folder that can be listed. */
    public static void checkFolder(Path dir) {
        if (!Files.exists(dir)) {
            throw new InputException(dir, "no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir, "is not a folder");
        }
        if (!Files.isReadable(dir)) {
            throw new InputException(dir, "cannot read: permission denied");
        }
    }

    /**
     * Opens a regular file of at most {@code limit} bytes; {@code what} names the limit in the
     * message ("JSON inputs").
     */
    public static InputStream open(Path file, long limit, String what) {
        long size = check(file);
        if (size > limit) {
            throw new InputException(file, size + " bytes, more than the " + limit + "-byte limit on " + what);
        }
        try {
            return new Bounded(Files.newInputStream(file), file, limit, what);
        } catch (AccessDeniedException e) {
            throw new InputException(file, "cannot read: permission denied");
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + OutputFiles.reason(e));
        }
    }

    /** Fails once more than the limit has been read (a file that grows while it is read). */
    private static final class Bounded extends FilterInputStream {
        private final Path file;
        private final long limit;
        private final String what;
        private long read;

        Bounded(InputStream in, Path file, long limit, String what) {
            super(in);
            this.file = file;
            this.limit = limit;
            this.what = what;
        }

        private void count(long n) {
            if (n > 0) {
                read += n;
                if (read > limit) {
                    throw new InputException(file, "grew past the " + limit + "-byte limit on " + what + " while read");
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count(k);
            return k;
        }
    }
}

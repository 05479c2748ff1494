package org.pipeplan.io;

import java.nio.file.Path;

/**
 * Input that cannot be used: the message is one line that names the file and what is wrong with it.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;

    public InputException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public InputException(Path file, String problem) {
        this(file.toString(), problem);
    }

    /** The file (or other source) the input came from. */
    public String source() {
        return source;
    }
}

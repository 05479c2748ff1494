package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs the command line in-process for the tests, and checks how it fails. */
final class Cli {

    private Cli() {
    }

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
    }

    /** The project root: the nearest folder upwards with the bundled examples. */
    static Path root() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isDirectory(d.resolve("examples"))) {
            d = d.getParent();
        }
        return d;
    }

    /** Runs the command line; empty arguments are left out. */
    static Run run(String... args) {
        args = Arrays.stream(args).filter(a -> !a.isEmpty()).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipeplanCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The command line in a JVM of its own (signals, environment variables), on the tests' class path. */
    static ProcessBuilder process(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[args.length + 4];
        command[0] = java;
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = PipeplanCommand.class.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        return new ProcessBuilder(command);
    }

    /** The run failed with this status and one clear line naming the problem, without a stack trace. */
    static void assertCleanError(Run r, int code, String message) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}

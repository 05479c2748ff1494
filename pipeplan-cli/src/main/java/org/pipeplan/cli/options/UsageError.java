package org.pipeplan.cli.options;

/**
 * A command line that lacks what picocli cannot know is required (a model FILE or --model): a
 * usage error, exit status 2, like the parse errors picocli reports itself.
 */
public final class UsageError extends RuntimeException {

    public UsageError(String message) {
        super(message);
    }
}

package org.pipeplan.cli.output;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.pipeplan.planner.ProgressListener;

/**
 * Shows solver progress on standard error, only for phases that last more than a second: a
 * progress bar on a terminal, one line when the phase starts and one when it ends otherwise.
 */
public final class TerminalProgress implements ProgressListener {

    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;

    private final PrintStream err;
    private final boolean interactive;
    private String phase;
    private long total;
    private long started;
    private long done;
    private ProgressBar bar;
    private boolean announced;
    private long lastLine;
    private String lastMessage = "";

    TerminalProgress(PrintStream err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    public static ProgressListener forTerminal(boolean quiet) {
        return quiet ? ProgressListener.NONE : new TerminalProgress(System.err, System.console() != null);
    }

    @Override
    public synchronized void begin(String name, long steps) {
        end();
        phase = name;
        total = steps;
        done = 0;
        started = System.nanoTime();
    }

    @Override
    public synchronized void advance(long value) {
        done = value;
        if (phase == null) {
            return;
        }
        showIfSlow();
        if (bar != null) {
            if (total < 0) {
                bar.maxHint(-1);
            }
            bar.stepTo(value);
        }
    }

    /** Without a terminal, status messages become lines, at most one a second and only when they change. */
    @Override
    public synchronized void message(String text) {
        showIfSlow();
        if (bar != null) {
            bar.setExtraMessage(" " + text);
        } else if (announced && !text.equals(lastMessage) && System.nanoTime() - lastLine >= SHOW_AFTER_NANOS) {
            err.printf("  %s %s s: %s%n", phase, TextTable.seconds((System.nanoTime() - started) / 1e9), text);
            lastLine = System.nanoTime();
            lastMessage = text;
        }
    }

    @Override
    public synchronized void end() {
        if (bar != null) {
            bar.stepTo(total > 0 ? total : done);
            bar.close();
            bar = null;
        } else if (announced) {
            err.printf("  %s: done in %s s%n", phase, TextTable.seconds((System.nanoTime() - started) / 1e9));
        }
        announced = false;
        phase = null;
    }

    private void showIfSlow() {
        if (phase == null || bar != null || announced || System.nanoTime() - started < SHOW_AFTER_NANOS) {
            return;
        }
        if (interactive) {
            bar = new ProgressBarBuilder()
                    .setTaskName(phase)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(err))
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .build();
            bar.stepTo(done);
        } else {
            err.printf("  %s ...%n", phase);
            announced = true;
        }
    }
}

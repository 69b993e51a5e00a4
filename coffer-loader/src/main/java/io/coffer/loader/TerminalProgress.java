package io.coffer.loader;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows progress of the passes over a file. On a terminal: one redrawn line with a bar, rows, MB/s and ETA,
 * at most every 200 ms. Elsewhere (CI, a log file): a plain line every 5 s and one per finished pass.
 * Used from the thread doing the pass only.
 */
public final class TerminalProgress implements ProgressListener {
    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier clock;
    private String phase = "";
    private long total = -1;
    private long started;
    private long lastDraw;

    public TerminalProgress(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = nanoClock;
        this.intervalNanos = terminal ? 200_000_000L : 5_000_000_000L;
    }

    /** For the CLI: progress on standard error, a bar when it is a terminal. */
    public static TerminalProgress forConsole() {
        return new TerminalProgress(System.err, isTerminal(), System::nanoTime);
    }

    /** Whether the JVM is attached to an interactive terminal (JDK 22+ asks the console; before, any console is one). */
    static boolean isTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public void start(String newPhase, long totalBytes) {
        phase = newPhase;
        total = totalBytes;
        started = clock.getAsLong();
        lastDraw = started;
    }

    @Override
    public void progress(long rows, long bytes) {
        long now = clock.getAsLong();
        if (now - lastDraw < intervalNanos) {
            return;
        }
        lastDraw = now;
        String line = line(rows, bytes, now);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void finish(long rows, long bytes) {
        long now = clock.getAsLong();
        double secs = Math.max(1e-9, (now - started) / 1e9);
        String done = String.format(Locale.ROOT, "%s: %,d rows, %s in %.1f s (%.1f MB/s)", phase, rows, mb(bytes), secs,
                bytes / 1e6 / secs);
        out.println((terminal ? "\r" : "") + done + (terminal ? "\u001b[K" : ""));
        out.flush();
    }

    String line(long rows, long bytes, long now) {
        double secs = Math.max(1e-9, (now - started) / 1e9);
        double rate = bytes / secs;
        StringBuilder b = new StringBuilder(phase).append(": ");
        if (total > 0) {
            double f = Math.min(1, (double) bytes / total);
            if (terminal) {
                int filled = (int) (f * BAR);
                b.append('[').append("=".repeat(filled)).append(filled < BAR ? ">" : "")
                        .append(" ".repeat(Math.max(0, BAR - filled - 1))).append("] ");
            }
            b.append(String.format(Locale.ROOT, "%3.0f%% ", f * 100));
        }
        b.append(String.format(Locale.ROOT, "%,d rows, %s", rows, mb(bytes)));
        if (total > 0) {
            b.append(" of ").append(mb(total));
        }
        b.append(String.format(Locale.ROOT, ", %.1f MB/s", rate / 1e6));
        if (total > 0 && rate > 0) {
            long eta = (long) ((total - bytes) / rate);
            b.append(String.format(Locale.ROOT, ", ETA %d:%02d", eta / 60, eta % 60));
        }
        return b.toString();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}

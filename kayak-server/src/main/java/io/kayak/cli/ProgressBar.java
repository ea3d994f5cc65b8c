package io.kayak.cli;

import java.io.PrintStream;

/** A one-line progress bar redrawn in place with a carriage return. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final int total;
    /** Redrawing in place only makes sense on a terminal; elsewhere (CI logs) only the final line is printed. */
    private final boolean terminal = System.console() != null;
    private int drawn = -1;

    ProgressBar(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    void update(int done, String note) {
        int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
        if ((!terminal || filled == drawn) && done < total) {
            return;
        }
        drawn = filled;
        out.print("\r  " + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/"
                + total + (note.isEmpty() ? "" : "  " + note) + "   ");
        out.flush();
    }

    void finish() {
        out.println();
    }
}

package io.kayak.core.check;

import java.io.IOException;

/** A history file that does not follow the format of {@link HistoryFile}, with the offending line. */
public final class HistoryFormatException extends IOException {
    private final int line;

    public HistoryFormatException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based line number of the problem. */
    public int line() {
        return line;
    }
}

package io.kayak.core.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.stream.Collectors;

/**
 * The last events of a simulation, kept for the failure report. Lines are formatted only when dumped: a run adds
 * one for every delivered message and almost never prints them, so formatting each at once cost a good share of
 * the simulator's time. Details must be immutable (messages are) or already strings.
 */
final class Trace {
    private record Line(long time, String text, Object detail) {
        @Override
        public String toString() {
            return String.format("%8d ms  %s", time, detail == null ? text : text + detail);
        }
    }

    private final int capacity;
    private final Deque<Line> lines = new ArrayDeque<>();

    Trace(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    void add(long time, String line) {
        add(time, line, null);
    }

    /** Adds {@code text} followed by {@code detail}, which is turned into text only if the trace is dumped. */
    void add(long time, String text, Object detail) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(new Line(time, text, detail));
    }

    String dump() {
        return lines.stream().map(Line::toString).collect(Collectors.joining("\n"));
    }
}

package io.kayak.core.sim;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last events of a simulation, kept for the failure report. */
final class Trace {
    private final int capacity;
    private final Deque<String> lines = new ArrayDeque<>();

    Trace(int capacity) {
        this.capacity = capacity;
    }

    void add(long time, String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(String.format("%8d ms  %s", time, line));
    }

    String dump() {
        return String.join("\n", lines);
    }
}

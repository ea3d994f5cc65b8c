package io.kayak.chaos;

import io.kayak.core.check.Command;
import io.kayak.core.check.History;
import io.kayak.core.check.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * A thread-safe front of {@link History.Builder} that stamps every event with {@link System#nanoTime()} (relative to
 * the run's start) under one lock, so times never go backwards. It also keeps, per operation, which member served it
 * and what it answered: the history format has no room for that, but a bug report needs it.
 */
final class Recorder {
    private final History.Builder builder = History.builder();
    private final long origin = System.nanoTime();
    private final List<String> notes = new ArrayList<>();
    private int ok;
    private int failed;
    private int unknown;

    synchronized int invoke(int process, Command command, String member) {
        int id = builder.invokeAt(now(), process, command);
        notes.add(id + " p" + process + " " + command + " via " + member + " at " + now() / 1_000_000 + "ms");
        return id;
    }

    synchronized void ok(int id, Response response, String detail) {
        builder.okAt(now(), id, response);
        ok++;
        note(id, "ok " + response + " " + detail);
    }

    synchronized void fail(int id, String detail) {
        builder.failAt(now(), id);
        failed++;
        note(id, "fail " + detail);
    }

    synchronized void unknown(int id, String detail) {
        builder.unknownAt(now(), id);
        unknown++;
        note(id, "unknown " + detail);
    }

    /** A free-form line in the operations log (faults, phases). */
    synchronized void event(String text) {
        notes.add("-- " + now() / 1_000_000 + "ms " + text);
    }

    synchronized History history() {
        return builder.build();
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    synchronized int ok() {
        return ok;
    }

    synchronized int failed() {
        return failed;
    }

    synchronized int unknown() {
        return unknown;
    }

    private void note(int id, String text) {
        notes.add(id + " -> " + text + " at " + now() / 1_000_000 + "ms");
    }

    private long now() {
        return System.nanoTime() - origin;
    }
}

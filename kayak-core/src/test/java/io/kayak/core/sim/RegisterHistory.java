package io.kayak.core.sim;

import io.kayak.core.Entry;
import io.kayak.core.check.Command;
import io.kayak.core.check.History;
import io.kayak.core.check.Operation;
import io.kayak.core.check.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the simulation's workload as clients of a key-value store would see it, so the linearizability checker can
 * judge the whole run: every proposal is a write of its (unique) payload to one of 32 keys, every linearizable
 * read returns the key's value in the reading member's state once it has applied the read's index.
 *
 * <p>A write completes when the first member applies it (it took effect by then); one refused at once failed; one
 * that never commits stays unknown. A read whose member crashes or that is refused
 * failed (reads change nothing).
 */
final class RegisterHistory {
    /** Enough keys that each register sees few overlapping writes, which keeps the checker's search small. */
    private static final int KEYS = 32;

    private record Write(String key, String value, long invoke, long index, long term) {
    }

    private record Read(String key, long invoke, SimNode node, int incarnation, long index) {
    }

    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, Write> pendingWrites = new HashMap<>();
    private final Map<Long, Read> pendingReads = new HashMap<>();
    /** For each key, the value written at each committed index (every member applies this same sequence). */
    private final Map<String, TreeMap<Long, String>> timeline = new HashMap<>();
    private int processes;

    static String keyOf(String value) {
        return "k" + Math.floorMod(value.hashCode(), KEYS);
    }

    void proposed(String value, SimNode proposer, long index, long term, long now) {
        pendingWrites.put(value, new Write(keyOf(value), value, now, index, term));
    }

    void refused(String value, long now) {
        operations.add(Operation.fail(processes++, Command.write(keyOf(value), value), now, now));
    }

    /**
     * {@code node} applied {@code e} (its {@code lastApplied} already counts it), which writes {@code value}, or
     * nothing when {@code value} is {@code null} (not an application entry, or a session entry).
     */
    void applied(SimNode node, String value, Entry e, long now) {
        if (value != null) {
            timeline.computeIfAbsent(keyOf(value), k -> new TreeMap<>()).put(e.index(), value);
            Write w = pendingWrites.get(value);
            // The write has taken effect once any member applies it (it is committed by then): completing it at the
            // first apply gives the tightest window that is still true, which keeps the checker's search small.
            if (w != null && w.index() == e.index() && w.term() == e.term()) {
                pendingWrites.remove(value);
                operations.add(Operation.ok(processes++, Command.write(w.key(), value), w.invoke(), now,
                        Response.written()));
            }
        }
        serveReadsOn(node, now);
    }

    void readAsked(long requestId, SimNode node, long now, String key) {
        pendingReads.put(requestId, new Read(key, now, node, node.incarnation, -1));
    }

    void readReleased(long requestId, long index, long now) {
        Read r = pendingReads.get(requestId);
        if (r != null) {
            pendingReads.put(requestId, new Read(r.key(), r.invoke(), r.node(), r.incarnation(), index));
            serveReadsOn(r.node(), now);
        }
    }

    void readFailed(long requestId, long now) {
        Read r = pendingReads.remove(requestId);
        if (r != null) {
            operations.add(Operation.fail(processes++, Command.read(r.key()), r.invoke(), now));
        }
    }

    /** Serves the released reads of {@code node} that its applied state now covers. */
    private void serveReadsOn(SimNode node, long now) {
        pendingReads.entrySet().removeIf(entry -> {
            Read r = entry.getValue();
            if (r.node() != node || r.index() < 0 || r.incarnation() != node.incarnation
                    || node.lastApplied < r.index()) {
                return false;
            }
            Map.Entry<Long, String> latest = timeline.getOrDefault(r.key(), new TreeMap<>())
                    .floorEntry(node.lastApplied);
            operations.add(Operation.ok(processes++, Command.read(r.key()), r.invoke(), now,
                    Response.read(latest == null ? null : latest.getValue())));
            return true;
        });
    }

    History build() {
        List<Operation> all = new ArrayList<>(operations);
        java.util.Set<String> observed = new java.util.HashSet<>();
        for (Operation op : operations) {
            if (op.command().kind() == Command.Kind.READ && op.response() != null && op.response().value() != null) {
                observed.add(op.response().value());
            }
        }
        for (Write w : pendingWrites.values()) {
            // An unknown write that no read ever observed can be left out: in a history of plain writes and reads
            // (no compare-and-set here), a linearization that places it can drop it without changing any read, since
            // no read falls between it and the next write. Keeping it would only make the search explode.
            if (observed.contains(w.value())) {
                all.add(Operation.unknown(processes++, Command.write(w.key(), w.value()), w.invoke(),
                        Operation.NEVER));
            }
        }
        for (Read r : pendingReads.values()) {
            all.add(Operation.fail(processes++, Command.read(r.key()), r.invoke(), r.invoke()));
        }
        return History.of(all);
    }

    int size() {
        return operations.size() + pendingWrites.size() + pendingReads.size();
    }
}

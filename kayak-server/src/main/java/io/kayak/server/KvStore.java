package io.kayak.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated map: written only by the applier thread, in log order; read from any thread. Also holds the
 * member directory (where each member serves clients), which travels through the log like any other command.
 */
public final class KvStore {
    private final Map<Bytes, Bytes> entries = new ConcurrentHashMap<>();
    private final Map<String, Endpoints> directory = new ConcurrentHashMap<>();

    /**
     * Where a member serves clients.
     *
     * @param http its HTTP address
     * @param resp its RESP address, or empty when it serves no RESP
     */
    public record Endpoints(String http, String resp) {
    }

    /** Applies {@code command} at log index {@code index}. */
    Outcome apply(long index, Command command) {
        if (command instanceof Command.Put p) {
            entries.put(p.key(), p.value());
            return Outcome.of(index, Outcome.Status.WRITTEN);
        } else if (command instanceof Command.Cas c) {
            boolean swapped = entries.replace(c.key(), c.expected(), c.value());
            return Outcome.of(index, swapped ? Outcome.Status.SWAPPED : Outcome.Status.NOT_SWAPPED);
        } else if (command instanceof Command.Delete d) {
            return Outcome.of(index, entries.remove(d.key()) != null ? Outcome.Status.DELETED : Outcome.Status.ABSENT);
        } else if (command instanceof Command.Incr i) {
            return increment(index, i.key());
        }
        Command.Register r = (Command.Register) command;
        directory.put(r.memberId(), new Endpoints(r.http(), r.resp()));
        return Outcome.of(index, Outcome.Status.WRITTEN);
    }

    private Outcome increment(long index, Bytes key) {
        Bytes current = entries.get(key);
        long next;
        try {
            long value = current == null ? 0 : Long.parseLong(current.utf8());
            next = Math.addExact(value, 1);
        } catch (NumberFormatException | ArithmeticException e) {
            return Outcome.of(index, Outcome.Status.NOT_A_NUMBER);
        }
        entries.put(key, Bytes.copyOf(Long.toString(next).getBytes(StandardCharsets.US_ASCII)));
        return new Outcome(index, Outcome.Status.INCREMENTED, next);
    }

    public Optional<Bytes> get(Bytes key) {
        return Optional.ofNullable(entries.get(key));
    }

    public int size() {
        return entries.size();
    }

    /** Where member {@code memberId} serves clients, once it has registered. */
    public Optional<Endpoints> endpoints(String memberId) {
        return Optional.ofNullable(directory.get(memberId));
    }
}

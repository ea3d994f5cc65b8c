package io.kayak.server;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The replicated map: written only by the applier thread, in log order; read from any thread. Also holds the
 * member directory (where each member serves clients), which travels through the log like any other command, and
 * the results of session writes ({@link SessionResults}), so a retried write is answered as its first copy was.
 *
 * <p>Snapshots: {@link #view()} copies the map's references (not the keys and values, which are immutable) into a
 * {@link View} that streams one event per key, per member and per remembered result, each event the {@link Command}
 * that recreates it;
 * {@link #restore} rebuilds the whole map from such events and swaps it in at once, so readers see the old state or
 * the new one, never a mix.
 */
public final class KvStore {
    private volatile Contents contents;

    /**
     * Where a member serves clients.
     *
     * @param http its HTTP address
     * @param resp its RESP address, or empty when it serves no RESP
     */
    public record Endpoints(String http, String resp) {
    }

    /** The map, the member directory and the session results, replaced as one by {@link #restore}. */
    private record Contents(Map<Bytes, Bytes> entries, Map<String, Endpoints> directory, SessionResults results) {
        Contents(int resultsCap) {
            this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new SessionResults(resultsCap));
        }
    }

    private final int resultsCap;

    public KvStore() {
        this(SessionResults.CAP);
    }

    /** With another cap on the remembered session results (tests). */
    KvStore(int resultsCap) {
        this.resultsCap = resultsCap;
        this.contents = new Contents(resultsCap);
    }

    /**
     * A point-in-time copy of the store for a snapshot: {@link #count()} events, streamed by {@link #events()}
     * (a {@code PUT} per key, a {@code REGISTER} per member, a {@code REMEMBERED} per session result, oldest
     * first). Holds the map's references, so it costs one map entry per key, not a copy of the data.
     */
    public static final class View {
        private final Map<Bytes, Bytes> entries;
        private final Map<String, Endpoints> directory;
        private final List<Command.Remembered> results;

        private View(Contents c) {
            this.entries = new HashMap<>(c.entries());
            this.directory = new HashMap<>(c.directory());
            this.results = c.results().events();
        }

        public long count() {
            return entries.size() + directory.size() + results.size();
        }

        /** The events, encoded one at a time as they are read. */
        public Iterator<byte[]> events() {
            Iterator<Map.Entry<Bytes, Bytes>> keys = entries.entrySet().iterator();
            Iterator<Map.Entry<String, Endpoints>> members = directory.entrySet().iterator();
            Iterator<Command.Remembered> remembered = results.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return keys.hasNext() || members.hasNext() || remembered.hasNext();
                }

                @Override
                public byte[] next() {
                    if (keys.hasNext()) {
                        Map.Entry<Bytes, Bytes> e = keys.next();
                        return new Command.Put(e.getKey(), e.getValue()).encode();
                    }
                    if (members.hasNext()) {
                        Map.Entry<String, Endpoints> m = members.next();
                        return new Command.Register(m.getKey(), m.getValue().http(), m.getValue().resp()).encode();
                    }
                    return remembered.next().encode();
                }
            };
        }
    }

    /** Applies {@code command} at log index {@code index}. */
    Outcome apply(long index, Command command) {
        Contents c = contents;
        if (command instanceof Command.SessionWrite s) {
            Outcome outcome = apply(index, s.write());
            c.results().record(s.at(), outcome);
            return outcome;
        } else if (command instanceof Command.Remembered) {
            throw new IllegalArgumentException("a snapshot event is not applied from the log");
        } else if (command instanceof Command.Put p) {
            c.entries().put(p.key(), p.value());
            return Outcome.of(index, Outcome.Status.WRITTEN);
        } else if (command instanceof Command.Cas cas) {
            boolean swapped = c.entries().replace(cas.key(), cas.expected(), cas.value());
            return Outcome.of(index, swapped ? Outcome.Status.SWAPPED : Outcome.Status.NOT_SWAPPED);
        } else if (command instanceof Command.Delete d) {
            return Outcome.of(index, c.entries().remove(d.key()) != null ? Outcome.Status.DELETED
                    : Outcome.Status.ABSENT);
        } else if (command instanceof Command.Incr i) {
            return increment(c, index, i.key());
        }
        Command.Register r = (Command.Register) command;
        c.directory().put(r.memberId(), new Endpoints(r.http(), r.resp()));
        return Outcome.of(index, Outcome.Status.WRITTEN);
    }

    private static Outcome increment(Contents c, long index, Bytes key) {
        Bytes current = c.entries().get(key);
        long next;
        try {
            long value = current == null ? 0 : Long.parseLong(current.utf8());
            next = Math.addExact(value, 1);
        } catch (NumberFormatException | ArithmeticException e) {
            return Outcome.of(index, Outcome.Status.NOT_A_NUMBER);
        }
        c.entries().put(key, Bytes.copyOf(Long.toString(next).getBytes(StandardCharsets.US_ASCII)));
        return new Outcome(index, Outcome.Status.INCREMENTED, next);
    }

    /** A copy for a snapshot; the caller keeps the applier out while it is taken. */
    View view() {
        return new View(contents);
    }

    /**
     * Replaces the whole store by the state the snapshot events describe ({@code next} returns {@code null} after
     * the last one). The new state is built aside and swapped in at once.
     *
     * @throws IllegalArgumentException when an event is not a {@code PUT}, {@code REGISTER} or {@code REMEMBERED}
     *                                  command
     */
    void restore(Supplier<byte[]> next) {
        Contents fresh = new Contents(resultsCap);
        for (byte[] event = next.get(); event != null; event = next.get()) {
            Command command = Command.decode(event);
            if (command instanceof Command.Put p) {
                fresh.entries().put(p.key(), p.value());
            } else if (command instanceof Command.Register r) {
                fresh.directory().put(r.memberId(), new Endpoints(r.http(), r.resp()));
            } else if (command instanceof Command.Remembered m) {
                fresh.results().restore(m);
            } else {
                throw new IllegalArgumentException("a snapshot holds only PUT, REGISTER and REMEMBERED events, not "
                        + command);
            }
        }
        contents = fresh;
    }

    public Optional<Bytes> get(Bytes key) {
        return Optional.ofNullable(contents.entries().get(key));
    }

    public int size() {
        return contents.entries().size();
    }

    /**
     * The result the session write {@code sequence} of {@code session} had when applied, unless it was never applied
     * (here, yet) or is forgotten (see {@link SessionResults} for the bounds).
     */
    public Optional<Outcome> remembered(long session, long sequence) {
        return contents.results().find(session, sequence);
    }

    /** How many session results are remembered. */
    public int rememberedResults() {
        return contents.results().size();
    }

    /** Where member {@code memberId} serves clients, once it has registered. */
    public Optional<Endpoints> endpoints(String memberId) {
        return Optional.ofNullable(contents.directory().get(memberId));
    }
}

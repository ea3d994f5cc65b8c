package io.kayak.example.embedded;

import io.kayak.CapturedState;
import io.kayak.ClosedException;
import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.MemberRemovedException;
import io.kayak.OutOfBoundsException;
import io.kayak.Snapshot;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A string map replicated by Kayak. Every member runs one on its {@link Host}: a thread applies the committed log to
 * the map and acknowledges each entry, the map hands Kayak snapshots of itself so the log stays short, and it
 * rebuilds from the newest snapshot when it starts and whenever its entries were compacted while it lagged.
 *
 * <p>A command, like a snapshot event, is {@code key=value} in UTF-8, so keys must not contain {@code '='}.
 */
public final class KeyValueStore implements AutoCloseable {
    private final Host host;
    private final Thread applier;
    /** Guards {@code map} and {@code applied}, which change together; snapshots take it too. */
    private final Object lock = new Object();
    private Map<String, String> map = new HashMap<>();
    private long applied;
    private volatile boolean closed;
    private volatile Listener listener;

    /** Starts applying {@code host}'s log and offers it snapshots of the map. */
    public KeyValueStore(Host host) {
        this.host = host;
        host.log().snapshotProvider(this::capture);
        this.applier = new Thread(this::applyUntilClosed, "kv-applier-" + host.id());
        applier.start();
    }

    /**
     * Writes {@code key=value} through the log from this member, and completes once this member's map holds it, so
     * that {@link #getLocal} here sees the write right after.
     */
    public CompletableFuture<Void> put(String key, String value) {
        if (key.isEmpty() || key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("a key is not empty and has no '=': " + key);
        }
        byte[] command = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
        // append completes once the entry is committed; the map may not have applied it yet, hence the sync.
        return host.log().append(command).thenCompose(entry -> host.sync().sync(entry.index()));
    }

    /** A linearizable read: sees every write completed before it was called, whichever member wrote it. */
    public CompletableFuture<String> get(String key) {
        return host.sync().read(() -> getLocal(key));
    }

    /** What this member's map holds now: fast, but possibly behind the other members. */
    public String getLocal(String key) {
        synchronized (lock) {
            return map.get(key);
        }
    }

    /** How many keys this member's map holds now. */
    public int size() {
        synchronized (lock) {
            return map.size();
        }
    }

    private void applyUntilClosed() {
        while (!closed) {
            try (Listener l = host.log().listen(rebuild(), 1024)) {
                listener = l;
                while (!closed) { // close() may have missed this listener: look again before waiting
                    apply(l.next());
                }
            } catch (OutOfBoundsException compacted) {
                // this member installed a newer snapshot while the listener lagged: rebuild from it
            } catch (ClosedException | MemberRemovedException | InterruptedException stopped) {
                return;
            }
        }
    }

    private void apply(Entry entry) {
        synchronized (lock) {
            if (entry.kind() == EntryKind.NORMAL) {
                put(map, entry.payload());
            }
            applied = entry.index();
            // Acknowledged under the lock capture() takes, so a snapshot never covers an index not acknowledged.
            host.sync().ack(applied);
        }
    }

    private static void put(Map<String, String> target, byte[] command) {
        String text = new String(command, StandardCharsets.UTF_8);
        int eq = text.indexOf('=');
        target.put(text.substring(0, eq), text.substring(eq + 1));
    }

    /** Resets the map to the newest snapshot (empty without one); returns the index to listen from. */
    private long rebuild() {
        Map<String, String> rebuilt = new HashMap<>();
        long until = 0;
        Optional<Snapshot> newest = host.log().snapshot();
        if (newest.isPresent()) {
            try (Snapshot snapshot = newest.get()) {
                for (byte[] event = snapshot.next(); event != null; event = snapshot.next()) {
                    put(rebuilt, event);
                }
                until = snapshot.lastIndex();
            }
        }
        synchronized (lock) {
            map = rebuilt;
            applied = until;
            host.sync().ack(until);
        }
        return until + 1;
    }

    /** A copy of the map and the index it reflects, for Kayak to write as a snapshot. */
    private CapturedState capture() {
        long until;
        Map<String, String> copy;
        synchronized (lock) {
            if (applied == 0) {
                return null; // nothing to snapshot yet
            }
            until = applied;
            copy = new HashMap<>(map);
        }
        Iterator<byte[]> events = copy.entrySet().stream()
                .map(e -> (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8))
                .iterator();
        return CapturedState.of(until, copy.size(), events);
    }

    /** Stops applying; the host keeps running. */
    @Override
    public void close() {
        closed = true;
        Listener l = listener;
        if (l != null) {
            l.close();
        }
        try {
            host.log().snapshotProvider(null);
        } catch (ClosedException | MemberRemovedException hostGone) {
            // nothing to unregister from
        }
        try {
            applier.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

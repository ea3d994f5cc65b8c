package io.kayak.guide;

import io.kayak.CapturedState;
import io.kayak.ClosedException;
import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.MemberRemovedException;
import io.kayak.NotLeaderException;
import io.kayak.OutOfBoundsException;
import io.kayak.OverloadedException;
import io.kayak.Snapshot;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A string map replicated by Kayak: every member applies the same log, so every member holds the same map.
 * Commands and snapshot events are both {@code key=value} in UTF-8, so a key must not contain {@code '='}.
 */
public final class ReplicatedMap implements AutoCloseable {
    private final Host host;
    private final Thread applier;
    /** Guards {@code state} and {@code applied}: they change together, and a snapshot must see both at once. */
    private final Object lock = new Object();
    private Map<String, String> state = new HashMap<>();
    /** The index of the last entry {@code state} reflects; acknowledged to Kayak under {@code lock}. */
    private long applied;
    private volatile boolean closed;
    private volatile Listener listener;

    /** Starts applying {@code host}'s log, from its newest snapshot on, and offers Kayak snapshots of the map. */
    public ReplicatedMap(Host host) {
        this.host = host;
        host.log().snapshotProvider(this::capture);
        this.applier = new Thread(this::applyUntilClosed, "map-applier-" + host.id());
        this.applier.start();
    }

    /** Writes through the log, from any member; completes with the entry once it is committed. */
    public CompletableFuture<Entry> put(String key, String value) {
        return host.log().append(command(key, value));
    }

    private static byte[] command(String key, String value) {
        if (key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("a key must not contain '=': " + key);
        }
        return (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Like {@link #put}, retrying the failures that guarantee nothing was appended. An append whose outcome is
     * unknown is not retried here: it may still commit, and a retry could apply it twice.
     */
    public CompletableFuture<Entry> putRetrying(String key, String value, int attempts) {
        return put(key, value).exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            boolean nothingAppended = cause instanceof OverloadedException || cause instanceof NotLeaderException;
            if (!nothingAppended || attempts <= 1) {
                return CompletableFuture.failedFuture(cause);
            }
            // Back off a little: an overloaded member needs its pending appends to drain first.
            Executor later = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);
            return CompletableFuture.runAsync(() -> { }, later)
                    .thenCompose(ignored -> putRetrying(key, value, attempts - 1));
        });
    }

    /**
     * Writes, then waits until this member's own map reflects the write: afterwards {@link #getLocal} on this
     * member sees it (or something newer).
     */
    public CompletableFuture<Void> putAndWait(String key, String value) {
        return put(key, value).thenCompose(entry -> host.sync().sync(entry.index()));
    }

    /** A linearizable read: sees every put that completed before it was called, on any member. */
    public CompletableFuture<String> get(String key) {
        return host.sync().read(() -> getLocal(key));
    }

    /** A fast local read: what this member has applied so far, possibly behind the leader. */
    public String getLocal(String key) {
        synchronized (lock) {
            return state.get(key);
        }
    }

    /** How many keys this member's map holds now. */
    public int size() {
        synchronized (lock) {
            return state.size();
        }
    }

    private void applyUntilClosed() {
        while (!closed) {
            try (Listener l = host.log().listen(rebuild(), 1024)) {
                listener = l;
                // close() may have run before `listener` was set, and found nothing to close: look again.
                while (!closed) {
                    apply(l.next());
                }
            } catch (OutOfBoundsException compacted) {
                // The entries this listener needed were compacted: this member installed the leader's snapshot
                // while it lagged. Rebuild from that snapshot and listen on after it.
            } catch (ClosedException | MemberRemovedException | InterruptedException stopped) {
                return; // the map or its host was closed, or the member left the cluster
            }
        }
    }

    private void apply(Entry entry) {
        synchronized (lock) {
            if (entry.kind() == EntryKind.NORMAL) {
                applyCommand(state, entry.payload());
            }
            // NOOP and CONFIG entries are Kayak's own: nothing to apply, but they are acknowledged all the same,
            // since a read barrier may name their index.
            applied = entry.index();
            // Under the lock capture() takes: whatever index a snapshot captures is acknowledged already.
            host.sync().ack(entry.index());
        }
    }

    private static void applyCommand(Map<String, String> map, byte[] command) {
        String text = new String(command, StandardCharsets.UTF_8);
        int eq = text.indexOf('=');
        map.put(text.substring(0, eq), text.substring(eq + 1));
    }

    /** The state Kayak's automatic compaction writes as a snapshot: a copy, taken under the apply lock. */
    private CapturedState capture() {
        long until;
        Map<String, String> copy;
        synchronized (lock) {
            if (applied == 0) {
                return null; // nothing applied yet: skip this round
            }
            until = applied;
            copy = new HashMap<>(state);
        }
        return CapturedState.of(until, copy.size(), events(copy));
    }

    private static Iterator<byte[]> events(Map<String, String> map) {
        return map.entrySet().stream()
                .map(e -> (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8))
                .iterator();
    }

    /**
     * Snapshots the map as it is now and compacts this member's log up to it (an operator's command; automatic
     * compaction does the same by itself once the log is long). Returns the index the snapshot covers.
     */
    public long compactNow() {
        long until;
        Map<String, String> copy;
        synchronized (lock) {
            until = applied;
            copy = new HashMap<>(state);
        }
        // Outside the lock: writing the snapshot takes a while, and the applier must not wait for it.
        host.log().compact(until, events(copy), copy.size());
        return until;
    }

    /**
     * Resets the map to this member's newest snapshot (empty when it has none) and returns the index to listen
     * from: the one after the snapshot's last.
     */
    private long rebuild() {
        Map<String, String> rebuilt = new HashMap<>();
        long until = 0;
        Optional<Snapshot> newest = host.log().snapshot();
        if (newest.isPresent()) {
            try (Snapshot snapshot = newest.get()) {
                for (byte[] event = snapshot.next(); event != null; event = snapshot.next()) {
                    applyCommand(rebuilt, event);
                }
                until = snapshot.lastIndex();
            }
        }
        synchronized (lock) {
            state = rebuilt;
            applied = until;
            host.sync().ack(until);
        }
        return until + 1;
    }

    /** Stops applying. Closing the host stops the map too; closing the map leaves the host running. */
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
            // a closed or removed host asks no provider for anything
        }
        try {
            applier.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kayak.server;

import io.kayak.CapturedState;
import io.kayak.ClosedException;
import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.OutOfBoundsException;
import io.kayak.OutcomeUnknownException;
import io.kayak.Snapshot;
import io.kayak.Entry;
import io.kayak.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Applies the committed log to a {@link KvStore} on one thread, in order, and reports progress to
 * {@code host.sync().ack} so linearizable reads can wait for it.
 *
 * <p><b>Snapshots.</b> At start the store is rebuilt from the member's newest snapshot ({@code log.snapshot()}) and
 * the log is applied from the snapshot's last index + 1 (from index 1 without a snapshot). The state machine
 * registers itself as the host's {@link io.kayak.SnapshotProvider}: a capture copies the map's references under the
 * lock that applying takes, so the copy and the index it covers agree, and streams one event per key. When the
 * listener meets a compacted index ({@link OutOfBoundsException}, e.g. after this member installed a snapshot sent
 * by the leader) the store is rebuilt from the newest snapshot the same way and applying continues after it.
 *
 * <p>The member that appended a command answers its client only once the command is applied <em>here</em>, with the
 * outcome computed by applying it: {@link #outcome(long)} hands out that outcome. Because the append future and the
 * applier race, the outcomes of the last {@link #RETAINED} indices are kept for a waiter that arrives late. Indices a
 * rebuild skips were applied by the snapshot, but their individual outcomes are unknown here: their waiters fail
 * with {@link OutcomeUnknownException}, which clients see as "outcome unknown". Session writes need neither: their
 * results are part of the replicated state ({@link #sessionOutcome}), so a snapshot carries them too.
 */
public final class StateMachine implements AutoCloseable {
    /** How many recent outcomes are kept for waiters that register after their index was applied. */
    static final int RETAINED = 1 << 16;
    /** Rebuilds in a row that may find the log still starting after the newest snapshot before giving up. */
    private static final int REBUILD_ATTEMPTS = 50;
    private static final long REBUILD_BACKOFF_MILLIS = 100;
    private static final long ACK_WAIT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(StateMachine.class);

    private final Host host;
    private final LongFunction<Listener> listen;
    private final KvStore store = new KvStore();
    /** Held while an entry is applied and while a snapshot view is taken: the view and its index then agree. */
    private final Object applying = new Object();
    private final Thread applier;
    private final Map<Long, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();
    private final Map<Long, Outcome> recent = new ConcurrentHashMap<>();
    /** Reaches an index once the store holds its effect, whether applied from the log or from a snapshot. */
    private final IndexWatch appliedWatch = new IndexWatch();
    private volatile Listener listener;
    private volatile long applied;
    private volatile long rebuiltFrom;
    private volatile boolean closed;

    public StateMachine(Host host) {
        this(host, from -> host.log().listen(from, 1024));
    }

    /** With {@code listen} opening the log listener from an index (tests wrap it to inject faults). */
    StateMachine(Host host, LongFunction<Listener> listen) {
        this.host = host;
        this.listen = listen;
        this.applier = new Thread(this::applyUntilClosed, "kv-applier-" + host.id());
        this.applier.setDaemon(true);
        this.applier.start();
        host.log().snapshotProvider(this::capture);
    }

    public KvStore store() {
        return store;
    }

    /** The highest index applied to the store. */
    public long applied() {
        return applied;
    }

    /** The last index of the snapshot the store was last rebuilt from (0 when it was built from the log alone). */
    public long rebuiltFrom() {
        return rebuiltFrom;
    }

    /**
     * Completes with the outcome of the command at {@code index} once this member has applied it. Fails with
     * {@link ClosedException} if the state machine closes first, and with {@link OutcomeUnknownException} when the
     * index was applied as part of a snapshot (or too long ago to remember its outcome).
     */
    public CompletableFuture<Outcome> outcome(long index) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        waiting.put(index, f);
        // The applier publishes `recent` before `applied`: if it got past index before we registered, the outcome
        // is already there; if not, it will find our future. A rebuild raises `applied` before it fails the
        // waiters it skipped, so a waiter registering during a rebuild is answered one way or the other.
        if (applied >= index) {
            waiting.remove(index);
            Outcome o = recent.get(index);
            if (o != null) {
                f.complete(o);
            } else {
                f.completeExceptionally(new OutcomeUnknownException("index " + index
                        + " was applied too long ago, or through a snapshot, to know its outcome"));
            }
        } else if (closed) {
            waiting.remove(index);
            f.completeExceptionally(new ClosedException("the server is stopping"));
        }
        return f;
    }

    /**
     * Completes, once this member has applied {@code index} (where the library says the first copy of the session
     * write {@code at} committed), with the result remembered for {@code at}; empty when the result is forgotten
     * ({@link SessionResults} has the bounds). Any number of callers may wait for one index: retries of one write
     * may be in flight at once.
     */
    public CompletableFuture<Optional<Outcome>> sessionOutcome(SessionSequence at, long index) {
        // Reached through a rebuild too: the snapshot carries the results of the writes it covers.
        return appliedWatch.await(index).thenApply(reached -> store.remembered(at.session(), at.sequence()));
    }

    private void applyUntilClosed() {
        try {
            long from = start();
            int fruitless = 0;
            while (!closed) {
                try (Listener l = listen.apply(from)) {
                    listener = l; // close() may have missed it: the loop condition looks again
                    while (!closed) {
                        apply(l.next());
                        fruitless = 0;
                    }
                } catch (OutOfBoundsException compacted) {
                    if (++fruitless > REBUILD_ATTEMPTS) {
                        throw new IllegalStateException("the log still starts after the newest snapshot at "
                                + (from - 1) + " after " + REBUILD_ATTEMPTS + " rebuilds", compacted);
                    }
                    if (fruitless > 1) {
                        // The log still starts beyond the snapshot just read: give an install under way a moment.
                        Thread.sleep(REBUILD_BACKOFF_MILLIS);
                    }
                    LOG.info("{}: {}; rebuilding the store from the newest snapshot", host.id(),
                            compacted.getMessage());
                    from = rebuild() + 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedException e) {
            LOG.debug("log listener closed");
        } catch (RuntimeException e) {
            LOG.error("the state machine stopped applying the log", e);
        } finally {
            closed = true;
            waiting.values().forEach(f -> f.completeExceptionally(new ClosedException("the server is stopping")));
            appliedWatch.close(() -> new ClosedException("the server is stopping"));
        }
    }

    /** The first index to apply at start: after the newest snapshot, restored first, or 1 without one. */
    private long start() {
        return host.log().snapshotIndex() > 0 ? rebuild() + 1 : 1;
    }

    /**
     * Replaces the store by the newest snapshot and returns its last index. Waiters of the indices it skips fail
     * with {@link OutcomeUnknownException}: the snapshot applied them, but their individual results are unknown.
     */
    private long rebuild() {
        Optional<Snapshot> opened = host.log().snapshot();
        if (opened.isEmpty()) {
            throw new IllegalStateException("entries were compacted away but this member has no snapshot");
        }
        long lastIndex;
        try (Snapshot s = opened.get()) {
            lastIndex = s.lastIndex();
            synchronized (applying) {
                store.restore(s::next);
                applied = Math.max(applied, lastIndex);
            }
        }
        rebuiltFrom = lastIndex;
        host.sync().ack(lastIndex);
        appliedWatch.reached(applied);
        recent.keySet().removeIf(i -> i <= lastIndex - RETAINED);
        for (Long index : waiting.keySet()) {
            if (index <= lastIndex) {
                CompletableFuture<Outcome> skipped = waiting.remove(index);
                if (skipped != null) {
                    skipped.completeExceptionally(new OutcomeUnknownException("entry " + index
                            + " was applied through a snapshot; its outcome is unknown on this member"));
                }
            }
        }
        LOG.info("{}: store rebuilt from the snapshot at {} ({} keys)", host.id(), lastIndex, store.size());
        return lastIndex;
    }

    private void apply(Entry e) {
        long index = e.index();
        Outcome outcome = null;
        Command command = null;
        if (e.kind() == EntryKind.NORMAL) {
            try {
                command = Command.decodeEntry(e.payload());
            } catch (IllegalArgumentException bad) {
                // Only this server writes to the log, so this is a newer version's command: skipping it on every
                // member alike keeps the members identical.
                LOG.warn("skipping undecodable entry {}: {}", index, bad.getMessage());
            }
        }
        synchronized (applying) {
            if (command != null) {
                outcome = store.apply(index, command);
                recent.put(index, outcome);
            }
            recent.remove(index - RETAINED);
            applied = index;
        }
        host.sync().ack(index);
        appliedWatch.reached(index);
        CompletableFuture<Outcome> waiter = waiting.remove(index);
        if (waiter != null) {
            if (outcome != null) {
                waiter.complete(outcome);
            } else {
                waiter.completeExceptionally(new IllegalStateException("entry " + index + " is not a command"));
            }
        }
    }

    /**
     * The snapshot provider: a view of the store and the index it covers, taken under the applying lock. Waits
     * for that index's acknowledgement, which the applier makes right after releasing the lock.
     */
    private CapturedState capture() throws Exception {
        long until;
        KvStore.View view;
        synchronized (applying) {
            until = applied;
            view = until == 0 ? null : store.view();
        }
        if (view == null) {
            return null; // nothing applied yet
        }
        host.sync().sync(until).get(ACK_WAIT_SECONDS, TimeUnit.SECONDS);
        Iterator<byte[]> events = view.events();
        return CapturedState.of(until, view.count(), events);
    }

    @Override
    public void close() {
        closed = true;
        Listener l = listener;
        if (l != null) {
            l.close();
        }
        try {
            applier.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            host.log().snapshotProvider(null);
        } catch (ClosedException hostAlreadyStopped) {
            // nothing to unregister from
        }
    }
}

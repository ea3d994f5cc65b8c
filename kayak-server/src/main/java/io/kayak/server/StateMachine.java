package io.kayak.server;

import io.kayak.ClosedException;
import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the committed log to a {@link KvStore} on one thread, in order, from index 1 (the store is rebuilt from
 * the log at every start), and reports progress to {@code host.sync().ack} so linearizable reads can wait for it.
 *
 * <p>The member that appended a command answers its client only once the command is applied <em>here</em>, with the
 * outcome computed by applying it: {@link #outcome(long)} hands out that outcome. Because the append future and the
 * applier race, the outcomes of the last {@link #RETAINED} indices are kept for a waiter that arrives late.
 */
public final class StateMachine implements AutoCloseable {
    /** How many recent outcomes are kept for waiters that register after their index was applied. */
    static final int RETAINED = 1 << 16;
    private static final Logger LOG = LoggerFactory.getLogger(StateMachine.class);

    private final Host host;
    private final KvStore store = new KvStore();
    private final Listener listener;
    private final Thread applier;
    private final Map<Long, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();
    private final Map<Long, Outcome> recent = new ConcurrentHashMap<>();
    private volatile long applied;
    private volatile boolean closed;

    public StateMachine(Host host) {
        this.host = host;
        this.listener = host.log().listen(1, 1024);
        this.applier = new Thread(this::applyUntilClosed, "kv-applier-" + host.id());
        this.applier.setDaemon(true);
        this.applier.start();
    }

    public KvStore store() {
        return store;
    }

    /** The highest index applied to the store. */
    public long applied() {
        return applied;
    }

    /**
     * Completes with the outcome of the command at {@code index} once this member has applied it. Fails with
     * {@link ClosedException} if the state machine closes first.
     */
    public CompletableFuture<Outcome> outcome(long index) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        waiting.put(index, f);
        // The applier publishes `recent` before `applied`: if it got past index before we registered, the outcome
        // is already there; if not, it will find our future.
        if (applied >= index) {
            waiting.remove(index);
            Outcome o = recent.get(index);
            if (o != null) {
                f.complete(o);
            } else {
                f.completeExceptionally(new IllegalStateException("index " + index
                        + " was applied too long ago to know its outcome"));
            }
        } else if (closed) {
            waiting.remove(index);
            f.completeExceptionally(new ClosedException("the server is stopping"));
        }
        return f;
    }

    private void applyUntilClosed() {
        try {
            while (!closed) {
                Entry e = listener.next();
                apply(e);
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
        }
    }

    private void apply(Entry e) {
        long index = e.index();
        Outcome outcome = null;
        if (e.kind() == EntryKind.NORMAL) {
            Command command;
            try {
                command = Command.decode(e.payload());
            } catch (IllegalArgumentException bad) {
                // Only this server writes to the log, so this is a newer version's command: skipping it on every
                // member alike keeps the members identical.
                LOG.warn("skipping undecodable entry {}: {}", index, bad.getMessage());
                command = null;
            }
            if (command != null) {
                outcome = store.apply(index, command);
            }
        }
        if (outcome != null) {
            recent.put(index, outcome);
        }
        recent.remove(index - RETAINED);
        applied = index;
        host.sync().ack(index);
        CompletableFuture<Outcome> waiter = waiting.remove(index);
        if (waiter != null) {
            if (outcome != null) {
                waiter.complete(outcome);
            } else {
                waiter.completeExceptionally(new IllegalStateException("entry " + index + " is not a command"));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.close();
        try {
            applier.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

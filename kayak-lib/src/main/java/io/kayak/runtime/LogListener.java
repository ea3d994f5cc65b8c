package io.kayak.runtime;

import io.kayak.ClosedException;
import io.kayak.Listener;
import io.kayak.OutOfBoundsException;
import io.kayak.Entry;
import io.kayak.core.CompactedException;
import io.kayak.core.LogStorage;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A {@link Listener} that reads committed entries straight from the log store on the consumer's thread, up to what
 * the raft thread has handed out as committed and durable. Nothing is pushed to it, so a slow consumer costs the
 * cluster nothing and its memory is bounded by its read-ahead buffer.
 */
final class LogListener implements Listener {
    private static final long MAX_READ_BYTES = 4L << 20;

    private final LogStorage store;
    private final AppliedWatch applied;
    private final SessionApplier sessions;
    private final int buffer;
    private final ArrayDeque<Entry> ahead = new ArrayDeque<>();
    private long position;
    private volatile boolean closed;

    LogListener(LogStorage store, AppliedWatch applied, SessionApplier sessions, long from, int buffer) {
        if (from < 1) {
            throw new OutOfBoundsException("log indices start at 1, not " + from);
        }
        if (buffer < 1) {
            throw new IllegalArgumentException("buffer must be at least 1");
        }
        this.store = store;
        this.applied = applied;
        this.sessions = sessions;
        this.position = from;
        this.buffer = buffer;
        checkNotCompacted();
    }

    @Override
    public Entry next() throws InterruptedException {
        Entry e = poll(Duration.ofDays(365));
        if (e == null) {
            throw new ClosedException("the listener was closed");
        }
        return e;
    }

    @Override
    public Entry poll(Duration timeout) throws InterruptedException {
        if (closed) {
            throw new ClosedException("the listener was closed");
        }
        if (ahead.isEmpty() && !fill(timeout.toNanos())) {
            if (closed) {
                throw new ClosedException("the listener was closed");
            }
            return null;
        }
        Entry e = ahead.poll();
        position = e.index() + 1;
        return e;
    }

    private boolean fill(long nanos) throws InterruptedException {
        long next = position;
        if (!applied.await(next, nanos, () -> closed)) {
            return false;
        }
        checkNotCompacted();
        long hi = Math.min(applied.get(), next + buffer - 1);
        List<io.kayak.core.Entry> read;
        try {
            read = store.entries(next, hi + 1, MAX_READ_BYTES);
        } catch (CompactedException e) {
            throw new OutOfBoundsException("entry " + next + " was compacted while this listener lagged");
        }
        for (io.kayak.core.Entry e : read) {
            ahead.add(ApiTypes.entry(e, sessions));
        }
        return !ahead.isEmpty();
    }

    private void checkNotCompacted() {
        long first = store.firstIndex();
        if (position < first) {
            throw new OutOfBoundsException("entry " + position + " was compacted; the log starts at " + first);
        }
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void close() {
        closed = true;
        applied.wakeAll();
    }
}

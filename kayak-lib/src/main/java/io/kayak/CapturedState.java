package io.kayak;

import java.util.Iterator;
import java.util.Objects;

/**
 * A view of the application's state that a {@link SnapshotProvider} captured: the last log index it covers, how many
 * events describe it, and the events themselves, streamed one at a time so the whole state is never copied into one
 * buffer. Rebuilding the state from the events (in order) and then applying the log from {@code until() + 1} must
 * give the application's state.
 *
 * <p>{@link #close()} runs the release action the application supplied (for instance to drop a copy-on-write view)
 * exactly once; the host always closes a captured state it received.
 */
public final class CapturedState implements AutoCloseable {
    private final long until;
    private final long count;
    private final Iterator<byte[]> events;
    private final AutoCloseable release;
    private boolean closed;

    private CapturedState(long until, long count, Iterator<byte[]> events, AutoCloseable release) {
        if (until < 1) {
            throw new IllegalArgumentException("a snapshot covers at least index 1, not " + until);
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative event count " + count);
        }
        this.until = until;
        this.count = count;
        this.events = Objects.requireNonNull(events, "events");
        this.release = Objects.requireNonNull(release, "release");
    }

    /** State covering every entry up to {@code until}, described by exactly {@code count} {@code events}. */
    public static CapturedState of(long until, long count, Iterator<byte[]> events) {
        return new CapturedState(until, count, events, () -> { });
    }

    /** Like {@link #of(long, long, Iterator)}, with {@code release} run once when the host is done with the view. */
    public static CapturedState of(long until, long count, Iterator<byte[]> events, AutoCloseable release) {
        return new CapturedState(until, count, events, release);
    }

    /** The last log index the state covers. */
    public long until() {
        return until;
    }

    /** How many events {@link #events()} yields. */
    public long count() {
        return count;
    }

    /** The events that rebuild the state; read once. */
    public Iterator<byte[]> events() {
        return events;
    }

    /** Runs the release action, once. */
    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        release.close();
    }
}

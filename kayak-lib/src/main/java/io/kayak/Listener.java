package io.kayak;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * A cursor over committed entries, created by {@link Log#listen}. Not thread-safe: one consumer thread. Closing it
 * wakes a thread blocked in {@link #next()} with {@link ClosedException}.
 */
public interface Listener extends AutoCloseable {
    /**
     * The next committed entry, waiting as long as needed.
     *
     * @throws ClosedException when the listener or its host is closed
     * @throws OutOfBoundsException when the entries it needs were compacted while it lagged
     */
    Entry next() throws InterruptedException;

    /**
     * Like {@link #next()} but gives up after {@code timeout}, returning {@code null}.
     *
     * @throws ClosedException      when the listener or its host is closed
     * @throws OutOfBoundsException when the entries it needs were compacted while it lagged
     */
    @Nullable Entry poll(Duration timeout) throws InterruptedException;

    /** The index {@link #next()} will return. */
    long position();

    /** Closes the listener, waking a thread blocked in {@link #next()}; safe to call more than once. */
    @Override
    void close();
}

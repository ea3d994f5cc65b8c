package io.kayak.runtime;

import io.kayak.ClosedException;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A monotonic index that threads can wait on: how far committed entries have been handed to the application side
 * (listeners read up to it), or how far the application acknowledged. Closing it wakes every waiter.
 */
final class AppliedWatch {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile long index;
    private volatile boolean closed;

    AppliedWatch(long initial) {
        this.index = initial;
    }

    long get() {
        return index;
    }

    void advanceTo(long value) {
        if (advanceQuietly(value)) {
            wakeAll();
        }
    }

    /**
     * Raises the index, visible to {@link #get()} at once, without waking waiters; returns whether it rose. The
     * caller must call {@link #wakeAll()} afterwards: the raft loop does so once its messages are on their way, so
     * that waking listener threads never delays them. Called from one thread only (the raft loop).
     */
    boolean advanceQuietly(long value) {
        if (value <= index) {
            return false;
        }
        // A waiter checks the index under the lock and then sleeps until woken; the wake that follows this write
        // takes the lock, so it cannot slip in between a waiter's check and its sleep.
        index = value;
        return true;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter: to see a raised index, or to look at its own cancellation flag. */
    void wakeAll() {
        lock.lock();
        try {
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the index reaches {@code target}, {@code nanos} pass, or {@code cancelled} turns true; returns
     * whether the target was reached.
     *
     * @throws ClosedException when the watch is closed first
     */
    boolean await(long target, long nanos, java.util.function.BooleanSupplier cancelled) throws InterruptedException {
        if (index >= target) {
            return true;
        }
        lock.lock();
        try {
            long remaining = nanos;
            while (index < target) {
                if (closed) {
                    throw new ClosedException("the host is closed");
                }
                if (remaining <= 0 || cancelled.getAsBoolean()) {
                    return false;
                }
                remaining = advanced.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}

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
        if (value <= index) {
            return;
        }
        lock.lock();
        try {
            if (value > index) {
                index = value;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
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

    /** Wakes every waiter so it can look at its own cancellation flag. */
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

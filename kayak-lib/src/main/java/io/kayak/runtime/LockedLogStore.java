package io.kayak.runtime;

import io.kayak.core.Entry;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a {@link LogStore} that is not thread-safe (the {@link io.kayak.core.MemoryLogStore} of an in-memory member)
 * safe to share between the raft thread (reads), the log writer (writes) and listeners (reads). The write-ahead log
 * locks itself and is used as it is: one lock per store. {@link #sync()} runs outside the lock, so a slow fsync never blocks readers; the wrapped store must
 * allow a sync concurrent with reads and appends (the write-ahead log and the memory store do).
 */
final class LockedLogStore implements LogStore {
    private final LogStore delegate;
    private final ReentrantLock lock = new ReentrantLock();

    LockedLogStore(LogStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public long firstIndex() {
        lock.lock();
        try {
            return delegate.firstIndex();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lastIndex() {
        lock.lock();
        try {
            return delegate.lastIndex();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long term(long index) {
        lock.lock();
        try {
            return delegate.term(index);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        lock.lock();
        try {
            return delegate.entries(from, toExclusive, maxBytes);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public IndexedConfiguration configurationBefore(long index) {
        lock.lock();
        try {
            return delegate.configurationBefore(index);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void append(List<Entry> entries) {
        lock.lock();
        try {
            delegate.append(entries);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void saveHardState(HardState state) {
        lock.lock();
        try {
            delegate.saveHardState(state);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HardState hardState() {
        lock.lock();
        try {
            return delegate.hardState();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sync() {
        delegate.sync();
    }

    @Override
    public void compact(long upToIndex) {
        lock.lock();
        try {
            delegate.compact(upToIndex);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void installSnapshot(long index, long term, io.kayak.core.Configuration configuration) {
        lock.lock();
        try {
            delegate.installSnapshot(index, term, configuration);
        } finally {
            lock.unlock();
        }
    }
}

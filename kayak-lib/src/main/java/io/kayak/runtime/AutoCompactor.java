package io.kayak.runtime;

import io.kayak.CapturedState;
import io.kayak.ClosedException;
import io.kayak.SnapshotProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The automatic compaction of one host, on its own daemon thread (never the raft thread, so a slow capture or a
 * large snapshot never delays consensus): it wakes as soon as the committed index passes the entry threshold, and
 * at least every {@link #CHECK_INTERVAL_NANOS} for the byte threshold, asks {@link CompactionPolicy} whether the log
 * has outgrown its thresholds, and if so asks the application's {@link SnapshotProvider} for its state and hands it
 * to the {@link Compactor}, keeping the policy's trailing window in the log.
 *
 * <p>One compaction runs at a time. A failure (the provider throws, returns state the application has not
 * acknowledged, or the snapshot cannot be written) is logged and counted, and the next try waits
 * {@link #FIRST_RETRY_NANOS}, doubling up to {@link #MAX_RETRY_NANOS}: a broken provider neither stops the host nor
 * floods the log. {@link #close()} stops the thread; a snapshot being written is abandoned (its partial file is
 * discarded) rather than waited for. Without a compactor (an in-memory member, or automatic compaction turned off)
 * the provider is kept and never called, and no thread starts.
 */
final class AutoCompactor implements AutoCloseable {
    /** How often the thresholds are checked: cheap (an index difference and a sum over the segments). */
    static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Logger LOG = LoggerFactory.getLogger(AutoCompactor.class);

    private final String memberId;
    /** Null when automatic compaction cannot or must not run. */
    private final Compactor compactor;
    private final CompactionPolicy policy;
    private final AppliedWatch committed;
    private final LogSizer sizer;
    private final HostMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private SnapshotProvider provider;
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param compactor the host's compactor, or {@code null} to keep automatic compaction off
     * @param committed the highest index committed and applied on this member
     */
    AutoCompactor(String memberId, Compactor compactor, CompactionPolicy policy, AppliedWatch committed,
                  LogSizer sizer, HostMetrics metrics) {
        this.memberId = memberId;
        this.compactor = compactor;
        this.policy = policy;
        this.committed = committed;
        this.sizer = sizer;
        this.metrics = metrics;
    }

    /** Registers (or with {@code null} removes) the provider; starts the thread at the first registration. */
    void provider(SnapshotProvider newProvider) {
        lock.lock();
        try {
            if (closed) {
                throw new ClosedException("the host is stopped");
            }
            provider = newProvider;
            if (compactor != null && newProvider != null && thread == null) {
                thread = new Thread(this::run, "kayak-compaction-" + memberId);
                thread.setDaemon(true);
                thread.start();
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long retryNanos = 0;
        while (true) {
            SnapshotProvider current = retryNanos > 0 ? pause(retryNanos) : awaitGrowth();
            if (current == null) {
                if (closed) {
                    return;
                }
                pause(CHECK_INTERVAL_NANOS); // no provider registered just now
                continue;
            }
            if (!policy.due(compactor.snapshotIndex(), committed.get(), sizer)) {
                retryNanos = 0;
                continue;
            }
            long nextRetry = Math.min(MAX_RETRY_NANOS, Math.max(FIRST_RETRY_NANOS, retryNanos * 2));
            retryNanos = compactOnce(current, nextRetry) ? 0 : nextRetry;
        }
    }

    /**
     * Waits until the committed log passes the entry threshold, or {@link #CHECK_INTERVAL_NANOS} (for the byte
     * threshold); returns the provider, null when closed. A fast writer must not outrun the compaction by a whole
     * polling interval, hence the wake-up on the index itself.
     */
    private SnapshotProvider awaitGrowth() {
        try {
            committed.await(policy.entryTrigger(compactor.snapshotIndex()), CHECK_INTERVAL_NANOS, () -> closed);
        } catch (ClosedException e) {
            closed = true; // the host is stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
        lock.lock();
        try {
            return closed ? null : provider;
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code nanos} (cut short by a new provider or by closing); returns the provider, null when closed. */
    private SnapshotProvider pause(long nanos) {
        lock.lock();
        try {
            long remaining = nanos;
            while (!closed && remaining > 0) {
                remaining = wake.awaitNanos(remaining);
                if (remaining > 0 && !closed) {
                    break; // woken by a new provider: look at once
                }
            }
            return closed ? null : provider;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** One capture and compaction; returns false when it failed or the provider had nothing new (retry later). */
    private boolean compactOnce(SnapshotProvider current, long retryNanos) {
        long start = System.nanoTime();
        CapturedState state = null;
        try {
            state = current.capture();
            if (state == null) {
                LOG.debug("{}: the snapshot provider skipped this round", memberId);
                return false;
            }
            long existing = compactor.snapshotIndex();
            if (state.until() <= existing) {
                LOG.debug("{}: the provider's state at {} adds nothing to the snapshot at {}", memberId,
                        state.until(), existing);
                return false;
            }
            compactor.compact(state.until(), new StopOnClose(state.events()), state.count(), policy.trailing());
            long nanos = System.nanoTime() - start;
            metrics.compacted(nanos);
            LOG.info("{}: snapshot at {} ({} events) in {} ms; log compacted up to at most {}", memberId,
                    state.until(), state.count(), TimeUnit.NANOSECONDS.toMillis(nanos),
                    Math.max(0, state.until() - policy.trailing()));
            return true;
        } catch (ClosedException e) {
            if (!closed) {
                failed(e, retryNanos);
            }
            return false;
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
                throw fatal; // out of memory and the like: nothing sensible to retry
            }
            failed(e, retryNanos); // whatever the application's provider threw must not end automatic compaction
            return false;
        } finally {
            if (state != null) {
                try {
                    state.close();
                } catch (Exception e) {
                    LOG.warn("{}: releasing the captured state failed: {}", memberId, e.toString());
                }
            }
        }
    }

    private void failed(Throwable e, long retryNanos) {
        metrics.compactionFailed();
        long retryMillis = TimeUnit.NANOSECONDS.toMillis(retryNanos);
        if (e instanceof IllegalArgumentException) {
            // Our own checks (an index not yet acknowledged, a wrong event count): the message says it all.
            LOG.warn("{}: automatic compaction failed, retrying in {} ms: {}", memberId, retryMillis,
                    e.getMessage());
        } else {
            LOG.warn("{}: automatic compaction failed, retrying in {} ms", memberId, retryMillis, e);
        }
    }

    /**
     * Stops the thread; a compaction under way is abandoned at its next event. A provider's {@code capture()} in
     * progress is waited for, at most 10 s.
     */
    @Override
    public void close() {
        Thread running;
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
            running = thread;
        } finally {
            lock.unlock();
        }
        committed.wakeAll();
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The provider's events, ending the snapshot with {@link ClosedException} once the host stops: the snapshot
     * writer then discards its partial file. Interrupting the thread instead would close the snapshot's file
     * channel under it and fail-stop the whole store.
     */
    private final class StopOnClose implements Iterator<byte[]> {
        private final Iterator<byte[]> events;

        StopOnClose(Iterator<byte[]> events) {
            this.events = events;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                throw new ClosedException("the host is stopping; the snapshot is abandoned");
            }
            return events.hasNext();
        }

        @Override
        public byte[] next() {
            return events.next();
        }
    }
}

package io.kayak.runtime;

import io.kayak.core.Entry;
import io.kayak.core.HardState;
import io.kayak.core.LogStore;
import io.kayak.core.Message;
import io.kayak.core.Ready;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The log writer thread: writes each {@link Ready}'s entries and hard state, makes a whole batch of Readies durable
 * with one sync (group commit), then releases their {@code messagesAfterPersist} and reports durability to the raft
 * thread. Readies are handled strictly in order, which is what lets a Ready's messages wait for every earlier write
 * (see {@link Ready}).
 *
 * <p>A storage failure is fail-stop: the writer reports it and stops; nothing after it is acknowledged.
 */
final class LogWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    /** A commit-only hard state change is saved at most this often: the commit index is not needed for safety. */
    private static final long COMMIT_SAVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Called on the writer thread after a batch is durable. */
    interface Durable {
        void sendAfterPersist(Message message);

        void persisted(Entry lastEntry);

        void failed(RuntimeException error);

        void synced(long nanos, int readies);

        /** A snapshot from the leader replaced the log and is durable (reported before {@link #persisted}). */
        void snapshotInstalled(io.kayak.core.SnapshotMetadata snapshot);
    }

    private final LogStore store;
    private final Durable durable;
    private final LinkedBlockingQueue<Ready> queue = new LinkedBlockingQueue<>();
    /** Readies submitted and not yet fully processed (queued, or being written by either thread). */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    /** Held while writing: the writer thread and an inline write never overlap. */
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean running = true;
    private long lastCommitSave = System.nanoTime();
    private long savedCommit = -1;

    LogWriter(LogStore store, Durable durable) {
        this.store = store;
        this.durable = durable;
    }

    void submit(Ready ready) {
        pending.incrementAndGet();
        queue.add(ready);
    }

    /**
     * Writes and syncs {@code ready} on the calling thread when nothing else is pending (so order is kept), else
     * queues it like {@link #submit}. It saves the hand-off to the writer thread on a follower's path from an
     * AppendEntries to its acknowledgement, the latency of every write when writes come one at a time; under load the
     * writer thread is busy and batches as before. Only the raft thread submits, so "nothing pending" stays true
     * until this call returns.
     *
     * @return whether it was written here
     */
    boolean writeNowIfIdle(Ready ready) {
        if (pending.get() != 0 || !writing.tryLock()) {
            submit(ready);
            return false;
        }
        try {
            pending.incrementAndGet();
            process(List.of(ready));
        } catch (RuntimeException e) {
            // The same fail-stop as on the writer thread: nothing after this is acknowledged.
            LOG.error("storage failed; this member stops acknowledging anything", e);
            running = false;
            durable.failed(e);
        } finally {
            pending.decrementAndGet();
            writing.unlock();
        }
        return true;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        List<Ready> batch = new ArrayList<>();
        try {
            while (running || !queue.isEmpty()) {
                Ready first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                writing.lock();
                try {
                    process(batch);
                } finally {
                    writing.unlock();
                    pending.addAndGet(-batch.size());
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("storage failed; this member stops acknowledging anything", e);
            running = false;
            durable.failed(e);
        }
    }

    private void process(List<Ready> batch) {
        List<Ready> segment = new ArrayList<>();
        for (Ready rd : batch) {
            if (rd.overwrites() && !segment.isEmpty()) {
                // A conflict truncation replaces entries of earlier Readies: finish those first (see Ready).
                flush(segment);
                segment.clear();
            }
            write(rd);
            segment.add(rd);
        }
        flush(segment);
    }

    private void write(Ready rd) {
        if (rd.snapshot() != null) {
            // Before this Ready's entries: they follow the snapshot (see Ready). Earlier Readies are flushed
            // already, since a snapshot overwrites.
            io.kayak.core.SnapshotMetadata s = rd.snapshot();
            store.installSnapshot(s.index(), s.term(), s.configuration());
        }
        if (!rd.entries().isEmpty()) {
            store.append(rd.entries());
        }
        HardState hs = rd.hardState();
        if (hs != null) {
            long now = System.nanoTime();
            boolean commitDue = hs.commit() != savedCommit && now - lastCommitSave >= COMMIT_SAVE_INTERVAL_NANOS;
            if (rd.termOrVoteChanged() || commitDue) {
                store.saveHardState(hs);
                savedCommit = hs.commit();
                lastCommitSave = now;
            }
        }
    }

    private void flush(List<Ready> segment) {
        boolean wrote = false;
        Entry last = null;
        for (Ready rd : segment) {
            wrote |= rd.mustPersist();
            if (rd.lastEntry() != null) {
                last = rd.lastEntry();
            }
        }
        if (wrote) {
            long start = System.nanoTime();
            store.sync();
            durable.synced(System.nanoTime() - start, segment.size());
        }
        for (Ready rd : segment) {
            if (rd.snapshot() != null) {
                durable.snapshotInstalled(rd.snapshot());
            }
            for (Message m : rd.messagesAfterPersist()) {
                durable.sendAfterPersist(m);
            }
        }
        if (last != null) {
            durable.persisted(last);
        }
    }

    /** For tests and the raft thread's bookkeeping: Readies not yet written. */
    int backlog() {
        return queue.size();
    }
}

package io.kayak.runtime;

import io.kayak.storage.IncomingSnapshot;
import io.kayak.storage.SnapshotMetadata;
import io.kayak.storage.SnapshotStore;
import io.kayak.StorageCorruptedException;
import io.kayak.transport.SnapshotFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/**
 * A follower's or learner's side of snapshot streaming: writes the leader's chunks, strictly in order, into an
 * {@link IncomingSnapshot}, answers each one, and once the file is complete, checked, durable and installed in the
 * snapshot store, hands its metadata to the core (which then replaces the log and tells the application).
 *
 * <p>Duplicates are answered with the offset expected next; a chunk beyond it (something was lost) or with a bad
 * CRC is answered as a gap, so the sender resends from there. A transfer keeps its progress across dropped
 * connections for as long as this process lives: the leader resumes from the acknowledged offset. A new transfer
 * (a new leader, or a newer snapshot) replaces the one under way; a reception idle for {@code idleNanos} is
 * abandoned and its file deleted. Runs on one executor thread; file I/O never touches the raft thread.
 */
final class SnapshotReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReceiver.class);

    /** Sends an answer to the leader. */
    interface Answer {
        void send(SnapshotFrame.Ack ack);
    }

    /** A complete snapshot, installed in the store, for the core. */
    interface Installed {
        void installed(String leader, long term, SnapshotMetadata metadata);
    }

    private final String self;
    private final SnapshotStore store;
    private final Answer answer;
    private final Installed installed;
    private final LongSupplier currentTerm;
    private final LongSupplier clock;
    private final long idleNanos;
    private final ScheduledExecutorService executor;

    private IncomingSnapshot incoming;
    private String leader;
    private long transfer;
    private long lastChunkNanos;
    /** The last completed transfer, so a resent last chunk is answered INSTALLED again. */
    private String completedLeader;
    private long completedTransfer;

    SnapshotReceiver(String self, SnapshotStore store, Answer answer, Installed installed, LongSupplier currentTerm,
                     ScheduledExecutorService executor, LongSupplier clock, long idleNanos) {
        this.self = self;
        this.store = store;
        this.answer = answer;
        this.installed = installed;
        this.currentTerm = currentTerm;
        this.executor = executor;
        this.clock = clock;
        this.idleNanos = idleNanos;
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleNanos / 4);
        executor.scheduleWithFixedDelay(this::abandonIdle, period, period, TimeUnit.NANOSECONDS);
    }

    /** A chunk from the leader; handled on the executor. */
    void onChunk(SnapshotFrame.Chunk chunk) {
        executor.execute(() -> handle(chunk));
    }

    /** Abandons the reception under way, deleting its file (the host is stopping). */
    void close() {
        executor.execute(this::abort);
    }

    private void handle(SnapshotFrame.Chunk c) {
        if (c.term() < currentTerm.getAsLong()) {
            reply(c, 0, SnapshotFrame.Status.REFUSED, "term " + c.term() + " is stale; this member is in term "
                    + currentTerm.getAsLong());
            return;
        }
        if (c.from().equals(completedLeader) && c.transfer() == completedTransfer) {
            reply(c, c.totalSize(), SnapshotFrame.Status.INSTALLED, "");
            return;
        }
        if (incoming == null || !c.from().equals(leader) || c.transfer() != transfer) {
            if (c.offset() != 0) {
                // Not the start of a transfer this member knows (it restarted, or the transfer is new): start over.
                reply(c, 0, SnapshotFrame.Status.GAP, "");
                return;
            }
            abort();
            try {
                incoming = store.receive(c.snapshotIndex(), c.snapshotTerm());
            } catch (RuntimeException e) {
                LOG.error("{}: cannot receive a snapshot", self, e);
                reply(c, 0, SnapshotFrame.Status.REFUSED, "cannot store the snapshot: " + e.getMessage());
                return;
            }
            leader = c.from();
            transfer = c.transfer();
            LOG.info("{}: receiving snapshot at index {} ({} bytes) from {}", self, c.snapshotIndex(),
                    c.totalSize(), c.from());
        }
        lastChunkNanos = clock.getAsLong();
        long expected = incoming.received();
        if (c.offset() < expected) {
            reply(c, expected, SnapshotFrame.Status.RECEIVING, ""); // a duplicate
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(c.data());
        if (c.offset() > expected || (int) crc.getValue() != c.dataCrc()) {
            reply(c, expected, SnapshotFrame.Status.GAP, "");
            return;
        }
        try {
            incoming.write(c.offset(), c.data());
            if (!c.last()) {
                reply(c, incoming.received(), SnapshotFrame.Status.RECEIVING, "");
                return;
            }
            SnapshotMetadata metadata = incoming.complete(c.totalSize(), c.totalCrc());
            incoming = null;
            completedLeader = c.from();
            completedTransfer = c.transfer();
            LOG.info("{}: received snapshot at index {} from {}", self, metadata.lastIndex(), c.from());
            installed.installed(c.from(), c.term(), metadata);
            reply(c, c.totalSize(), SnapshotFrame.Status.INSTALLED, "");
        } catch (StorageCorruptedException e) {
            incoming = null;
            LOG.warn("{}: the snapshot received from {} is damaged: {}", self, c.from(), e.getMessage());
            reply(c, 0, SnapshotFrame.Status.REFUSED, "damaged: " + e.getMessage());
        } catch (RuntimeException e) {
            abortQuietly();
            LOG.error("{}: cannot store the snapshot received from {}", self, c.from(), e);
            reply(c, 0, SnapshotFrame.Status.REFUSED, "cannot store the snapshot: " + e.getMessage());
        }
    }

    private void reply(SnapshotFrame.Chunk c, long nextOffset, SnapshotFrame.Status status, String message) {
        answer.send(new SnapshotFrame.Ack(self, c.from(), Math.max(c.term(), currentTerm.getAsLong()),
                c.snapshotIndex(), c.transfer(), c.round(), nextOffset, status, message));
    }

    private void abandonIdle() {
        if (incoming != null && clock.getAsLong() - lastChunkNanos > idleNanos) {
            LOG.warn("{}: abandoning the snapshot from {}: nothing received for {} ms", self, leader,
                    TimeUnit.NANOSECONDS.toMillis(idleNanos));
            abortQuietly();
        }
    }

    private void abort() {
        if (incoming != null) {
            IncomingSnapshot old = incoming;
            incoming = null;
            old.abort();
        }
    }

    private void abortQuietly() {
        try {
            abort();
        } catch (RuntimeException e) {
            LOG.debug("{}: discarding a partial snapshot failed", self, e);
        }
    }
}

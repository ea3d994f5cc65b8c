package io.kayak.runtime;

import io.kayak.storage.SnapshotFile;
import io.kayak.storage.SnapshotStore;
import io.kayak.transport.SnapshotFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/**
 * The leader's side of snapshot streaming: sends its newest snapshot file, in chunks, to each member the core says
 * needs it, and keeps each transfer going until the receiver reports it installed.
 *
 * <p><b>Flow control.</b> At most {@link #WINDOW_BYTES} beyond the receiver's last acknowledged offset are in
 * flight per transfer, and a chunk is read from disk only when the window has room, so memory stays bounded
 * whatever the snapshot's size. <b>Loss.</b> The receiver takes chunks only in order and answers a gap with the
 * offset it expects; a transfer that hears nothing new for {@code stallNanos} resends from the last acknowledged
 * offset (a dropped connection loses chunks, never the transfer). Each rewind starts a new round, and gap reports
 * about chunks of earlier rounds are ignored, so one loss rewinds once. <b>Giving up.</b> A transfer without
 * progress for {@code abandonNanos} is dropped and reported to the core as failed; the core asks again later.
 *
 * <p>Everything runs on one executor thread (reading the file is I/O, kept off the raft thread); the public
 * methods only hand work to it.
 */
final class SnapshotSender {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);
    /** Bytes per chunk: large enough to stream fast, far below the transport's frame limit. */
    static final int CHUNK_BYTES = 256 << 10;
    /** Unacknowledged bytes allowed in flight per transfer. */
    static final long WINDOW_BYTES = 4L * CHUNK_BYTES;

    /** Sends a frame to a member at an address. */
    interface Wire {
        void send(String address, SnapshotFrame frame);
    }

    /** Tells the core how a transfer ended when it did not end installed. */
    interface Outcome {
        void failed(String member);
    }

    private final String self;
    private final SnapshotStore store;
    private final Wire wire;
    private final Outcome outcome;
    private final ScheduledExecutorService executor;
    private final LongSupplier clock;
    private final long stallNanos;
    private final long abandonNanos;
    private final int chunkBytes;
    private final long windowBytes;
    private final Map<String, Transfer> transfers = new HashMap<>();
    private long nextTransferId;

    /** One snapshot on its way to one member. Confined to the executor. */
    private static final class Transfer {
        final String to;
        final long id;
        final long term;
        final SnapshotFile file;
        final int crc;
        final long startNanos;
        String address;
        long acked;
        long sent;
        long round;
        long lastProgress;
        long lastRewind;

        Transfer(String to, String address, long id, long term, SnapshotFile file, int crc, long now) {
            this.to = to;
            this.address = address;
            this.id = id;
            this.term = term;
            this.file = file;
            this.crc = crc;
            this.startNanos = now;
            this.lastProgress = now;
            this.lastRewind = now;
        }
    }

    SnapshotSender(String self, SnapshotStore store, Wire wire, Outcome outcome, ScheduledExecutorService executor,
                   LongSupplier clock, long stallNanos, long abandonNanos) {
        this(self, store, wire, outcome, executor, clock, stallNanos, abandonNanos, CHUNK_BYTES, WINDOW_BYTES);
    }

    SnapshotSender(String self, SnapshotStore store, Wire wire, Outcome outcome, ScheduledExecutorService executor,
                   LongSupplier clock, long stallNanos, long abandonNanos, int chunkBytes, long windowBytes) {
        this.self = self;
        this.store = store;
        this.wire = wire;
        this.outcome = outcome;
        this.executor = executor;
        this.clock = clock;
        this.stallNanos = stallNanos;
        this.abandonNanos = abandonNanos;
        this.chunkBytes = chunkBytes;
        this.windowBytes = windowBytes;
        // Ids differ across leaders and restarts, so a receiver never mistakes a new transfer for an old one.
        this.nextTransferId = (System.nanoTime() ^ ((long) self.hashCode() << 32)) & Long.MAX_VALUE | 1;
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), stallNanos / 4);
        executor.scheduleWithFixedDelay(this::checkStalls, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * The core asks for this member's newest snapshot to be sent to {@code to} in leader term {@code term}. A
     * transfer already under way in that term continues (the core repeats its request while it waits).
     */
    void send(String to, String address, long term) {
        executor.execute(() -> start(to, address, term));
    }

    /** An answer from a receiver. */
    void onAck(SnapshotFrame.Ack ack) {
        executor.execute(() -> handle(ack));
    }

    /** Stops every transfer (this member no longer leads). */
    void cancelAll() {
        executor.execute(() -> {
            for (Transfer t : transfers.values()) {
                closeQuietly(t);
            }
            transfers.clear();
        });
    }

    private void start(String to, String address, long term) {
        Transfer current = transfers.get(to);
        long newest = store.latest().map(m -> m.lastIndex()).orElse(0L);
        if (current != null && current.term == term && current.file.metadata().lastIndex() == newest) {
            current.address = address;
            return;
        }
        if (current != null) {
            transfers.remove(to);
            closeQuietly(current);
        }
        if (address == null) {
            LOG.warn("{}: cannot send a snapshot to {}: its address is unknown", self, to);
            outcome.failed(to);
            return;
        }
        SnapshotFile file;
        int crc;
        try {
            file = store.openLatestFile().orElse(null);
            if (file == null) {
                LOG.warn("{}: {} needs a snapshot and this member has none", self, to);
                outcome.failed(to);
                return;
            }
            crc = file.crc32c();
        } catch (RuntimeException e) {
            LOG.error("{}: cannot read the snapshot to send to {}", self, to, e);
            outcome.failed(to);
            return;
        }
        Transfer t = new Transfer(to, address, nextTransferId++, term, file, crc, clock.getAsLong());
        transfers.put(to, t);
        LOG.info("{}: sending snapshot at index {} ({} bytes) to {}", self, file.metadata().lastIndex(),
                file.size(), to);
        pump(t);
    }

    private void handle(SnapshotFrame.Ack ack) {
        Transfer t = transfers.get(ack.from());
        if (t == null || t.id != ack.transfer()) {
            return; // an answer about a transfer that ended or was replaced
        }
        switch (ack.status()) {
            case INSTALLED:
                transfers.remove(t.to);
                closeQuietly(t);
                LOG.info("{}: {} installed snapshot at index {} ({} bytes in {} ms)", self, t.to,
                        t.file.metadata().lastIndex(), t.file.size(),
                        TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - t.startNanos));
                return;
            case REFUSED:
                transfers.remove(t.to);
                closeQuietly(t);
                LOG.warn("{}: {} refused snapshot at index {}: {}", self, t.to, t.file.metadata().lastIndex(),
                        ack.message());
                outcome.failed(t.to);
                return;
            case GAP:
                if (ack.round() != t.round) {
                    return; // about a chunk sent before the last rewind, which already resent it
                }
                rewind(t, ack.nextOffset());
                break;
            default:
                if (ack.nextOffset() > t.acked) {
                    t.acked = Math.min(ack.nextOffset(), t.file.size());
                    t.lastProgress = clock.getAsLong();
                }
                break;
        }
        pump(t);
    }

    private void rewind(Transfer t, long offset) {
        t.acked = Math.min(offset, t.file.size());
        t.sent = t.acked;
        t.round++;
        t.lastRewind = clock.getAsLong();
    }

    private void pump(Transfer t) {
        long size = t.file.size();
        while (t.sent < size && t.sent - t.acked < windowBytes) {
            byte[] data;
            try {
                data = t.file.read(t.sent, chunkBytes);
            } catch (RuntimeException e) {
                LOG.error("{}: cannot read the snapshot being sent to {}", self, t.to, e);
                transfers.remove(t.to);
                closeQuietly(t);
                outcome.failed(t.to);
                return;
            }
            CRC32C crc = new CRC32C();
            crc.update(data);
            wire.send(t.address, new SnapshotFrame.Chunk(self, t.to, t.term, t.file.metadata().lastIndex(),
                    t.file.metadata().lastTerm(), t.id, t.round, t.sent, data, (int) crc.getValue(), size, t.crc));
            t.sent += data.length;
        }
    }

    private void checkStalls() {
        long now = clock.getAsLong();
        Iterator<Transfer> it = transfers.values().iterator();
        while (it.hasNext()) {
            Transfer t = it.next();
            if (now - t.lastProgress > abandonNanos) {
                it.remove();
                closeQuietly(t);
                LOG.warn("{}: giving up sending snapshot at index {} to {}: no progress for {} ms", self,
                        t.file.metadata().lastIndex(), t.to, TimeUnit.NANOSECONDS.toMillis(abandonNanos));
                outcome.failed(t.to);
            } else if (now - t.lastProgress > stallNanos && now - t.lastRewind > stallNanos) {
                LOG.debug("{}: snapshot to {} stalled at offset {}; resending from there", self, t.to, t.acked);
                rewind(t, t.acked);
                pump(t);
            }
        }
    }

    private void closeQuietly(Transfer t) {
        try {
            t.file.close();
        } catch (RuntimeException e) {
            LOG.debug("{}: closing a snapshot file failed", self, e);
        }
    }
}

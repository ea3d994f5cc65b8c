package io.kayak;


import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A tiny application for compaction tests: its state is the number of normal entries applied and a running checksum
 * of their payloads, so two replays of the same log agree and any skipped or repeated entry shows. It rebuilds from
 * the host's snapshot at start (and whenever its listener meets a compacted index), acknowledges every entry with
 * {@link Sync#ack}, and offers a {@link SnapshotProvider} of its state as two events.
 */
final class CountingApp implements AutoCloseable {
    private final Host host;
    private final Thread applier;
    private volatile boolean closed;
    private long count;
    private long checksum;
    private long applied;
    private volatile Listener listener;

    CountingApp(Host host) {
        this.host = host;
        this.applier = new Thread(this::applyUntilClosed, "counting-app-" + host.id());
        this.applier.setDaemon(true);
        this.applier.start();
    }

    /** Captures a consistent view: the state and the index it covers, read under the lock that applying takes. */
    synchronized CapturedState capture() {
        return CapturedState.of(applied, 2, List.of(longBytes(count), longBytes(checksum)).iterator());
    }

    SnapshotProvider provider() {
        return this::capture;
    }

    synchronized long count() {
        return count;
    }

    synchronized long checksum() {
        return checksum;
    }

    synchronized long applied() {
        return applied;
    }

    private void applyUntilClosed() {
        try {
            while (!closed) {
                try (Listener l = host.log().listen(rebuild() + 1, 1024)) {
                    listener = l; // close() may have missed it: the loop condition looks again
                    while (!closed) {
                        apply(l.next());
                    }
                } catch (OutOfBoundsException compacted) {
                    // rebuild from the snapshot and listen on from there
                }
            }
        } catch (InterruptedException | ClosedException stopped) {
            // the host or the app closed
        }
    }

    private synchronized long rebuild() {
        count = 0;
        checksum = 0;
        applied = 0;
        host.log().snapshot().ifPresent(s -> {
            try (s) {
                count = ByteBuffer.wrap(s.next()).getLong();
                checksum = ByteBuffer.wrap(s.next()).getLong();
                applied = s.lastIndex();
            }
        });
        host.sync().ack(applied);
        return applied;
    }

    private synchronized void apply(Entry e) {
        if (e.kind() == EntryKind.NORMAL) {
            count++;
            CRC32C crc = new CRC32C();
            crc.update(longBytes(checksum));
            crc.update(e.payload());
            checksum = crc.getValue();
        }
        applied = e.index();
        // Acknowledged under the lock capture() takes: a captured index is always acknowledged already.
        host.sync().ack(e.index());
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        Listener l = listener;
        if (l != null) {
            l.close();
        }
        applier.join(5_000);
    }
}

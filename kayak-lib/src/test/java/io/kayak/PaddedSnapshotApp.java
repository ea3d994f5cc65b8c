package io.kayak;


import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test application: its state is the number of normal entries and a running hash of their payloads, in log order,
 * so two members that applied the same log hold equal states. It follows the documented recipe: rebuild from the
 * snapshot, listen after it, and rebuild again whenever the listener says its entries were compacted (which is
 * how a member learns that a snapshot from the leader replaced its log). Snapshots can be padded to any size.
 */
final class PaddedSnapshotApp implements AutoCloseable {
    /** The state as of an index. */
    record State(long index, long count, long hash) {
    }

    private final Host host;
    private final Thread thread;
    private final AtomicInteger rebuilds = new AtomicInteger();
    private volatile State state = new State(0, 0, 17);
    private volatile boolean closed;
    private volatile Throwable failure;

    PaddedSnapshotApp(Host host) {
        this.host = host;
        this.thread = new Thread(this::run, "padded-snapshot-app-" + host.id());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    State state() {
        return state;
    }

    /** How often the app rebuilt from a snapshot (its start included, when a snapshot existed). */
    int rebuilds() {
        return rebuilds.get();
    }

    Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            while (!closed) {
                long from = rebuild();
                try (Listener listener = host.log().listen(from, 256)) {
                    follow(listener);
                } catch (OutOfBoundsException compacted) {
                    // the recipe: rebuild from the snapshot, then listen after it
                }
            }
        } catch (ClosedException | InterruptedException stopped) {
            // the host or the app is closing
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void follow(Listener listener) throws InterruptedException {
        while (!closed) {
            Entry e = listener.poll(Duration.ofMillis(100));
            if (e == null) {
                continue;
            }
            apply(e);
        }
    }

    /** Applies and acknowledges together, so {@link #compact} never sees a state applied but not acknowledged. */
    private synchronized void apply(Entry e) {
        State s = state;
        if (e.index() != s.index() + 1) {
            throw new AssertionError("applied " + s.index() + " then got " + e.index());
        }
        state = e.kind() == EntryKind.NORMAL
                ? new State(e.index(), s.count() + 1, s.hash() * 31 + Arrays.hashCode(e.payload()))
                : new State(e.index(), s.count(), s.hash());
        host.sync().ack(e.index());
    }

    /** Rebuilds from the newest snapshot, if any, and returns the index to listen from. */
    private synchronized long rebuild() {
        try (Snapshot s = host.log().snapshot().orElse(null)) {
            if (s == null) {
                state = new State(0, 0, 17);
                return 1;
            }
            ByteBuffer head = ByteBuffer.wrap(s.next());
            state = new State(s.lastIndex(), head.getLong(), head.getLong());
            while (s.next() != null) {
                // padding events carry no state
            }
            rebuilds.incrementAndGet();
            host.sync().ack(s.lastIndex());
            return s.lastIndex() + 1;
        }
    }

    /**
     * Compacts the log up to the state applied now, writing a snapshot of one state event plus {@code padding}
     * events of {@code padBytes} each. Returns the snapshot's index.
     */
    long compact(int padding, int padBytes) {
        State s;
        synchronized (this) {
            s = state;
        }
        byte[] head = ByteBuffer.allocate(16).putLong(s.count()).putLong(s.hash()).array();
        Iterator<byte[]> events = new Iterator<>() {
            int next = 0;

            @Override
            public boolean hasNext() {
                return next <= padding;
            }

            @Override
            public byte[] next() {
                byte[] e = next == 0 ? head : new byte[padBytes];
                if (next > 0) {
                    Arrays.fill(e, (byte) next);
                }
                next++;
                return e;
            }
        };
        host.log().compact(s.index(), events, padding + 1L);
        return s.index();
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kayak.cli.bench;

import io.kayak.ClosedException;
import io.kayak.Host;
import io.kayak.Listener;
import io.kayak.EntryKind;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's state machine: reads every committed entry on one member and counts the application entries,
 * nothing else. Comparing the counts of all members at the end shows they applied the same writes.
 */
public final class AppliedCounter {
    private final AtomicLong applied = new AtomicLong();
    private final Listener listener;
    private final Thread thread;

    private AppliedCounter(Host host) {
        this.listener = host.log().listen(1, 8192);
        this.thread = new Thread(this::run, "bench-applied-counter");
        thread.setDaemon(true);
    }

    /** Starts counting from the first index of {@code host}'s log. */
    public static AppliedCounter start(Host host) {
        AppliedCounter counter = new AppliedCounter(host);
        counter.thread.start();
        return counter;
    }

    public long applied() {
        return applied.get();
    }

    /** Waits (at most {@code maxMillis}) until the count has not moved for 300 ms: followers learn the last commit a heartbeat later. */
    public long settle(long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        long last = applied.get();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - stableSince < 300_000_000L) {
            Thread.sleep(20);
            long now = applied.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return applied.get();
    }

    private void run() {
        try {
            while (true) {
                if (listener.next().kind() == EntryKind.NORMAL) {
                    applied.incrementAndGet();
                }
            }
        } catch (ClosedException | InterruptedException stopped) {
            // the host stopped: the count stays as it is
        }
    }
}

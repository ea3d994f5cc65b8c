package io.kayak.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The host's threads: all daemons (an application that forgets to close a host can still exit), named after it. */
final class Threads {
    private Threads() {
    }

    /** A daemon thread named {@code name} that runs {@code r}, not started. */
    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Lets {@code executor} finish what it was given, for at most {@code seconds}. */
    static void shutDownAndWait(ExecutorService executor, long seconds) {
        executor.shutdown();
        try {
            executor.awaitTermination(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code t} to end, for at most {@code seconds}. */
    static void joinQuietly(Thread t, long seconds) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kayak.storage;

import java.util.concurrent.CountDownLatch;

/** Lets tests outside this package watch and hold the shared preparation of next segments. */
public final class PreallocationProbe {
    private PreallocationProbe() {
    }

    /** Preparations of next segments queued or running in this JVM. */
    public static int underWay() {
        return SegmentPreallocator.underWay();
    }

    /**
     * Occupies the shared preallocation thread until the returned handle is closed: meanwhile every preparation
     * waits in its queue, not started, for as long as the test needs.
     */
    public static AutoCloseable holdThread() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SegmentPreallocator.BACKGROUND.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.await();
        return release::countDown;
    }
}

package io.kayak.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Supplies the file for the next segment without making an append wait for a segment's worth of I/O.
 *
 * <p>Preferably it reuses a segment that compaction dropped ({@link #park}): its blocks are already allocated and
 * written, so reusing it costs one rename, where a fresh file costs writing and flushing the whole capacity in
 * zeros (which would double the disk writes of a busy log). Its old records stay in it; recovery tells them apart
 * because their indexes are below the segment's first index (compaction only drops segments whose every index is
 * below the log's first index, and the log only grows). Otherwise it prepares a fresh file, written full of zeros in
 * the background, paced (see {@link #preallocate}). Either way the file waits under a {@value #SUFFIX} name, which
 * the next open deletes if a crash leaves it behind.
 *
 * <p>Why zeros rather than a sparse file: a sync that finds new blocks to allocate also commits the file system's
 * journal. At 16 writes in flight a sparse segment cost a quarter of the throughput (docs/performance.md).
 *
 * <p>Closing the log {@linkplain #cancel() cancels} a preparation rather than waiting for it: one not started never
 * runs, one under way stops after the step it is writing and deletes its file. A host that fails to start, or
 * stops, right after opening its log thus neither waits for a segment's worth of paced zeros (seconds) nor leaves
 * a thread writing into a directory whose lock it has released.
 */
final class SegmentPreallocator {
    static final String SUFFIX = ".prealloc";
    /**
     * Zeros written between two forces of a fresh file: a log sync that arrives meanwhile waits behind at most this
     * much (about a millisecond on a modest disk).
     */
    private static final int FLUSH_STEP = 256 << 10;
    /**
     * After each step the preparation rests this many times as long as the step took, so zeros take at most a
     * quarter of the disk's time. Written back to back, a segment's worth (64 MiB every second or two under a heavy
     * load) held every log sync on the disk behind it for a fifth of a second, a stall that set the workload's 99th
     * percentile.
     */
    private static final int REST_FACTOR = 3;
    /** Logs waiting for their next file: while any does, preparations run at full speed. */
    private static final AtomicInteger WAITING = new AtomicInteger();
    /** Preparations queued or running in this JVM, for tests: a closed log leaves none of its own behind. */
    private static final AtomicInteger UNDER_WAY = new AtomicInteger();
    /**
     * One daemon thread shared by every log in the JVM: preallocation is rare and I/O-bound. It ends after a few
     * idle seconds (a busy log fills a segment every few seconds at most), so that a JVM whose hosts have stopped
     * keeps no thread of theirs.
     */
    static final Executor BACKGROUND = backgroundExecutor();
    private static final long IDLE_SECONDS = 2;

    private final FileLayer fs;
    private final Path file;
    private final int capacity;
    private final Executor executor;
    private final Path parkedFile;
    /** The preparation under way or done; null before the first. */
    private Preparation ready;
    private boolean parked;

    SegmentPreallocator(FileLayer fs, Path logDir, int capacity, Executor executor) {
        this.fs = fs;
        this.file = logDir.resolve("next" + SUFFIX);
        this.parkedFile = logDir.resolve("recycled" + SUFFIX);
        this.capacity = capacity;
        this.executor = executor;
    }

    private static ExecutorService backgroundExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "kayak-segment-preallocator");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** How many preparations are queued or running in this JVM. */
    static int underWay() {
        return UNDER_WAY.get();
    }

    /** Starts preparing the next file. */
    void prepare() {
        Preparation preparation = new Preparation();
        UNDER_WAY.incrementAndGet();
        ready = preparation;
        try {
            executor.execute(preparation);
        } catch (RejectedExecutionException e) {
            preparation.cancel();
            throw e;
        }
    }

    /**
     * Keeps {@code segmentFile}, dropped by compaction, for reuse as a later segment. Returns false when it is not
     * wanted (one is kept already, or its size is not the current capacity); the caller deletes it then.
     */
    boolean park(Path segmentFile, long size) throws IOException {
        if (parked || size != capacity) {
            return false;
        }
        fs.rename(segmentFile, parkedFile);
        parked = true;
        return true;
    }

    /**
     * A file of the segment capacity for the next segment, a parked one first; the caller renames it away and
     * then calls {@link #replenish()}.
     */
    Path take() throws IOException {
        if (parked) {
            return parkedFile;
        }
        WAITING.incrementAndGet();
        try {
            await();
        } finally {
            WAITING.decrementAndGet();
        }
        return file;
    }

    /** Records that the file returned by {@link #take()} was used, and prepares a new one where needed. */
    void replenish(Path taken) {
        if (taken.equals(parkedFile)) {
            parked = false; // the prepared fresh file, if any, is still there for next time
        } else {
            prepare();
        }
    }

    /** Waits for the preparation in flight to finish the file. */
    void await() throws IOException {
        if (ready == null) {
            prepare();
        }
        try {
            ready.done.join();
        } catch (CompletionException e) {
            ready = null;
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    /**
     * Stops the preparation (the log is closing): one not started never runs; one under way stops after the step
     * it is writing, deletes its file and returns. Once this returns nothing of it runs any more, so nothing writes
     * into the directory after the log has released it.
     */
    void cancel() {
        if (ready != null) {
            ready.cancel();
        }
    }

    /** Whether {@link #cancel()} was called on the preparation under way; for tests. */
    boolean cancelling() {
        return ready != null && ready.cancelled;
    }

    Path file() {
        return file;
    }

    /** Writes the file full of zeros, a step at a time, each step forced and followed by a rest, until cancelled. */
    private void preallocate(Preparation preparation) throws IOException {
        if (preparation.cancelled) {
            return;
        }
        try (FileHandle handle = fs.open(file)) {
            handle.truncate(0);
            for (long done = 0; done < capacity && !preparation.cancelled; done += FLUSH_STEP) {
                long start = System.nanoTime();
                Zeros.write(handle, done, Math.min(FLUSH_STEP, capacity - done));
                handle.force(false);
                if (WAITING.get() == 0 && !preparation.cancelled) {
                    LockSupport.parkNanos(REST_FACTOR * (System.nanoTime() - start)); // cancel() unparks it
                }
            }
            if (!preparation.cancelled) {
                handle.force(true);
            }
        }
        if (preparation.cancelled) {
            fs.delete(file); // the next open would delete it anyway; a closed log leaves it no longer than that
        }
    }

    /** One preparation of the next file, run once by the executor unless cancelled first. */
    private final class Preparation implements Runnable {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int OVER = 2;

        private final AtomicInteger state = new AtomicInteger(QUEUED);
        /** Completes once the preparation is over: the file is ready, or it failed, or it was cancelled. */
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile boolean cancelled;
        private volatile Thread worker;

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return; // cancelled before it started
            }
            worker = Thread.currentThread();
            Throwable failure = null;
            try {
                preallocate(this);
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            worker = null;
            end();
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        }

        private void end() {
            state.set(OVER);
            UNDER_WAY.decrementAndGet();
        }

        void cancel() {
            cancelled = true;
            if (state.compareAndSet(QUEUED, OVER)) {
                UNDER_WAY.decrementAndGet();
                done.cancel(false);
                return;
            }
            LockSupport.unpark(worker); // out of its rest, if it is resting; null is ignored
            try {
                done.join();
            } catch (CancellationException | CompletionException e) {
                // cancelled, or failed: either way it is over, and the file is not wanted any more
            }
        }
    }
}

package io.kayak.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    /** One daemon thread shared by every log in the JVM: preallocation is rare and I/O-bound. */
    static final Executor BACKGROUND = backgroundExecutor();

    private final FileLayer fs;
    private final Path file;
    private final int capacity;
    private final Executor executor;
    private final Path parkedFile;
    private CompletableFuture<Void> ready;
    private boolean parked;

    SegmentPreallocator(FileLayer fs, Path logDir, int capacity, Executor executor) {
        this.fs = fs;
        this.file = logDir.resolve("next" + SUFFIX);
        this.parkedFile = logDir.resolve("recycled" + SUFFIX);
        this.capacity = capacity;
        this.executor = executor;
    }

    private static ExecutorService backgroundExecutor() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "kayak-segment-preallocator");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts preparing the next file. */
    void prepare() {
        ready = CompletableFuture.runAsync(this::preallocate, executor);
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

    /** Waits for the preparation in flight, so that nothing writes into the directory after it is closed. */
    void await() throws IOException {
        if (ready == null) {
            prepare();
        }
        try {
            ready.join();
        } catch (CompletionException e) {
            ready = null;
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** Writes the file full of zeros, a step at a time, each step forced and followed by a rest. */
    private void preallocate() {
        try (FileHandle handle = fs.open(file)) {
            handle.truncate(0);
            for (long done = 0; done < capacity; done += FLUSH_STEP) {
                long start = System.nanoTime();
                Zeros.write(handle, done, Math.min(FLUSH_STEP, capacity - done));
                handle.force(false);
                if (WAITING.get() == 0) {
                    LockSupport.parkNanos(REST_FACTOR * (System.nanoTime() - start));
                }
            }
            handle.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

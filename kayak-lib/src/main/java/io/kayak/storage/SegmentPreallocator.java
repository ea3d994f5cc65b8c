package io.kayak.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Supplies the file for the next segment without making an append wait for a segment's worth of I/O.
 *
 * <p>Preferably it reuses a segment that compaction dropped ({@link #park}): its blocks are already allocated and
 * written, so reusing it costs one rename, where a fresh file costs writing and flushing the whole capacity in
 * zeros (which would double the disk writes of a busy log). Its old records stay in it; recovery tells them apart
 * because their indexes are below the segment's first index (compaction only drops segments whose every index is
 * below the log's first index, and the log only grows). Otherwise it prepares a fresh file, written full of zeros
 * and forced a mebibyte at a time, in the background. Either way the file waits under a {@value #SUFFIX} name, which the next open
 * deletes if a crash leaves it behind.
 */
final class SegmentPreallocator {
    static final String SUFFIX = ".prealloc";
    /** Zeros written between two forces of a fresh file. */
    private static final int FLUSH_STEP = 1 << 20;

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
        await();
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

    private void preallocate() {
        try (FileHandle handle = fs.open(file)) {
            handle.truncate(0);
            // Flushed a step at a time: one force of a whole segment's zeros keeps the device busy for hundreds of
            // milliseconds on a modest disk, and every log sync issued meanwhile waits behind it.
            for (long done = 0; done < capacity; done += FLUSH_STEP) {
                Zeros.write(handle, done, Math.min(FLUSH_STEP, capacity - done));
                handle.force(false);
            }
            handle.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

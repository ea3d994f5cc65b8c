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
 * Prepares the next segment file ahead of need: written full of zeros and forced, under a temporary name, off the
 * append path. Without it the append that fills a segment would write the next segment's zeros itself, and the
 * first sync after it would flush them: one commit in every segment's worth would stall for a whole segment of I/O.
 *
 * <p>The prepared file holds only zeros, so it changes nothing on disk that recovery reads: a crash before it is
 * renamed into the log leaves a {@value #SUFFIX} file that the next open deletes.
 */
final class SegmentPreallocator {
    static final String SUFFIX = ".prealloc";

    /** One daemon thread shared by every log in the JVM: preallocation is rare and I/O-bound. */
    static final Executor BACKGROUND = backgroundExecutor();

    private final FileLayer fs;
    private final Path file;
    private final int capacity;
    private final Executor executor;
    private CompletableFuture<Void> ready;

    SegmentPreallocator(FileLayer fs, Path logDir, int capacity, Executor executor) {
        this.fs = fs;
        this.file = logDir.resolve("next" + SUFFIX);
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

    /** The prepared file, waiting for it if it is not ready yet; the caller renames it away. */
    Path take() throws IOException {
        await();
        return file;
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
            Zeros.write(handle, 0, capacity);
            handle.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.kayak.storage;

import io.kayak.StorageFailedException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Settings of a {@link DataDirectory}. Immutable; each {@code with...} method returns a changed copy.
 *
 * @param segmentCapacity bytes per preallocated log segment (default 64 MiB); bounds the largest entry
 * @param cacheBytes      bytes of recent entries kept in memory for replication (default 4 MiB)
 * @param fileLayer       the file operations to use ({@link RealFileLayer} unless a test injects faults)
 * @param failureListener told once when the store fails stop (e.g. to raise an alert or a metric)
 * @param preallocationExecutor runs the preparation of the next segment (a shared daemon thread by default;
 *                        tests that need determinism pass {@code Runnable::run})
 */
public record StorageOptions(int segmentCapacity, long cacheBytes, FileLayer fileLayer,
                             Consumer<StorageFailedException> failureListener, Executor preallocationExecutor) {
    public static final int DEFAULT_SEGMENT_CAPACITY = 64 << 20;
    public static final long DEFAULT_CACHE_BYTES = 4 << 20;

    public StorageOptions {
        if (segmentCapacity < Segment.HEADER_SIZE + RecordFormat.HEADER_SIZE) {
            throw new IllegalArgumentException("segment capacity too small: " + segmentCapacity);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("negative cache size");
        }
        Objects.requireNonNull(fileLayer, "fileLayer");
        Objects.requireNonNull(failureListener, "failureListener");
        Objects.requireNonNull(preallocationExecutor, "preallocationExecutor");
    }

    /** The defaults: 64 MiB segments, a 4 MiB cache, the real file system, no listener, background preallocation. */
    public static StorageOptions defaults() {
        return new StorageOptions(DEFAULT_SEGMENT_CAPACITY, DEFAULT_CACHE_BYTES, RealFileLayer.INSTANCE, f -> { },
                SegmentPreallocator.BACKGROUND);
    }

    public StorageOptions withSegmentCapacity(int bytes) {
        return new StorageOptions(bytes, cacheBytes, fileLayer, failureListener, preallocationExecutor);
    }

    public StorageOptions withCacheBytes(long bytes) {
        return new StorageOptions(segmentCapacity, bytes, fileLayer, failureListener, preallocationExecutor);
    }

    public StorageOptions withFileLayer(FileLayer layer) {
        return new StorageOptions(segmentCapacity, cacheBytes, layer, failureListener, preallocationExecutor);
    }

    public StorageOptions withFailureListener(Consumer<StorageFailedException> listener) {
        return new StorageOptions(segmentCapacity, cacheBytes, fileLayer, listener, preallocationExecutor);
    }

    public StorageOptions withPreallocationExecutor(Executor executor) {
        return new StorageOptions(segmentCapacity, cacheBytes, fileLayer, failureListener, executor);
    }

    /** The largest payload a log entry may carry with these settings. */
    public int maxPayloadBytes() {
        return maxPayloadBytes(segmentCapacity);
    }

    /**
     * The largest payload a log entry may carry in segments of {@code segmentCapacity} bytes: the capacity less the
     * segment's header (32 bytes, {@code Segment.HEADER_SIZE}) and the record's (25,
     * {@code RecordFormat.HEADER_SIZE}).
     */
    public static int maxPayloadBytes(int segmentCapacity) {
        return segmentCapacity - Segment.HEADER_SIZE - RecordFormat.HEADER_SIZE;
    }
}

package io.kayak.storage;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Settings of a {@link DataDirectory}. Immutable; each {@code with...} method returns a changed copy.
 *
 * @param segmentCapacity bytes per preallocated log segment (default 64 MiB); bounds the largest entry
 * @param cacheBytes      bytes of recent entries kept in memory for replication (default 4 MiB)
 * @param fileLayer       the file operations to use ({@link RealFileLayer} unless a test injects faults)
 * @param failureListener told once when the store fails stop (e.g. to raise an alert or a metric)
 */
public record StorageOptions(int segmentCapacity, long cacheBytes, FileLayer fileLayer,
                             Consumer<StorageFailedException> failureListener) {
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
    }

    /** The defaults: 64 MiB segments, a 4 MiB cache, the real file system, no failure listener. */
    public static StorageOptions defaults() {
        return new StorageOptions(DEFAULT_SEGMENT_CAPACITY, DEFAULT_CACHE_BYTES, RealFileLayer.INSTANCE, f -> { });
    }

    public StorageOptions withSegmentCapacity(int bytes) {
        return new StorageOptions(bytes, cacheBytes, fileLayer, failureListener);
    }

    public StorageOptions withCacheBytes(long bytes) {
        return new StorageOptions(segmentCapacity, bytes, fileLayer, failureListener);
    }

    public StorageOptions withFileLayer(FileLayer layer) {
        return new StorageOptions(segmentCapacity, cacheBytes, layer, failureListener);
    }

    public StorageOptions withFailureListener(Consumer<StorageFailedException> listener) {
        return new StorageOptions(segmentCapacity, cacheBytes, fileLayer, listener);
    }

    /** The largest payload a log entry may carry with these settings. */
    public int maxPayloadBytes() {
        return segmentCapacity - Segment.HEADER_SIZE - RecordFormat.HEADER_SIZE;
    }
}

package io.kayak.core;

/**
 * The AppendEntries a leader has sent to one follower and not yet seen acknowledged, bounded in count and bytes.
 * This is the pipelining window: while it is full the follower is paused, so a slow follower costs bounded memory
 * and network, never an unbounded queue.
 */
final class Inflights {
    private final int capacity;
    private final long maxBytes;
    private final long[] lastIndexes;
    private final long[] sizes;
    private int start;
    private int count;
    private long bytes;

    Inflights(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.lastIndexes = new long[capacity];
        this.sizes = new long[capacity];
    }

    /** Records a message carrying entries up to {@code lastIndex}, {@code size} bytes in all. */
    void add(long lastIndex, long size) {
        if (count == capacity) {
            throw new IllegalStateException("inflight window is full");
        }
        int slot = (start + count) % capacity;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every message whose entries end at or before {@code index} (acknowledged). */
    void freeTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % capacity;
            count--;
        }
    }

    /** Frees the oldest message whatever its index. */
    void freeFirst() {
        if (count > 0) {
            bytes -= sizes[start];
            start = (start + 1) % capacity;
            count--;
        }
    }

    boolean full() {
        return count == capacity || bytes >= maxBytes;
    }

    int count() {
        return count;
    }

    void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}

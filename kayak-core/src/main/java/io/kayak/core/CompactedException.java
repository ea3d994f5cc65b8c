package io.kayak.core;

/** Thrown when an index is asked for that has already been compacted into a snapshot. */
public final class CompactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long index;
    private final long firstIndex;

    public CompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted; the log starts at " + firstIndex);
        this.index = index;
        this.firstIndex = firstIndex;
    }

    /** The index that was asked for. */
    public long index() {
        return index;
    }

    /** The first index the log still holds. */
    public long firstIndex() {
        return firstIndex;
    }
}

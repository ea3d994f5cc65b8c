package io.kayak.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry: its position (index), the term of the leader that created it, its kind and its payload.
 *
 * <p>Entries are immutable once created. The payload array is owned by the entry and must not be modified by
 * anyone after construction (it is not copied, so the hot path stays free of copies).
 */
public final class Entry {
    private static final byte[] EMPTY = new byte[0];

    private final long index;
    private final long term;
    private final EntryKind kind;
    private final byte[] payload;

    public Entry(long index, long term, EntryKind kind, byte[] payload) {
        if (index < 1) {
            throw new IllegalArgumentException("index must be >= 1: " + index);
        }
        if (term < 1) {
            throw new IllegalArgumentException("term must be >= 1: " + term);
        }
        this.index = index;
        this.term = term;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.payload = payload == null ? EMPTY : payload;
    }

    public static Entry normal(long index, long term, byte[] payload) {
        return new Entry(index, term, EntryKind.NORMAL, payload);
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, EntryKind.NOOP, EMPTY);
    }

    public long index() {
        return index;
    }

    public long term() {
        return term;
    }

    public EntryKind kind() {
        return kind;
    }

    /** The payload; never null. Do not modify it. */
    public byte[] payload() {
        return payload;
    }

    /** Bytes this entry accounts for in batching and flow-control limits (payload plus a fixed header). */
    public int size() {
        return payload.length + 24;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Entry)) {
            return false;
        }
        Entry other = (Entry) o;
        return index == other.index && term == other.term && kind == other.kind
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, kind) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + kind + " " + payload.length + "B}";
    }
}

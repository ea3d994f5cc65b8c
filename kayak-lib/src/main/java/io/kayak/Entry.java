package io.kayak;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One committed entry of the replicated log: its index (position, from 1, contiguous), the term of the leader that
 * appended it, its {@link EntryKind kind} and its payload. Immutable: the payload is copied in, and
 * {@link #payload()} hands out a copy, so nothing a caller does to an array changes an entry.
 */
public final class Entry {
    private static final byte[] EMPTY = new byte[0];

    private final long index;
    private final long term;
    private final EntryKind kind;
    private final byte[] payload;

    /**
     * An entry; {@code payload} is copied.
     *
     * @throws IllegalArgumentException when {@code index} or {@code term} is below 1
     * @throws NullPointerException     when {@code kind} or {@code payload} is null
     */
    public Entry(long index, long term, EntryKind kind, byte[] payload) {
        this(kind, index, term, Objects.requireNonNull(payload, "payload").length == 0 ? EMPTY : payload.clone());
    }

    /**
     * An entry whose payload is {@code length} bytes of {@code source} from {@code offset}, copied once.
     *
     * @throws IllegalArgumentException  when {@code index} or {@code term} is below 1
     * @throws IndexOutOfBoundsException when the range is not inside {@code source}
     */
    public static Entry copyOf(long index, long term, EntryKind kind, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        return new Entry(kind, index, term,
                length == 0 ? EMPTY : Arrays.copyOfRange(source, offset, offset + length));
    }

    /** Takes {@code owned} as the payload without a copy (the parameter order keeps it apart from the public one). */
    private Entry(EntryKind kind, long index, long term, byte[] owned) {
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("index and term start at 1, not " + index + " and " + term);
        }
        this.index = index;
        this.term = term;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.payload = owned;
    }

    /** The entry's position in the log, from 1. */
    public long index() {
        return index;
    }

    /** The term of the leader that appended it. */
    public long term() {
        return term;
    }

    /** Whether it is the application's ({@link EntryKind#NORMAL}) or one of Kayak's own. */
    public EntryKind kind() {
        return kind;
    }

    /** A copy of the payload (empty for Kayak's own entries). */
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as a read-only buffer, without a copy. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** The payload's length in bytes. */
    public int payloadSize() {
        return payload.length;
    }

    /** Equal when index, term, kind and payload bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Entry other && index == other.index && term == other.term && kind == other.kind
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

package io.kayak.storage;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import java.nio.ByteBuffer;

/**
 * The layout of one log record: {@code [length u32][crc32c u32][term u64][index u64][kind u8][payload]}, big-endian.
 *
 * <p>{@code length} is the whole record's size including this header, so a zero length (what a preallocated or
 * wiped segment holds) can never be a record and marks the end of the data. The CRC covers every byte of the
 * record except itself, the length included, so a damaged length is detected like a damaged payload.
 */
final class RecordFormat {
    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int TERM_OFFSET = 8;
    static final int INDEX_OFFSET = 16;
    static final int KIND_OFFSET = 24;
    /** Bytes before the payload. */
    static final int HEADER_SIZE = 25;

    private RecordFormat() {
    }

    /** The on-disk size of {@code entry}'s record. */
    static int recordSize(Entry entry) {
        return HEADER_SIZE + entry.payload().length;
    }

    /** Writes {@code entry}'s record at {@code out}'s position, advancing it. */
    static void write(Entry entry, ByteBuffer out) {
        int start = out.position();
        int size = recordSize(entry);
        out.putInt(size);
        out.putInt(0);
        out.putLong(entry.term());
        out.putLong(entry.index());
        out.put((byte) entry.kind().code());
        out.put(entry.payload());
        out.putInt(start + CRC_OFFSET, checksum(out, start, size));
    }

    /**
     * The checksum a record of {@code size} bytes at {@code start} in {@code buffer} must carry. Moves the buffer's
     * position and limit meanwhile and restores them (no view per record: this runs for every entry written), so
     * the buffer must not be used by another thread at the same time.
     */
    static int checksum(ByteBuffer buffer, int start, int size) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        int position = buffer.position();
        int limit = buffer.limit();
        try {
            buffer.limit(start + CRC_OFFSET).position(start);
            crc.update(buffer);
            buffer.limit(start + size).position(start + TERM_OFFSET);
            crc.update(buffer);
        } finally {
            buffer.limit(limit).position(position);
        }
        return (int) crc.getValue();
    }

    /**
     * Decodes the record at {@code start} of {@code size} bytes, which the caller has already checked with
     * {@link #checksum}.
     */
    static Entry read(ByteBuffer buffer, int start, int size) {
        long term = buffer.getLong(start + TERM_OFFSET);
        long index = buffer.getLong(start + INDEX_OFFSET);
        EntryKind kind = EntryKind.fromCode(buffer.get(start + KIND_OFFSET));
        byte[] payload = new byte[size - HEADER_SIZE];
        buffer.get(start + HEADER_SIZE, payload);
        return new Entry(index, term, kind, payload);
    }
}

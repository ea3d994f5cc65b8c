package io.kayak.storage;

import io.kayak.UnsupportedFormatException;
import io.kayak.StorageCorruptedException;
import io.kayak.core.EntryKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Rebuilds a segment's index on open by reading its records, and applies the recovery rules.
 *
 * <ul>
 *   <li>An invalid record (impossible length, checksum mismatch) is a <em>torn tail</em> only when it is in the
 *       last segment and no valid record follows it: that record was being written when the process died, and it
 *       cannot have been acknowledged because {@code sync} forces it before returning. It is cut.</li>
 *   <li>A valid record whose index is below the segment's first index is left over from the file's earlier use
 *       as a segment that compaction dropped (files are reused); the segment's data ends before it.</li>
 *   <li>Anything else is corruption, reported with file, offset and what was expected: an invalid record in an
 *       earlier segment (the log forces a segment before it starts the next one, so only the last can be torn),
 *       an invalid record followed by a valid one, a record with the wrong index, an unknown kind.</li>
 * </ul>
 */
final class SegmentScanner {
    private static final int WINDOW = 1 << 20;

    /** Receives every valid record in log order. */
    interface RecordSink {
        void record(long index, long term, EntryKind kind);
    }

    private final Path file;
    private final FileHandle handle;
    private final long fileSize;
    private ByteBuffer window = ByteBuffer.allocate(0);
    private long windowStart;

    SegmentScanner(Path file, FileHandle handle) throws IOException {
        this.file = file;
        this.handle = handle;
        this.fileSize = handle.size();
    }

    /**
     * Reads and checks the header; returns the segment's first index, or -1 when the header is absent or torn
     * (possible only for a segment created after the last sync).
     */
    long readHeader() throws IOException {
        if (!load(0, Segment.HEADER_SIZE)) {
            return -1;
        }
        int stored = window.getInt(offsetInWindow(Segment.HEADER_SIZE - 4));
        byte[] header = new byte[Segment.HEADER_SIZE];
        window.get(offsetInWindow(0), header);
        if (stored != Crc32c.of(header, 0, Segment.HEADER_SIZE - 4)) {
            return -1;
        }
        int magic = window.getInt(offsetInWindow(0));
        if (magic != Segment.MAGIC) {
            throw new StorageCorruptedException(file, 0, "expected segment magic " + Integer.toHexString(
                    Segment.MAGIC) + ", found " + Integer.toHexString(magic));
        }
        int version = window.getInt(offsetInWindow(4));
        if (version != Segment.VERSION) {
            throw new UnsupportedFormatException(file, 4, version, Segment.VERSION);
        }
        return window.getLong(offsetInWindow(8));
    }

    /** Scans the records of {@code segment} (empty, header already checked), filling its index. */
    void scanRecords(Segment segment, boolean last, RecordSink sink) throws IOException {
        long position = Segment.HEADER_SIZE;
        long expected = segment.firstIndex();
        while (true) {
            if (!load(position, 4)) {
                return;
            }
            int length = window.getInt(offsetInWindow(position));
            if (length == 0) {
                return;
            }
            String problem = null;
            if (length < RecordFormat.HEADER_SIZE || position + length > fileSize) {
                problem = "expected a record length between " + RecordFormat.HEADER_SIZE + " and "
                        + (fileSize - position) + ", found " + length;
            } else {
                load(position, length);
                int at = offsetInWindow(position);
                if (window.getInt(at + RecordFormat.CRC_OFFSET) != RecordFormat.checksum(window, at, length)) {
                    problem = "expected a record with a matching crc32c";
                }
            }
            if (problem != null) {
                if (!last) {
                    throw new StorageCorruptedException(file, position, problem + " (only the last segment may "
                            + "end in a torn record)");
                }
                if (length >= RecordFormat.HEADER_SIZE && validRecordAt(position + length, expected + 1)) {
                    throw new StorageCorruptedException(file, position, problem + "; a valid record follows at "
                            + (position + length) + ", so this is not a torn tail");
                }
                return;
            }
            int at = offsetInWindow(position);
            long index = window.getLong(at + RecordFormat.INDEX_OFFSET);
            if (index < segment.firstIndex()) {
                return; // a record from the file's earlier life as a compacted segment: the data ends here
            }
            if (index != expected) {
                throw new StorageCorruptedException(file, position, "expected index " + expected + ", found "
                        + index);
            }
            EntryKind kind;
            try {
                kind = EntryKind.fromCode(window.get(at + RecordFormat.KIND_OFFSET));
            } catch (IllegalArgumentException e) {
                throw new StorageCorruptedException(file, position + RecordFormat.KIND_OFFSET,
                        "expected an entry kind: " + e.getMessage());
            }
            sink.record(index, window.getLong(at + RecordFormat.TERM_OFFSET), kind);
            segment.appended(length);
            position += length;
            expected++;
        }
    }

    /**
     * Zeros every non-zero byte after {@code from} and forces the file, so that no torn or stale bytes can later
     * be read back as part of a record written over them. Returns whether anything had to be wiped.
     */
    boolean wipeAfter(long from) throws IOException {
        long lastNonZero = -1;
        for (long chunk = from; chunk < fileSize; chunk += WINDOW) {
            int n = (int) Math.min(WINDOW, fileSize - chunk);
            load(chunk, n);
            int base = offsetInWindow(chunk);
            for (int i = n - 1; i >= 0; i--) {
                if (window.get(base + i) != 0) {
                    lastNonZero = chunk + i;
                    break;
                }
            }
        }
        if (lastNonZero < 0) {
            return false;
        }
        Zeros.write(handle, from, lastNonZero + 1 - from);
        handle.force(false);
        return true;
    }

    private boolean validRecordAt(long position, long expectedIndex) throws IOException {
        if (!load(position, RecordFormat.HEADER_SIZE)) {
            return false;
        }
        int length = window.getInt(offsetInWindow(position));
        if (length < RecordFormat.HEADER_SIZE || position + length > fileSize || !load(position, length)) {
            return false;
        }
        int at = offsetInWindow(position);
        return window.getInt(at + RecordFormat.CRC_OFFSET) == RecordFormat.checksum(window, at, length)
                && window.getLong(at + RecordFormat.INDEX_OFFSET) == expectedIndex;
    }

    /** Makes bytes {@code [position, position + n)} available in the window; false when the file ends first. */
    private boolean load(long position, int n) throws IOException {
        if (position + n > fileSize) {
            return false;
        }
        if (position >= windowStart && position + n <= windowStart + window.limit()) {
            return true;
        }
        int size = (int) Math.min(Math.max(n, WINDOW), fileSize - position);
        if (window.capacity() < size) {
            window = ByteBuffer.allocate(size);
        }
        window.clear().limit(size);
        handle.readFully(window, position);
        window.flip();
        windowStart = position;
        return window.limit() >= n;
    }

    private int offsetInWindow(long position) {
        return (int) (position - windowStart);
    }
}

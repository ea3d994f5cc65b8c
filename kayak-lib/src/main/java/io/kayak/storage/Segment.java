package io.kayak.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One preallocated segment file of the log and its in-memory index: the byte offset of every record it holds.
 *
 * <p>File layout: a {@value #HEADER_SIZE}-byte header {@code [magic u32][version u32][first index u64][zeros]
 * [crc32c u32]}, then records back to back ({@link RecordFormat}), then zeros up to the fixed capacity. The index is
 * an {@code int[]} (four bytes per entry), never an object per entry. Not thread-safe: the log guards it.
 */
final class Segment {
    static final int HEADER_SIZE = 32;
    static final int MAGIC = 0x4B594C47; // "KYLG"
    static final int VERSION = 1;
    static final String SUFFIX = ".seg";

    private final Path file;
    private final FileHandle handle;
    private final long firstIndex;
    private final int capacity;
    private int[] offsets;
    private int count;
    private int end;

    Segment(Path file, FileHandle handle, long firstIndex, int capacity) {
        this.file = file;
        this.handle = handle;
        this.firstIndex = firstIndex;
        this.capacity = capacity;
        this.offsets = new int[64];
        this.end = HEADER_SIZE;
    }

    /** The file name of the segment whose first record has {@code firstIndex}: sorts like the indexes. */
    static String fileName(long firstIndex) {
        return String.format("%020d%s", firstIndex, SUFFIX);
    }

    /** The header bytes of a segment starting at {@code firstIndex}. */
    static ByteBuffer header(long firstIndex) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.putInt(MAGIC).putInt(VERSION).putLong(firstIndex);
        header.putInt(HEADER_SIZE - 4, Crc32c.of(header.array(), 0, HEADER_SIZE - 4));
        return header.rewind();
    }

    Path file() {
        return file;
    }

    FileHandle handle() {
        return handle;
    }

    long firstIndex() {
        return firstIndex;
    }

    /** The last index held, or {@code firstIndex() - 1} when empty. */
    long lastIndex() {
        return firstIndex + count - 1;
    }

    int count() {
        return count;
    }

    /** Where the next record goes. */
    int end() {
        return end;
    }

    boolean fits(int recordSize) {
        return (long) end + recordSize <= capacity;
    }

    /** Records that a record of {@code size} bytes for the next index was written at {@link #end()}. */
    void appended(int size) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = end;
        end += size;
    }

    int offsetOf(long index) {
        return offsets[(int) (index - firstIndex)];
    }

    int sizeOf(long index) {
        int slot = (int) (index - firstIndex);
        return (slot + 1 < count ? offsets[slot + 1] : end) - offsets[slot];
    }

    /** Forgets records from {@code index} on; returns the byte offset where they started. */
    int truncateFrom(long index) {
        int slot = (int) (index - firstIndex);
        int from = slot < count ? offsets[slot] : end;
        count = slot;
        end = from;
        return from;
    }

    void close() throws IOException {
        handle.close();
    }

    @Override
    public String toString() {
        return file.getFileName() + "[" + firstIndex + ".." + lastIndex() + "]";
    }
}

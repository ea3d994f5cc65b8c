package io.kayak.storage;

import io.kayak.StorageCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A complete snapshot's file opened for reading its raw bytes, to stream it to another member unchanged. Reads are
 * positional, so a transfer can resume anywhere. Not thread-safe; close it when done.
 */
public final class SnapshotFile implements AutoCloseable {
    private static final int CRC_BUFFER = 256 << 10;

    private final Path file;
    private final FileHandle handle;
    private final SnapshotMetadata metadata;
    private final FailStop failStop;
    private final long size;

    SnapshotFile(Path file, FileHandle handle, SnapshotMetadata metadata, FailStop failStop) throws IOException {
        this.file = file;
        this.handle = handle;
        this.metadata = metadata;
        this.failStop = failStop;
        this.size = handle.size();
    }

    public SnapshotMetadata metadata() {
        return metadata;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /** Reads up to {@code length} bytes from {@code offset}; fewer only at the end of the file. */
    public byte[] read(long offset, int length) {
        int n = (int) Math.min(length, size - offset);
        if (offset < 0 || n <= 0) {
            throw new IllegalArgumentException("no bytes at offset " + offset + " of a " + size + "-byte snapshot");
        }
        ByteBuffer buffer = ByteBuffer.allocate(n);
        try {
            if (handle.readFully(buffer, offset) < n) {
                throw new StorageCorruptedException(file, offset, "expected " + n + " bytes, the file ends first");
            }
        } catch (IOException e) {
            throw failStop.fail(file, "read snapshot", e);
        }
        return buffer.array();
    }

    /** The CRC32C over the whole file, read in small pieces. */
    public int crc32c() {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(CRC_BUFFER);
        try {
            for (long at = 0; at < size; ) {
                buffer.clear().limit((int) Math.min(CRC_BUFFER, size - at));
                int n = handle.readFully(buffer, at);
                if (n <= 0) {
                    throw new StorageCorruptedException(file, at, "expected more bytes, the file ends first");
                }
                buffer.flip();
                crc.update(buffer);
                at += n;
            }
        } catch (IOException e) {
            throw failStop.fail(file, "read snapshot", e);
        }
        return (int) crc.getValue();
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (IOException e) {
            throw failStop.fail(file, "close snapshot", e);
        }
    }
}

package io.kayak.storage;

import io.kayak.StorageCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Streams the events of a committed snapshot, checking each one's CRC; memory use is one buffer plus the current
 * event. {@link #next()} returns null after the last event, once the trailer has confirmed the count. Not
 * thread-safe.
 */
public final class SnapshotReader implements AutoCloseable {
    private static final int BUFFER = 64 << 10;

    private final Path file;
    private final FileHandle handle;
    private final SnapshotMetadata metadata;
    private final FailStop failStop;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private long position;
    private long count;
    private boolean finished;

    SnapshotReader(Path file, FileHandle handle, SnapshotMetadata metadata, long eventsStart, FailStop failStop) {
        this.file = file;
        this.handle = handle;
        this.metadata = metadata;
        this.failStop = failStop;
        this.position = eventsStart;
        this.buffer.limit(0);
    }

    public SnapshotMetadata metadata() {
        return metadata;
    }

    /** The file being read, for messages. */
    public Path file() {
        return file;
    }

    /**
     * The next event, or null after the last one.
     *
     * @throws StorageCorruptedException when an event or the trailer is damaged or missing
     */
    public byte[] next() {
        if (finished) {
            return null;
        }
        failStop.check();
        long at = position;
        int length = readBytes(4).getInt();
        if (length == SnapshotFormat.END_MARKER) {
            ByteBuffer trailer = readBytes(12);
            long stored = trailer.getLong();
            CRC32C crc = new CRC32C();
            crc.update(trailer.duplicate().position(0).limit(8));
            if (trailer.getInt() != (int) crc.getValue() || stored != count) {
                throw new StorageCorruptedException(file, at, "expected a trailer counting " + count + " events");
            }
            finished = true;
            return null;
        }
        if (length < 0) {
            throw new StorageCorruptedException(file, at, "expected an event length, found " + length);
        }
        int storedCrc = readBytes(4).getInt();
        byte[] event = new byte[length];
        int filled = 0;
        while (filled < length) {
            ByteBuffer part = readBytes(Math.min(BUFFER, length - filled));
            int n = part.remaining();
            part.get(event, filled, n);
            filled += n;
        }
        CRC32C crc = new CRC32C();
        crc.update(event);
        if ((int) crc.getValue() != storedCrc) {
            throw new StorageCorruptedException(file, at, "expected an event with a matching crc32c");
        }
        count++;
        return event;
    }

    /** Reads exactly {@code n <= BUFFER} bytes at the current position, refilling the buffer as needed. */
    private ByteBuffer readBytes(int n) {
        if (buffer.remaining() < n) {
            buffer.compact();
            try {
                long readAt = position + buffer.position();
                while (buffer.position() < n) {
                    int read = handle.read(buffer, readAt);
                    if (read < 0) {
                        throw new StorageCorruptedException(file, position, "expected " + n
                                + " more bytes, the file ends (a snapshot must end with its trailer)");
                    }
                    readAt += read;
                }
            } catch (IOException e) {
                throw failStop.fail(file, "read snapshot", e);
            }
            buffer.flip();
        }
        ByteBuffer out = buffer.slice();
        out.limit(n);
        buffer.position(buffer.position() + n);
        position += n;
        return out;
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (IOException e) {
            // Only a read handle: closing it cannot lose data.
        }
    }
}

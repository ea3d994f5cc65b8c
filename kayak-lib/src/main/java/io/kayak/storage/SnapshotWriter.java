package io.kayak.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot to disk under a temporary name. Nothing is visible to readers until {@link #commit()}
 * returns, at which point the snapshot is durable and the older one is gone. {@link #close()} without a commit
 * discards it. Buffered: memory use is one small buffer whatever the snapshot's size. Not thread-safe.
 */
public final class SnapshotWriter implements AutoCloseable {
    private static final int BUFFER = 64 << 10;

    private final SnapshotStore store;
    private final SnapshotMetadata metadata;
    private final Path partial;
    private final FileHandle handle;
    private final FailStop failStop;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private long position;
    private long count;
    private boolean done;

    SnapshotWriter(SnapshotStore store, SnapshotMetadata metadata, Path partial, FileHandle handle, byte[] header,
                   FailStop failStop) {
        this.store = store;
        this.metadata = metadata;
        this.partial = partial;
        this.handle = handle;
        this.failStop = failStop;
        put(ByteBuffer.wrap(header));
    }

    /** Appends one event. */
    public void write(byte[] event) {
        checkOpen();
        CRC32C crc = new CRC32C();
        crc.update(event);
        ByteBuffer head = ByteBuffer.allocate(8).putInt(event.length).putInt((int) crc.getValue()).flip();
        put(head);
        put(ByteBuffer.wrap(event));
        count++;
    }

    /** The number of events written so far. */
    public long count() {
        return count;
    }

    /**
     * Completes the snapshot: writes the trailer, forces the file, renames it to its final name, forces the
     * directory, and only then deletes older snapshots. Returns once the snapshot is durable.
     */
    public SnapshotMetadata commit() {
        checkOpen();
        ByteBuffer countBytes = ByteBuffer.allocate(8).putLong(count).flip();
        CRC32C crc = new CRC32C();
        crc.update(countBytes.duplicate());
        put(ByteBuffer.allocate(16).putInt(SnapshotFormat.END_MARKER).putLong(count)
                .putInt((int) crc.getValue()).flip());
        try {
            flush();
            handle.force(true);
            handle.close();
        } catch (IOException e) {
            throw failStop.fail(partial, "write snapshot", e);
        }
        done = true;
        store.install(partial, metadata);
        return metadata;
    }

    /** Discards the snapshot unless it was committed. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            handle.close();
            store.discard(partial);
        } catch (IOException e) {
            throw failStop.fail(partial, "discard a partial snapshot", e);
        }
    }

    private void put(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = Math.min(buffer.remaining(), bytes.remaining());
                ByteBuffer slice = bytes.slice();
                slice.limit(n);
                buffer.put(slice);
                bytes.position(bytes.position() + n);
            }
        } catch (IOException e) {
            throw failStop.fail(partial, "write snapshot", e);
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        int n = buffer.remaining();
        handle.write(buffer, position);
        position += n;
        buffer.clear();
    }

    private void checkOpen() {
        failStop.check();
        if (done) {
            throw new IllegalStateException("the snapshot writer is closed");
        }
    }
}

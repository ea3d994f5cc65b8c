package io.kayak.storage;

import io.kayak.StorageCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A snapshot file being received from another member, written in order under a temporary name. Nothing changes
 * for readers of the store until {@link #complete} has checked the whole file (size, CRC32C over every byte,
 * header, trailer), forced it to disk and installed it; {@link #abort()} deletes it. Memory use is independent of
 * the snapshot's size: each piece goes straight to the file. Not thread-safe.
 */
public final class IncomingSnapshot {
    private final SnapshotStore store;
    private final Path partial;
    private final FileHandle handle;
    private final long lastIndex;
    private final long lastTerm;
    private final FailStop failStop;
    private final CRC32C crc = new CRC32C();
    private long received;
    private boolean done;

    IncomingSnapshot(SnapshotStore store, Path partial, FileHandle handle, long lastIndex, long lastTerm,
                     FailStop failStop) {
        this.store = store;
        this.partial = partial;
        this.handle = handle;
        this.lastIndex = lastIndex;
        this.lastTerm = lastTerm;
        this.failStop = failStop;
    }

    public long lastIndex() {
        return lastIndex;
    }

    public long lastTerm() {
        return lastTerm;
    }

    /** How many bytes were received, in order, so far: where the next piece must start. */
    public long received() {
        return received;
    }

    /** Appends {@code data}, which must start at {@link #received()}. */
    public void write(long offset, byte[] data) {
        checkOpen();
        if (offset != received) {
            throw new IllegalArgumentException("expected the piece at offset " + received + ", not " + offset);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                handle.write(buffer, received + buffer.position());
            }
        } catch (IOException e) {
            throw failStop.fail(partial, "write received snapshot", e);
        }
        crc.update(data);
        received += data.length;
    }

    /**
     * Checks the complete file against the sender's {@code totalSize} and {@code totalCrc}, and its own header
     * (index and term as announced) and trailer; then forces it and installs it as the newest snapshot, unless a
     * newer one exists already. Returns the snapshot's metadata.
     *
     * @throws StorageCorruptedException when a check fails; the file is deleted and the transfer must start over
     */
    public SnapshotMetadata complete(long totalSize, int totalCrc) {
        checkOpen();
        try {
            if (received != totalSize || (int) crc.getValue() != totalCrc) {
                throw new StorageCorruptedException(partial, received, "expected " + totalSize
                        + " bytes with crc32c " + Integer.toHexString(totalCrc) + ", received " + received
                        + " bytes with crc32c " + Integer.toHexString((int) crc.getValue()));
            }
            SnapshotMetadata metadata = SnapshotStore.parseHeader(partial, handle).metadata();
            if (metadata.lastIndex() != lastIndex || metadata.lastTerm() != lastTerm) {
                throw new StorageCorruptedException(partial, 8, "expected a snapshot at index " + lastIndex
                        + " term " + lastTerm + ", the file covers index " + metadata.lastIndex() + " term "
                        + metadata.lastTerm());
            }
            checkTrailer();
            handle.force(true);
            handle.close();
            done = true;
            store.installReceived(partial, metadata);
            return metadata;
        } catch (IOException e) {
            abort();
            throw failStop.fail(partial, "complete received snapshot", e);
        } catch (StorageCorruptedException e) {
            abort();
            throw e;
        }
    }

    private void checkTrailer() throws IOException {
        ByteBuffer trailer = ByteBuffer.allocate(16);
        if (received < 16 || handle.readFully(trailer, received - 16) < 16) {
            throw new StorageCorruptedException(partial, received, "expected a trailer, the file is too short");
        }
        trailer.flip();
        CRC32C countCrc = new CRC32C();
        countCrc.update(trailer.duplicate().position(4).limit(12));
        if (trailer.getInt(0) != SnapshotFormat.END_MARKER || trailer.getInt(12) != (int) countCrc.getValue()) {
            throw new StorageCorruptedException(partial, received - 16, "expected the snapshot trailer");
        }
    }

    /** Deletes the partial file; the store is as before. Idempotent. */
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            handle.close();
            store.discardReceived(partial);
        } catch (IOException e) {
            throw failStop.fail(partial, "discard a received snapshot", e);
        }
    }

    private void checkOpen() {
        failStop.check();
        if (done) {
            throw new IllegalStateException("the received snapshot is closed");
        }
    }
}

package io.kayak.runtime;

/** Exposes the snapshot sender's sizes to tests in other packages. */
public final class SnapshotTesting {
    private SnapshotTesting() {
    }

    public static int chunkBytes() {
        return SnapshotSender.CHUNK_BYTES;
    }
}

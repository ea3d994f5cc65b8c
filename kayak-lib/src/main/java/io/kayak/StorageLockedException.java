package io.kayak;

import java.nio.file.Path;

/** The data directory is already open, by another process or earlier in this JVM; two writers would corrupt it. */
public final class StorageLockedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** The lock {@code lockFile} is held; {@code why} says by whom, when known. */
    public StorageLockedException(Path lockFile, String why) {
        super(lockFile, NO_OFFSET, "the data directory is locked: " + why);
    }
}

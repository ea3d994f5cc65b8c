package io.kayak;

import java.nio.file.Path;

/**
 * The store has failed stop: a write, force, rename or read hit an I/O error (disk full, EIO). Once thrown, every
 * later call on the same store throws this exception again, with the first failure as its cause, and nothing is
 * acknowledged as durable any more: after a failed {@code fsync} the kernel may have dropped the dirty pages, so
 * retrying could report data durable that is not.
 */
public final class StorageFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** The failure of an operation on {@code file}, with the I/O error as {@code cause}. */
    public StorageFailedException(Path file, String message, Throwable cause) {
        super(file, NO_OFFSET, "storage failed: " + message, cause);
    }
}

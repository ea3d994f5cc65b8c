package io.kayak;

import java.nio.file.Path;

/**
 * Thrown on open when the data on disk cannot be what this storage wrote: a bad checksum before the last record, a
 * gap in indexes, a malformed header. The store refuses to start rather than guess; the message names the file,
 * the offset and what was expected there.
 */
public final class StorageCorruptedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Corruption in {@code file} at {@code offset}; {@code message} says what was expected there. */
    public StorageCorruptedException(Path file, long offset, String message) {
        super(file, offset, "corrupted: " + message);
    }
}

package io.kayak;

import java.nio.file.Path;

/**
 * A storage problem, naming the file and (where it applies) the byte offset involved. Subclasses say which kind of
 * problem: corruption found on open, a lock held by someone else, an unsupported format, or a failed disk.
 */
public class StorageException extends KayakException {
    private static final long serialVersionUID = 1L;
    /** The offset value used when a problem concerns a whole file rather than a position in it. */
    public static final long NO_OFFSET = -1;

    private final transient Path file;
    private final long offset;

    /** A problem with {@code file} at {@code offset} ({@link #NO_OFFSET} for the whole file), caused by {@code cause}. */
    public StorageException(Path file, long offset, String message, Throwable cause) {
        super(describe(file, offset, message), cause);
        this.file = file;
        this.offset = offset;
    }

    /** A problem with {@code file} at {@code offset} ({@link #NO_OFFSET} for the whole file). */
    public StorageException(Path file, long offset, String message) {
        this(file, offset, message, null);
    }

    private static String describe(Path file, long offset, String message) {
        return file + (offset == NO_OFFSET ? "" : " at offset " + offset) + ": " + message;
    }

    /** The file involved. */
    public Path file() {
        return file;
    }

    /** The byte offset in {@link #file()}, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }
}

package io.kayak;

import java.nio.file.Path;

/**
 * The data on disk was written in a format version this code does not know (typically by a newer Kayak). It is
 * left untouched: an older binary must never rewrite a newer format.
 */
public final class UnsupportedFormatException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** {@code file} holds format version {@code found}; this build reads up to {@code supported}. */
    public UnsupportedFormatException(Path file, long offset, int found, int supported) {
        super(file, offset, "format version " + found + " is not supported; this build reads up to version "
                + supported);
    }
}

package io.kayak.core;

import java.util.Objects;

/**
 * A configuration together with the log index at which it was written (the index of its {@link EntryKind#CONFIG}
 * entry, or of the snapshot that recorded it).
 */
public record IndexedConfiguration(long index, Configuration configuration) {
    public IndexedConfiguration {
        Objects.requireNonNull(configuration, "configuration");
        if (index < 0) {
            throw new IllegalArgumentException("negative index " + index);
        }
    }
}

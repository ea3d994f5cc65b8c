package io.kayak.core;

import java.util.Objects;

/**
 * What the core knows of a snapshot: the last index and term it covers and the membership configuration in force at
 * that index. The snapshot's data belongs to the application and the driver; the core never sees it.
 */
public record SnapshotMetadata(long index, long term, Configuration configuration) {
    public SnapshotMetadata {
        Objects.requireNonNull(configuration, "configuration");
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("a snapshot covers at least one entry: index " + index + ", term "
                    + term);
        }
    }
}

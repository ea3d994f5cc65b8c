package io.kayak.storage;

import io.kayak.core.Configuration;
import java.util.Objects;

/**
 * What a snapshot covers: every entry up to {@code lastIndex} (whose term is {@code lastTerm}) and the membership
 * configuration in force at that index.
 */
public record SnapshotMetadata(long lastIndex, long lastTerm, Configuration configuration) {
    public SnapshotMetadata {
        if (lastIndex < 0 || lastTerm < 0) {
            throw new IllegalArgumentException("negative index or term: " + lastIndex + ", " + lastTerm);
        }
        Objects.requireNonNull(configuration, "configuration");
    }
}

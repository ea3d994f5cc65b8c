package io.kayak.core.sim;

import io.kayak.core.SnapshotMetadata;

/**
 * A simulated member's snapshot: the core's metadata plus the "data", which is the hash of the applied sequence
 * up to the snapshot's index. A member that installs it continues its hash chain from there, so state-machine
 * safety is checked across installs just as across applies.
 */
record SimSnapshot(SnapshotMetadata metadata, long stateHash) {
    long index() {
        return metadata.index();
    }
}

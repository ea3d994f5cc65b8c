package io.kayak.core.sim;

import io.kayak.core.SnapshotMetadata;

/**
 * A simulated member's snapshot: the core's metadata plus the "data", which is the hash of the applied sequence
 * up to the snapshot's index. A member that installs it continues its hash chain from there, so state-machine
 * safety is checked across installs just as across applies.
 *
 * <p>On seeds with sessions the snapshot also carries the member's session table as of its index
 * ({@link io.kayak.core.session.SessionTable#encode}), as the library's section of a real snapshot will; it is
 * {@code null} otherwise.
 */
record SimSnapshot(SnapshotMetadata metadata, long stateHash, byte[] sessions) {
    long index() {
        return metadata.index();
    }
}

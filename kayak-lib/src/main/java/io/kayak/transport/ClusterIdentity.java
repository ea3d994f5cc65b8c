package io.kayak.transport;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster id this member presents and expects at every handshake. Empty while the member is joining and
 * has not learnt it yet; set once, from the JOIN answer, and never changed afterwards. Thread-safe.
 */
final class ClusterIdentity {
    private final AtomicReference<String> id;

    ClusterIdentity(String initial) {
        this.id = new AtomicReference<>(initial);
    }

    String get() {
        return id.get();
    }

    /**
     * Fixes the id if it is not known yet.
     *
     * @return whether it was unknown and is now {@code clusterId}
     * @throws IllegalStateException if another id is already fixed: a member never moves between clusters
     */
    boolean adopt(String clusterId) {
        if (clusterId.isEmpty()) {
            throw new IllegalArgumentException("empty cluster id");
        }
        if (id.compareAndSet("", clusterId)) {
            return true;
        }
        if (!id.get().equals(clusterId)) {
            throw new IllegalStateException("member of cluster " + id.get() + " cannot adopt cluster " + clusterId);
        }
        return false;
    }
}

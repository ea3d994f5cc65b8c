package io.kayak;

import io.kayak.core.MemoryLogStore;
import io.kayak.runtime.NettyPeerNetwork;
import io.kayak.runtime.PeerNetwork;
import io.kayak.runtime.RaftHost;
import io.kayak.runtime.StoredMember;
import io.kayak.storage.StorageOptions;

import java.util.List;

/**
 * Entry point: {@link #start} seeds a new cluster (or resumes a member from its data directory), {@link #join} adds
 * a new member to an existing cluster through any of its members.
 */
public final class Kayak {
    private Kayak() {
    }

    /**
     * Seeds a new one-member cluster; other hosts then {@link #join} it. On a data directory that already holds a
     * member, resumes that member instead (same id, term, log and membership): it never forms a new cluster.
     *
     * @throws KayakException when the data directory belongs to another member than {@link HostOptions#id()}, is
     *                        locked by another host, or is corrupt (a {@link io.kayak.StorageException})
     */
    public static Host start(HostOptions options) {
        StoredMember stored = open(options);
        return RaftHost.open(options, stored, network(options), true);
    }

    /**
     * Joins the cluster that the members at {@code peers} belong to, asking each in turn (any member will do: it
     * redirects to the leader). The new member starts as a learner and is promoted to voter by the leader once it
     * has caught up. Returns once the configuration admitting it has reached it. On a data directory that already
     * holds a member, the stored membership wins and {@code peers} is ignored.
     */
    public static Host join(HostOptions options, List<String> peers) {
        StoredMember stored = open(options);
        RaftHost host = RaftHost.open(options, stored, network(options), false);
        try {
            host.joinThrough(peers);
            return host;
        } catch (RuntimeException e) {
            host.stop();
            throw e;
        }
    }

    private static StoredMember open(HostOptions options) {
        return options.dataDir() == null ? StoredMember.inMemory(options.id(), new MemoryLogStore())
                : StoredMember.open(options.dataDir(), options.id(),
                        StorageOptions.defaults().withSegmentCapacity(options.segmentCapacity()));
    }

    private static PeerNetwork network(HostOptions options) {
        return options.network() != null ? options.network().get()
                : new NettyPeerNetwork(options.listen(), b -> b.tls(options.tls()));
    }
}

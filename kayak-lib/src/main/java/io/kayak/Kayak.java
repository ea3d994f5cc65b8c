package io.kayak;

import io.kayak.core.MemoryLogStore;
import io.kayak.runtime.NettyPeerNetwork;
import io.kayak.runtime.PeerNetwork;
import io.kayak.runtime.RaftHost;
import io.kayak.runtime.StoredMember;
import io.kayak.storage.StorageOptions;

import java.util.List;
import java.util.Objects;

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
     *                        locked by another host, or is corrupt (a {@link io.kayak.storage.StorageException})
     */
    public static Host start(HostOptions options) {
        StoredMember stored = open(options);
        return RaftHost.open(options, stored, network(options), true);
    }

    /**
     * Joins the cluster that the members at {@code peers} belong to, asking each in turn (any member will do: it
     * redirects to the leader). The new member starts as a learner and is promoted to voter by the leader once it
     * has caught up. Returns once the configuration admitting it has reached it. On a data directory that already
     * holds a member, the stored membership wins and {@code peers} is ignored (but must still name an address).
     *
     * <p>An address that cannot be reached (connection refused, TLS handshake refused) is passed over at once for
     * the next; rounds over all of them are repeated, with a growing pause, until
     * {@link HostOptions#joinTimeout()}, so a cluster that is still starting is waited for.
     *
     * @param peers {@code host:port} addresses of members of the cluster; at least one
     * @throws NullPointerException     if {@code peers} is null
     * @throws IllegalArgumentException if {@code peers} is empty or holds a null or blank address; nothing has
     *                                  started then
     * @throws JoinException            if a member refused to admit this one, or none admitted it within
     *                                  {@link HostOptions#joinTimeout()}; the message gives, per address, the
     *                                  last reason. The host is stopped.
     * @throws KayakException           when the data directory cannot be used (as for {@link #start})
     */
    public static Host join(HostOptions options, List<String> peers) {
        checkPeers(peers);
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

    private static void checkPeers(List<String> peers) {
        Objects.requireNonNull(peers, "peers");
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("peers is empty: name at least one member's address to join through");
        }
        for (String peer : peers) { // not contains(null): immutable lists throw on it
            if (peer == null || peer.isBlank()) {
                throw new IllegalArgumentException("peers holds a " + (peer == null ? "null" : "blank")
                        + " address: " + peers);
            }
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

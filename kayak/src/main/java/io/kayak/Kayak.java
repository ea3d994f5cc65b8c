package io.kayak;

import io.kayak.core.LogStore;
import io.kayak.core.MemoryLogStore;
import io.kayak.runtime.NettyPeerNetwork;
import io.kayak.runtime.PeerNetwork;
import io.kayak.runtime.RaftHost;

import java.util.List;
import java.util.UUID;

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
     */
    public static Host start(HostOptions options) {
        return RaftHost.open(options, memberId(options), openStore(options), network(options), true);
    }

    /**
     * Joins the cluster that the members at {@code peers} belong to, asking each in turn (any member will do: it
     * redirects to the leader). The new member starts as a learner and is promoted to voter by the leader once it
     * has caught up. Returns once the configuration admitting it has reached it. On a data directory that already
     * holds a member, the stored membership wins and {@code peers} is ignored.
     */
    public static Host join(HostOptions options, List<String> peers) {
        RaftHost host = RaftHost.open(options, memberId(options), openStore(options), network(options), false);
        try {
            host.joinThrough(peers);
            return host;
        } catch (RuntimeException e) {
            host.stop();
            throw e;
        }
    }

    private static String memberId(HostOptions options) {
        return options.id() != null ? options.id() : UUID.randomUUID().toString().substring(0, 8);
    }

    private static LogStore openStore(HostOptions options) {
        if (options.dataDir() != null) {
            throw new KayakException("durable data directories arrive with the write-ahead log; use an in-memory"
                    + " member (no dataDir) for now");
        }
        return new MemoryLogStore();
    }

    private static PeerNetwork network(HostOptions options) {
        return options.network() != null ? options.network().get() : new NettyPeerNetwork(options.listen());
    }
}

package io.kayak.runtime;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.core.MemoryLogStore;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Starts and joins hosts on a given {@link PeerNetwork}: what {@link io.kayak.Kayak} does with the TCP network, open
 * to tests and tools that run members on an in-process one. Not part of the public API.
 */
public final class Hosts {
    private Hosts() {
    }

    /** {@link io.kayak.Kayak#start} on the network {@code network} makes. */
    public static Host start(HostOptions options, Supplier<PeerNetwork> network) {
        StoredMember stored = open(options);
        return RaftHost.open(options, stored, network.get(), true);
    }

    /** {@link io.kayak.Kayak#join} on the network {@code network} makes. */
    public static Host join(HostOptions options, List<String> peers, Supplier<PeerNetwork> network) {
        checkPeers(peers);
        StoredMember stored = open(options);
        RaftHost host = RaftHost.open(options, stored, network.get(), false);
        try {
            host.joinThrough(peers);
            return host;
        } catch (RuntimeException e) {
            host.close();
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

    /** The TCP network a host of {@code options} listens on. */
    public static PeerNetwork tcp(HostOptions options) {
        return new NettyPeerNetwork(options.listen(), b -> b.tls(options.tls()));
    }

    private static StoredMember open(HostOptions options) {
        return options.dataDir() == null ? StoredMember.inMemory(options.id(), new MemoryLogStore())
                : StoredMember.open(options.dataDir(), options.id(),
                        io.kayak.storage.StorageOptions.defaults().withSegmentCapacity(options.segmentCapacity()));
    }
}

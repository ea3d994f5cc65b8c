package io.kayak;

import io.kayak.transport.Rpc;
import io.kayak.core.Message;
import io.kayak.runtime.PeerNetwork;
import io.kayak.transport.SnapshotFrame;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An in-process {@link PeerNetwork} for tests: members find each other by address in a shared registry, and a test
 * can cut a member off (both directions) and heal it.
 */
public final class LocalNetwork {
    private final Map<String, PeerNetwork.Inbound> members = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();
    private volatile Predicate<SnapshotFrame> dropSnapshotFrame = f -> false;
    private final AtomicLong snapshotBytesSent = new AtomicLong();

    /** A network endpoint for the member that will advertise {@code address}. */
    /** Starts a host of {@code options} on this network, at its listen address. */
    public Host start(HostOptions options) {
        return io.kayak.runtime.Hosts.start(options, () -> endpoint(options.listen()));
    }

    /** Joins a host of {@code options} on this network, at its listen address, through {@code peers}. */
    public Host join(HostOptions options, java.util.List<String> peers) {
        return io.kayak.runtime.Hosts.join(options, peers, () -> endpoint(options.listen()));
    }

    public PeerNetwork endpoint(String address) {
        return new PeerNetwork() {
            @Override
            public void start(String clusterId, String selfId, Inbound inbound) {
                members.put(address, inbound);
            }

            @Override
            public void send(String to, Message message) {
                Inbound target = reachable(to);
                if (target != null) {
                    target.onMessage(message);
                }
            }

            @Override
            public void send(String to, Rpc rpc) {
                Inbound target = reachable(to);
                if (target != null) {
                    target.onRpc(rpc);
                }
            }

            @Override
            public void send(String to, SnapshotFrame frame) {
                if (frame instanceof SnapshotFrame.Chunk chunk) {
                    snapshotBytesSent.addAndGet(chunk.data().length);
                }
                Inbound target = reachable(to);
                if (target != null && !dropSnapshotFrame.test(frame)) {
                    target.onSnapshot(frame);
                }
            }

            private Inbound reachable(String to) {
                if (isolated.contains(address) || isolated.contains(to)) {
                    return null;
                }
                return members.get(to);
            }

            @Override
            public void close() {
                members.remove(address);
            }
        };
    }

    /** Drops the snapshot chunks and acks {@code drop} selects (null: none). */
    public void dropSnapshotFrames(Predicate<SnapshotFrame> drop) {
        this.dropSnapshotFrame = drop == null ? f -> false : drop;
    }

    /** Bytes of snapshot data sent so far, by every member, whether delivered or not. */
    public long snapshotBytesSent() {
        return snapshotBytesSent.get();
    }

    public void isolate(String address) {
        isolated.add(address);
    }

    public void heal(String address) {
        isolated.remove(address);
    }
}

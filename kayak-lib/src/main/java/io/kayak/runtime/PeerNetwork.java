package io.kayak.runtime;

import io.kayak.transport.Rpc;
import io.kayak.transport.SnapshotFrame;
import io.kayak.core.Message;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a host exchanges Raft messages and forwarded requests with its peers. Delivery is best effort: messages may be
 * lost, delayed or reordered (Raft tolerates all three) but are never corrupted. Implementations never block the
 * caller.
 */
public interface PeerNetwork extends AutoCloseable {
    /** Receives what arrives for this member. Called on network threads: implementations hand off quickly. */
    interface Inbound {
        void onMessage(Message message);

        void onRpc(Rpc rpc);

        void onSnapshot(SnapshotFrame frame);

        /**
         * Requests this member sent to {@code address} ({@link #send(String, Rpc)}) will never arrive: the network
         * could not reach the address (connection refused, unreachable, TLS handshake refused, not an address) and
         * dropped them. {@code requestIds} are their ids, {@code reason} says why, for a person. Networks that
         * cannot tell never call it (the default); the requesters then wait for their deadlines. May be called on
         * the sending thread.
         */
        default void onUndelivered(String address, List<Long> requestIds, String reason) {
        }
    }

    /**
     * Binds the listening socket now, ahead of {@link #start}, as member {@code selfId} of cluster {@code clusterId}
     * (the ids {@code start} is then given), and returns the address actually bound; null when the network has no
     * socket of its own (the default does nothing). A host binds first because, listening on port 0, only the bound
     * port tells the address it advertises, and that address goes into its configuration before it starts. What
     * arrives between binding and {@code start} is dropped, as the network may drop anything.
     *
     * @throws io.kayak.KayakException if the listen address cannot be bound
     * @throws IllegalStateException   if already bound, started or closed
     */
    default InetSocketAddress bind(String clusterId, String selfId) {
        return null;
    }

    /**
     * Starts listening as member {@code selfId} of cluster {@code clusterId}; an empty id means this member is
     * joining and learns the id from its JOIN answer ({@link #adoptClusterId}). Binds first unless {@link #bind}
     * already did.
     */
    void start(String clusterId, String selfId, Inbound inbound);

    /**
     * Fixes the cluster id a joining member learnt from its JOIN answer. Networks that do not check cluster ids
     * (in-process test networks) ignore it.
     */
    default void adoptClusterId(String clusterId) {
    }

    /**
     * A thread of the network's, as an executor, that the raft loop may run on so that what arrives reaches it, and
     * what it sends leaves, without waking another thread; null (the default) when the network has none to share.
     * It must run tasks one at a time, in order, and never block on the raft loop. Valid after {@link #start}.
     */
    default ScheduledExecutorService sharedLoop() {
        return null;
    }

    /** The transport's counters, for the host's metrics; null (the default) when the network keeps none. */
    default io.kayak.transport.TransportStats stats() {
        return null;
    }

    /** Sends a Raft message to the member at {@code address}. */
    void send(String address, Message message);

    /** Sends a forwarded request or its answer to {@code address}. */
    void send(String address, Rpc rpc);

    /** Sends a snapshot chunk or ack to the member it names, at {@code address}. */
    void send(String address, SnapshotFrame frame);

    @Override
    void close();
}

package io.kayak.transport;

import io.kayak.core.Message;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Receives what arrives over accepted connections: Raft messages and forwarded requests or answers.
 *
 * <p>Every Raft message handed over has passed the handshake and {@link MessageCodec}'s validation, names this
 * member as its receiver and the handshaken peer as its sender. Every {@link Rpc} has passed {@link RpcCodec}'s
 * validation; it names no sender or receiver (its requester may not be a member yet), so whoever handles it
 * answers through {@link NettyTransport#send(java.net.InetSocketAddress, Rpc)} to the request's
 * {@code replyTo}. What one sender sends over one connection arrives in the order {@link NettyTransport} accepted
 * it, with possible gaps (Raft tolerates loss, requesters time out); arrivals from different senders interleave
 * arbitrarily.
 *
 * <p>Called on a Netty event loop thread, concurrently for different senders: an implementation must be
 * thread-safe and must not block — hand the message to the raft thread's queue and return.
 */
public interface MessageHandler {
    void onMessage(Message message);

    void onRpc(Rpc rpc);

    /** A snapshot chunk or ack; validated like a Raft message (this member is its receiver, the peer its sender). */
    void onSnapshot(SnapshotFrame frame);

    /**
     * Forwarded requests sent to {@code address} ({@link NettyTransport#send(InetSocketAddress, Rpc)}) were dropped
     * unsent, because the connection to that address failed before its handshake was accepted: the TCP connect
     * failed (refused, unreachable, timed out), the TLS handshake failed, or the member there refused the
     * {@code Hello}. {@code requestIds} are the ids of the {@link Rpc.Request}s among them (dropped answers are not
     * listed: nobody on this side waits for them); {@code reason} says why, for a person: {@code "connection
     * refused"}, {@code "TLS handshake refused: certificate not trusted by that member's CA (certificate_unknown)"}.
     * Called once per failed attempt that dropped at least one request. The default ignores it: the requesters
     * then find out at their deadlines.
     */
    default void onUndelivered(InetSocketAddress address, List<Long> requestIds, String reason) {
    }
}

package io.kayak.transport;

import io.kayak.core.Message;

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
}

package io.kayak.transport;

import io.kayak.core.Message;

/**
 * Receives the Raft messages that arrive over accepted connections.
 *
 * <p>Every message handed over has passed the handshake and {@link MessageCodec}'s validation, names this
 * member as its receiver and the handshaken peer as its sender. Messages from one sender arrive in the order
 * that sender's {@link NettyTransport#send} accepted them, with possible gaps (Raft tolerates loss); messages
 * from different senders interleave arbitrarily.
 *
 * <p>Called on a Netty event loop thread, concurrently for different senders: an implementation must be
 * thread-safe and must not block — hand the message to the raft thread's queue and return.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(Message message);
}

package io.kayak.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic counters of one {@link NettyTransport}, readable from any thread at any time. Each counter only
 * grows; readers compute rates themselves. Frames and bytes count what was handed to or read from sockets,
 * including the 4-byte length prefixes and the handshake frames.
 */
public final class TransportStats {
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder messagesDelivered = new LongAdder();
    private final LongAdder rpcsDelivered = new LongAdder();
    private final LongAdder messagesDropped = new LongAdder();
    private final LongAdder oversizeFrames = new LongAdder();
    private final LongAdder oversizeFramesDropped = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder handshakesRefused = new LongAdder();
    private final LongAdder handshakesRejected = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder tlsFailures = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();

    /** Frames written to outbound sockets (handshakes included). */
    public long framesSent() {
        return framesSent.sum();
    }

    /** Frames read from sockets (handshakes included). */
    public long framesReceived() {
        return framesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Raft messages passed to the {@link MessageHandler}. */
    public long messagesDelivered() {
        return messagesDelivered.sum();
    }

    /** Forwarded requests and answers ({@link Rpc}) passed to the {@link MessageHandler}. */
    public long rpcsDelivered() {
        return rpcsDelivered.sum();
    }

    /**
     * Raft messages and forwarded requests or answers given to {@link NettyTransport#send} that will never be
     * written: evicted from a full peer queue, larger than the frame limit, or sent after
     * {@link NettyTransport#close}.
     */
    public long messagesDropped() {
        return messagesDropped.sum();
    }

    /** Inbound frames whose length prefix exceeded the frame limit; each closed its connection. */
    public long oversizeFrames() {
        return oversizeFrames.sum();
    }

    /**
     * Outbound frames this member did not write because they exceed its own frame limit (the peer would close the
     * connection on each); also counted in {@link #messagesDropped()}. A correct member never builds one: the
     * entry size limit keeps every entry, and so every batch, below the frame limit.
     */
    public long oversizeFramesDropped() {
        return oversizeFramesDropped.sum();
    }

    /**
     * Connections closed because the peer broke the protocol: malformed or oversize frames, invalid messages,
     * misaddressed messages, frames out of place in the handshake, handshake timeouts.
     */
    public long protocolErrors() {
        return protocolErrors.sum();
    }

    /** Outbound handshakes the remote member refused (wrong cluster, wrong member, unsupported version). */
    public long handshakesRefused() {
        return handshakesRefused.sum();
    }

    /** Inbound handshakes this member refused. */
    public long handshakesRejected() {
        return handshakesRejected.sum();
    }

    /** Outbound connection attempts scheduled after a failed connect or a lost connection. */
    public long reconnects() {
        return reconnects.sum();
    }

    /**
     * Connections closed because TLS failed: a plaintext peer on a TLS port, a certificate from another CA,
     * an expired or otherwise untrusted certificate, no certificate at all.
     */
    public long tlsFailures() {
        return tlsFailures.sum();
    }

    /** Inbound connections closed at once because {@link TransportOptions#maxConnections()} were already open. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    void tlsFailure() {
        tlsFailures.increment();
    }

    void connectionRefused() {
        connectionsRefused.increment();
    }

    void frameSent(int bytes) {
        framesSent.increment();
        bytesSent.add(bytes);
    }

    void frameReceived(int bytes) {
        framesReceived.increment();
        bytesReceived.add(bytes);
    }

    void messageDelivered() {
        messagesDelivered.increment();
    }

    void rpcDelivered() {
        rpcsDelivered.increment();
    }

    void messageDropped() {
        messagesDropped.increment();
    }

    void oversizeFrame() {
        oversizeFrames.increment();
    }

    void oversizeFrameDropped() {
        oversizeFramesDropped.increment();
    }

    void protocolError() {
        protocolErrors.increment();
    }

    void handshakeRefused() {
        handshakesRefused.increment();
    }

    void handshakeRejected() {
        handshakesRejected.increment();
    }

    void reconnect() {
        reconnects.increment();
    }

    @Override
    public String toString() {
        return "TransportStats{framesSent=" + framesSent() + ", framesReceived=" + framesReceived()
                + ", bytesSent=" + bytesSent() + ", bytesReceived=" + bytesReceived()
                + ", messagesDelivered=" + messagesDelivered() + ", rpcsDelivered=" + rpcsDelivered()
                + ", messagesDropped=" + messagesDropped()
                + ", oversizeFrames=" + oversizeFrames() + ", oversizeFramesDropped=" + oversizeFramesDropped()
                + ", protocolErrors=" + protocolErrors()
                + ", handshakesRefused=" + handshakesRefused() + ", handshakesRejected=" + handshakesRejected()
                + ", reconnects=" + reconnects() + ", tlsFailures=" + tlsFailures()
                + ", connectionsRefused=" + connectionsRefused() + "}";
    }
}

package io.kayak.transport;

import io.kayak.TlsFiles;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link NettyTransport}. Only the cluster id and the member id are required; every
 * other setting has a default suited to a cluster on one LAN (see {@code docs/transport.md}).
 */
public final class TransportOptions {
    /** Default largest frame accepted or sent: 16 MiB, well above the core's default batch limits. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Default number of messages waiting per peer before the oldest are dropped. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 4096;

    private final String clusterId;
    private final String memberId;
    private final int maxFrameBytes;
    private final int maxQueuedMessages;
    private final Duration reconnectMin;
    private final Duration reconnectMax;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final Duration shutdownTimeout;
    private final int ioThreads;
    private final TlsFiles tls;
    private final Duration tlsReloadInterval;
    private final int maxConnections;

    private TransportOptions(Builder b) {
        // Empty while joining: the id is learnt from the JOIN answer (NettyTransport.adoptClusterId).
        this.clusterId = Objects.requireNonNull(b.clusterId, "clusterId");
        this.memberId = requireId("memberId", b.memberId);
        this.maxFrameBytes = requirePositive("maxFrameBytes", b.maxFrameBytes);
        this.maxQueuedMessages = requirePositive("maxQueuedMessages", b.maxQueuedMessages);
        this.reconnectMin = requirePositive("reconnectMin", b.reconnectMin);
        this.reconnectMax = requirePositive("reconnectMax", b.reconnectMax);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectMax " + reconnectMax + " below reconnectMin " + reconnectMin);
        }
        this.connectTimeout = requirePositive("connectTimeout", b.connectTimeout);
        this.handshakeTimeout = requirePositive("handshakeTimeout", b.handshakeTimeout);
        this.shutdownTimeout = requirePositive("shutdownTimeout", b.shutdownTimeout);
        this.ioThreads = requirePositive("ioThreads", b.ioThreads);
        this.tls = b.tls;
        this.tlsReloadInterval = requirePositive("tlsReloadInterval", b.tlsReloadInterval);
        this.maxConnections = requirePositive("maxConnections", b.maxConnections);
    }

    public static Builder builder(String clusterId, String memberId) {
        return new Builder(clusterId, memberId);
    }

    /**
     * Connections are accepted only from members presenting this cluster id. Empty for a member that is joining
     * and has not learnt it yet: it may then only ask to join and take answers.
     */
    public String clusterId() {
        return clusterId;
    }

    /** This member's id: the {@code from} of everything it sends, the {@code to} of everything it accepts. */
    public String memberId() {
        return memberId;
    }

    /** Largest frame body, in bytes, accepted from or sent to a peer. Default 16 MiB. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Messages waiting per peer (while disconnected or while the socket is full); beyond it the oldest are dropped. */
    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    /** First reconnect delay (default 50 ms); it doubles per failed attempt up to {@link #reconnectMax()}. */
    public Duration reconnectMin() {
        return reconnectMin;
    }

    /** Longest reconnect delay (default 2 s). */
    public Duration reconnectMax() {
        return reconnectMax;
    }

    /** TCP connect timeout (default 2 s). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Time a connection may spend in the handshake before it is closed (default 5 s). */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Bound on how long {@link NettyTransport#close()} waits for the event loops to stop (default 5 s). */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * Netty event loop threads shared by all connections (default 1). With one, a member's raft loop runs on it
     * too and reaches every peer's connection without a thread hand-off; more spread the connections over loops
     * the raft loop must hand its messages to.
     */
    public int ioThreads() {
        return ioThreads;
    }

    /**
     * This member's TLS material, or {@code null} for plaintext. With TLS every connection, both ways, is TLS 1.3
     * with mutual authentication: a peer without a certificate of the trusted CA never reaches the handshake.
     */
    public TlsFiles tls() {
        return tls;
    }

    /** How often the TLS files are checked for changes; rewritten files apply to new connections (default 10 s). */
    public Duration tlsReloadInterval() {
        return tlsReloadInterval;
    }

    /**
     * Most inbound connections open at once (default 1024); beyond it new ones are closed at once. A cluster
     * needs two per peer; the bound keeps a connection flood from exhausting descriptors and memory.
     */
    public int maxConnections() {
        return maxConnections;
    }

    private static String requireId(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    private static int requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    private static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms: " + value);
        }
        return value;
    }

    /** Builds {@link TransportOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String clusterId;
        private final String memberId;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;
        private Duration reconnectMin = Duration.ofMillis(50);
        private Duration reconnectMax = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private int ioThreads = 1;
        private TlsFiles tls;
        private Duration tlsReloadInterval = Duration.ofSeconds(10);
        private int maxConnections = 1024;

        private Builder(String clusterId, String memberId) {
            this.clusterId = clusterId;
            this.memberId = memberId;
        }

        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        public Builder maxQueuedMessages(int messages) {
            this.maxQueuedMessages = messages;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** Turns on mutual TLS 1.3 with these files; {@code null} for plaintext (the default). */
        public Builder tls(TlsFiles files) {
            this.tls = files;
            return this;
        }

        public Builder tlsReloadInterval(Duration interval) {
            this.tlsReloadInterval = interval;
            return this;
        }

        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid setting */
        public TransportOptions build() {
            return new TransportOptions(this);
        }
    }
}

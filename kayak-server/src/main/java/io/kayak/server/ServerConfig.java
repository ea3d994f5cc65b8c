package io.kayak.server;

import io.kayak.TlsFiles;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Where and how a {@link KvServer} serves clients.
 *
 * @param http           the HTTP listen address
 * @param resp           the RESP listen address, or {@code null} for no RESP listener
 * @param limits         key and value size limits
 * @param applyTimeout   how long a committed write waits for this member to apply it before answering
 *                       "outcome unknown"
 * @param tls            TLS 1.3 material for the client ports, or {@code null} for plaintext
 * @param clientAuth     with {@code tls}: whether clients must present a certificate of the trusted CA (without
 *                       one they can neither read nor write)
 * @param maxConnections most client connections open at once per port; beyond it new ones are closed at once
 * @param idleTimeout    a client connection that sends nothing for this long is closed (slow or abandoned
 *                       clients must not hold descriptors and buffers forever)
 */
public record ServerConfig(InetSocketAddress http, InetSocketAddress resp, Limits limits, Duration applyTimeout,
                           TlsFiles tls, boolean clientAuth, int maxConnections, Duration idleTimeout) {
    /** Default {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Default {@link #idleTimeout()}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    public ServerConfig {
        if (maxConnections < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("maxConnections and idleTimeout must be positive");
        }
    }

    /** Plaintext, default limits. */
    public static ServerConfig of(InetSocketAddress http, InetSocketAddress resp) {
        return new ServerConfig(http, resp, Limits.DEFAULT, Duration.ofSeconds(10), null, false,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT);
    }

    public ServerConfig withLimits(Limits newLimits, Duration newApplyTimeout) {
        return new ServerConfig(http, resp, newLimits, newApplyTimeout, tls, clientAuth, maxConnections, idleTimeout);
    }

    /** TLS on the client ports, requiring client certificates if {@code requireClientCertificates}. */
    public ServerConfig withTls(TlsFiles files, boolean requireClientCertificates) {
        return new ServerConfig(http, resp, limits, applyTimeout, files, requireClientCertificates, maxConnections,
                idleTimeout);
    }

    public ServerConfig withConnectionLimits(int newMaxConnections, Duration newIdleTimeout) {
        return new ServerConfig(http, resp, limits, applyTimeout, tls, clientAuth, newMaxConnections,
                newIdleTimeout);
    }
}

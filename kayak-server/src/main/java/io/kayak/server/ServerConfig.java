package io.kayak.server;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Where and how a {@link KvServer} serves clients.
 *
 * @param http         the HTTP listen address
 * @param resp         the RESP listen address, or {@code null} for no RESP listener
 * @param limits       key and value size limits
 * @param applyTimeout how long a committed write waits for this member to apply it before answering
 *                     "outcome unknown"
 */
public record ServerConfig(InetSocketAddress http, InetSocketAddress resp, Limits limits, Duration applyTimeout) {
    public static ServerConfig of(InetSocketAddress http, InetSocketAddress resp) {
        return new ServerConfig(http, resp, Limits.DEFAULT, Duration.ofSeconds(10));
    }
}

package io.kayak.server;

import io.kayak.Host;
import io.kayak.transport.TlsContexts;
import io.netty.handler.ssl.ClientAuth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The replicated key-value server around one {@link Host}: the state machine, the HTTP API and the optional RESP
 * listener. The host is the caller's; {@link #close()} stops serving but leaves the host alone.
 */
public final class KvServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);

    private final StateMachine machine;
    private final PeerPoller peers;
    private final SessionOpener sessions;
    private final HttpServer http;
    private final RespServer resp;
    private final ScheduledExecutorService registration;
    /** Null for plaintext client ports. */
    private final TlsContexts tls;

    private KvServer(Host host, ServerConfig config, PrometheusMeterRegistry metrics) {
        this.machine = new StateMachine(host);
        KvService kv = new KvService(host, machine, config.limits(), config.applyTimeout());
        SelfStatus self = new SelfStatus(host, machine);
        this.tls = config.tls() == null ? null
                : TlsContexts.forClients(config.tls(), config.clientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        this.peers = new PeerPoller(host, machine.store(), self, tls);
        this.sessions = new SessionOpener(host, kv);
        HttpApi api = new HttpApi(host, kv, sessions, self, peers, metrics::scrape, statusPage());
        this.http = new HttpServer(config, tls, api);
        this.resp = config.resp() == null ? null : new RespServer(config, tls, kv);
        http.port().publish(metrics, host.id());
        if (resp != null) {
            resp.port().publish(metrics, host.id());
        }
        this.registration = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kv-register");
            t.setDaemon(true);
            return t;
        });
        String httpAddress = hostPort(http.address());
        String respAddress = resp == null ? "" : hostPort(resp.address());
        registerUntilDone(kv, httpAddress, respAddress);
        if (tls != null) {
            // Rewritten certificate files apply to new client connections without a restart.
            registration.scheduleWithFixedDelay(tls::reloadIfChanged, 10, 10, TimeUnit.SECONDS);
        }
    }

    /** Re-reads the client ports' TLS files now (they are also checked every 10 s). */
    public void reloadTls() {
        if (tls == null) {
            throw new IllegalStateException("the client ports run without TLS");
        }
        tls.reload();
    }

    /** The HTTP port's guard counters; visible for tests. */
    ClientPort httpPort() {
        return http.port();
    }

    /** The RESP port's guard counters, or {@code null}; visible for tests. */
    ClientPort respPort() {
        return resp == null ? null : resp.port();
    }

    /**
     * Starts serving {@code host}. {@code metrics} is the registry the host publishes to (also served at
     * {@code /metrics}).
     */
    public static KvServer start(Host host, ServerConfig config, PrometheusMeterRegistry metrics) {
        return new KvServer(host, config, metrics);
    }

    /** Publishes this member's client addresses through the log, retrying while there is no leader. */
    private void registerUntilDone(KvService kv, String httpAddress, String respAddress) {
        kv.register(httpAddress, respAddress).whenComplete((ok, error) -> {
            if (error != null && !registration.isShutdown()) {
                LOG.debug("registration not done yet: {}", error.getMessage());
                registration.schedule(() -> registerUntilDone(kv, httpAddress, respAddress), 1, TimeUnit.SECONDS);
            }
        });
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private static byte[] statusPage() {
        try (InputStream in = KvServer.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    /** The RESP address, or {@code null} when RESP is off. */
    public InetSocketAddress respAddress() {
        return resp == null ? null : resp.address();
    }

    public StateMachine stateMachine() {
        return machine;
    }

    @Override
    public void close() {
        registration.shutdownNow();
        peers.close();
        if (resp != null) {
            resp.close();
        }
        http.close();
        sessions.close();
        machine.close();
    }
}

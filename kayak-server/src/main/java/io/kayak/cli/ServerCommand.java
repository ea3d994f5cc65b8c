package io.kayak.cli;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.KayakException;
import io.kayak.server.KvServer;
import io.kayak.server.ServerConfig;
import io.kayak.TlsFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kayak server}: runs one member until SIGTERM (or Ctrl-C), then stops it cleanly without leaving the
 * cluster, so the same command line resumes it.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs one member of a replicated key-value cluster.",
                "With no --join and an empty data directory it seeds a new cluster; with --join it joins the "
                        + "cluster of those members. On an existing data directory it resumes (--join is then "
                        + "ignored)."})
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--id", description = "member id (kept in the data directory)")
    String id;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "data directory (created if missing)")
    Path data;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "peer address to listen on (port 0: a free port, printed when bound)")
    HostPort listen;

    @Option(names = "--advertise", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "peer address the other members dial (default: --listen; may be a proxy)")
    HostPort advertise;

    @Option(names = "--http", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "HTTP API address (port 0: a free port, printed when ready)")
    HostPort http;

    @Option(names = "--resp", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Redis protocol address (off by default; port 0: a free port, printed when ready)")
    HostPort resp;

    @Option(names = "--join", split = ",", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "peer addresses of members of the cluster to join")
    List<HostPort> join = new ArrayList<>();

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "this member's certificate chain (PEM); with --tls-key and --tls-ca turns on mutual TLS 1.3"
                    + " between members and TLS on the client ports")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the certificate's private key (PEM, PKCS#8)")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "the cluster's CA certificate (PEM)")
    Path tlsCa;

    @Option(names = "--client-auth", paramLabel = "require|none", defaultValue = "require",
            description = "with TLS: whether HTTP and RESP clients must present a certificate of the CA "
                    + "(default: ${DEFAULT-VALUE})")
    String clientAuth;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
            description = "most client connections per client port (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "close client connections idle this long (default: ${DEFAULT-VALUE})")
    long idleTimeoutSeconds;

    @Option(names = "--compact-after-entries", paramLabel = "N", defaultValue = "100000",
            description = "snapshot the store and compact the log once more than N committed entries follow the "
                    + "newest snapshot (default: ${DEFAULT-VALUE})")
    long compactAfterEntries;

    @Option(names = "--compact-after-bytes", paramLabel = "BYTES", defaultValue = "134217728",
            description = "... or once the log records after the newest snapshot take more than BYTES "
                    + "(default: ${DEFAULT-VALUE}, 128 MiB)")
    long compactAfterBytes;

    @Option(names = "--compact-trailing", paramLabel = "N", defaultValue = "5000",
            description = "entries kept in the log below each snapshot, so lagging members catch up from the log "
                    + "(default: ${DEFAULT-VALUE})")
    long compactTrailing;

    @Option(names = "--segment-size", paramLabel = "BYTES", defaultValue = "67108864",
            description = "size of each log segment file; compaction deletes whole segments, so smaller ones give "
                    + "disk space back sooner (default: ${DEFAULT-VALUE}, 64 MiB)")
    int segmentSize;

    @Option(names = "--no-auto-compact", description = "never snapshot or compact the log (it then grows forever)")
    boolean noAutoCompact;

    @Override
    public Integer call() throws Exception {
        TlsFiles tls = tlsFiles();
        if (!clientAuth.equals("require") && !clientAuth.equals("none")) {
            throw new CliException("--client-auth must be require or none, not " + clientAuth);
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        java.util.concurrent.atomic.AtomicReference<java.net.InetSocketAddress> listening =
                new java.util.concurrent.atomic.AtomicReference<>();
        HostOptions.Builder options;
        try {
            // The listening line goes out the moment the port is bound: a joining member's proxy needs it to let
            // the cluster reach the member while the join waits.
            options = HostOptions.builder().listen(listen.toString()).onListening(bound -> {
                        listening.set(HostPort.parse(bound).socketAddress());
                        System.out.println(ServerLines.listening(listening.get()));
                        System.out.flush();
                    })
                    .meterRegistry(metrics).tls(tls)
                    .autoCompact(!noAutoCompact).compactAfterEntries(compactAfterEntries)
                    .compactAfterBytes(compactAfterBytes).compactTrailingEntries(compactTrailing)
                    .segmentCapacity(segmentSize);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (id != null) {
            options.id(id);
        }
        if (advertise != null) {
            options.advertise(advertise.toString());
        }
        Files.createDirectories(data);
        boolean resuming = holdsMember(data);
        options.dataDir(data);
        Host host = resuming || join.isEmpty() ? Kayak.start(options.build())
                : Kayak.join(options.build(), join.stream().map(HostPort::toString).toList());
        KvServer server;
        try {
            ServerConfig config = ServerConfig.of(http.socketAddress(), resp == null ? null : resp.socketAddress())
                    .withConnectionLimits(maxConnections, Duration.ofSeconds(idleTimeoutSeconds));
            server = KvServer.start(host, tls == null ? config : config.withTls(tls, clientAuth.equals("require")),
                    metrics);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            host.close();
            stopped.countDown();
        }, "kayak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println(ServerLines.ready(host.id(), host.address(), listening.get(),
                server.httpAddress(), server.respAddress(), resuming));
        System.out.flush();
        // The member runs on its own threads; this one waits for the shutdown hook or for the host to stop.
        host.stopped().exceptionally(failure -> null).join();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            stopped.await();
            return 0;
        }
        // Not a shutdown: the member stopped by itself (a storage failure, say).
        server.close();
        throw new CliException("the member stopped unexpectedly; see the log above");
    }

    private TlsFiles tlsFiles() {
        int given = (tlsCert == null ? 0 : 1) + (tlsKey == null ? 0 : 1) + (tlsCa == null ? 0 : 1);
        if (given == 0) {
            return null;
        }
        if (given < 3) {
            throw new CliException("TLS needs all of --tls-cert, --tls-key and --tls-ca");
        }
        return new TlsFiles(tlsCert, tlsKey, tlsCa);
    }

    private static boolean holdsMember(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }
}

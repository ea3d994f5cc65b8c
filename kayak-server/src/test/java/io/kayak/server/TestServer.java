package io.kayak.server;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** An in-memory member with a {@link KvServer} in this JVM, on loopback ports the system picks (port 0). */
final class TestServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Host host;
    final KvServer server;

    private TestServer(Host host, PrometheusMeterRegistry metrics, Limits limits) {
        this.host = host;
        this.server = KvServer.start(host, ServerConfig.of(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0)).withLimits(limits, Duration.ofSeconds(5)), metrics);
    }

    static TestServer seed(String id, Duration requestTimeout) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new TestServer(Kayak.start(options(id, requestTimeout, metrics)), metrics, Limits.DEFAULT);
    }

    static TestServer seed(String id, Limits limits) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new TestServer(Kayak.start(options(id, Duration.ofSeconds(5), metrics)), metrics, limits);
    }

    /** A seed whose host options {@code tweak} changes. */
    static TestServer seed(String id, java.util.function.UnaryOperator<HostOptions.Builder> tweak) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new TestServer(Kayak.start(tweak.apply(HostOptions.builder().id(id).listen("127.0.0.1:0")
                .meterRegistry(metrics)).build()), metrics, Limits.DEFAULT);
    }

    static TestServer join(String id, TestServer via, Duration requestTimeout) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new TestServer(Kayak.join(options(id, requestTimeout, metrics), List.of(via.host.address())),
                metrics, Limits.DEFAULT);
    }

    private static HostOptions options(String id, Duration requestTimeout, PrometheusMeterRegistry metrics) {
        return HostOptions.builder().id(id).listen("127.0.0.1:0").requestTimeout(requestTimeout)
                .meterRegistry(metrics).build();
    }

    String base() {
        return "http://127.0.0.1:" + server.httpAddress().getPort();
    }

    int respPort() {
        return server.respAddress().getPort();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, new String[0]);
    }

    /** Sends a request with {@code headers} (name, value, name, value, ...). */
    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).method(method, publisher)
                .timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} (a whole HTTP request, possibly malformed) over a raw socket; returns the status line. */
    String raw(String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.httpAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            return status == null ? "" : status;
        }
    }

    @Override
    public void close() {
        server.close();
        host.close();
    }
}

package io.kayak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.KayakException;
import io.kayak.server.KvServer;
import io.kayak.server.ServerConfig;
import io.kayak.transport.TlsContexts;
import io.kayak.TlsFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TLS cluster made with {@code kayak certs}: only holders of the CA's certificates get in, as members or clients. */
class TlsServerTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Path certs() {
        Path out = dir.resolve("certs");
        assertThat(Main.run("certs", "--out", out.toString(), "--members", "m1,m2")).isZero();
        return out;
    }

    private static TlsFiles files(Path certs, String name, Path ca) {
        return new TlsFiles(certs.resolve(name + ".pem"), certs.resolve(name + "-key.pem"), ca);
    }

    private Host member(String id, TlsFiles tls, List<String> joinThrough) {
        HostOptions options = HostOptions.builder().id(id).listen("127.0.0.1:0").tls(tls)
                .requestTimeout(Duration.ofSeconds(2)).joinTimeout(Duration.ofSeconds(5)) // a refused join ends sooner
                .meterRegistry(metrics).build();
        Host host = joinThrough.isEmpty() ? Kayak.start(options) : Kayak.join(options, joinThrough);
        open.add(host::close);
        return host;
    }

    private KvServer serve(Host host, TlsFiles tls) {
        KvServer server = KvServer.start(host, ServerConfig.of(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0)).withTls(tls, true),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        open.add(server);
        return server;
    }

    @Test
    void membersWithTheCasCertificatesFormAClusterAndServeCertifiedClients() throws Exception {
        Path certs = certs();
        Path ca = certs.resolve("ca.pem");
        Host m1 = member("m1", files(certs, "m1", ca), List.of());
        KvServer server = serve(m1, files(certs, "m1", ca));
        member("m2", files(certs, "m2", ca), List.of(m1.address()));
        await().atMost(Duration.ofSeconds(20)).until(() -> m1.roster().size() == 2);

        HttpClient client = HttpClient.newBuilder()
                .sslContext(TlsContexts.forClients(files(certs, "client", ca), ClientAuth.NONE).jdkClientContext())
                .build();
        String base = "https://localhost:" + server.httpAddress().getPort() + "/v1/kv/k";
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(base))
                .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.body()).isEqualTo("v");

        // The command line, with the client certificate of `kayak certs`; without it the server is unreachable.
        String address = "127.0.0.1:" + server.httpAddress().getPort();
        assertThat(Main.run("kv", "put", "--server", address, "--tls-cert", certs.resolve("client.pem").toString(),
                "--tls-key", certs.resolve("client-key.pem").toString(), "--tls-ca", ca.toString(), "k2", "w"))
                .isZero();
        assertThat(Main.run("kv", "get", "--server", address, "k2")).isNotZero();
    }

    @Test
    void aMemberWithACertificateOfAnotherCaCannotJoin() throws Exception {
        Path certs = certs();
        Path ca = certs.resolve("ca.pem");
        Path other = dir.resolve("other");
        assertThat(Main.run("certs", "--out", other.toString(), "--members", "x")).isZero();
        Host m1 = member("m1", files(certs, "m1", ca), List.of());
        assertThatThrownBy(() -> member("x", files(other, "x", ca), List.of(m1.address())))
                .isInstanceOf(KayakException.class).hasMessageContaining("could not join");
        assertThat(m1.roster()).hasSize(1);
        // Refused and counted, visible to monitoring.
        assertThat(metrics.find("kayak.transport.tls.failures").tag("member", "m1").functionCounter().count())
                .isPositive();
    }

    @Test
    void aPlaintextClientIsRefusedOnBothClientPorts() throws Exception {
        Path certs = certs();
        Path ca = certs.resolve("ca.pem");
        KvServer server = serve(member("m1", files(certs, "m1", ca), List.of()), files(certs, "m1", ca));
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.httpAddress().getPort() + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(plainResp(server.respAddress(), "*1\r\n$4\r\nPING\r\n")).doesNotContain("PONG");
    }

    @Test
    void aClientWithoutACertificateOrWithAForeignOneCanNeitherReadNorWrite() throws Exception {
        Path certs = certs();
        Path ca = certs.resolve("ca.pem");
        KvServer server = serve(member("m1", files(certs, "m1", ca), List.of()), files(certs, "m1", ca));
        Path other = dir.resolve("other");
        assertThat(Main.run("certs", "--out", other.toString(), "--members", "x")).isZero();
        SSLContext anonymous = ((JdkSslContext) SslContextBuilder.forClient().trustManager(ca.toFile())
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").build()).context();
        SSLContext foreign = TlsContexts.forClients(files(other, "x", ca), ClientAuth.NONE).jdkClientContext();
        String base = "https://localhost:" + server.httpAddress().getPort() + "/v1/kv/k";
        for (SSLContext context : List.of(anonymous, foreign)) {
            HttpClient client = HttpClient.newBuilder().sslContext(context).build();
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(base))
                    .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aClientWithAnExpiredCertificateIsRefused() throws Exception {
        Path certs = certs();
        Path ca = certs.resolve("ca.pem");
        KvServer server = serve(member("m1", files(certs, "m1", ca), List.of()), files(certs, "m1", ca));
        DevCa.openOrCreate(certs, "unused", Duration.ofDays(1)).issue("old", List.of("localhost"),
                Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TlsContexts.forClients(files(certs, "old", ca), ClientAuth.NONE).jdkClientContext())
                .build();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + server.httpAddress().getPort() + "/v1/kv/k")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void certsReusesItsCaAndRefusesBadNames() throws Exception {
        Path certs = certs();
        String ca = Files.readString(certs.resolve("ca.pem"));
        assertThat(Main.run("certs", "--out", certs.toString(), "--members", "m3")).isZero();
        assertThat(Files.readString(certs.resolve("ca.pem"))).isEqualTo(ca);
        assertThat(certs.resolve("m3-key.pem")).exists();
        assertThat(Main.run("certs", "--out", certs.toString(), "--members", "../evil")).isNotZero();
    }

    /** Writes {@code request} in plaintext and returns whatever comes back before the server closes. */
    private static String plainResp(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

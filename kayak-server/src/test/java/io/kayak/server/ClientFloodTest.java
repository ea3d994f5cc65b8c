package io.kayak.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.Member;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Floods and slow clients on the client ports cost the clients, never the Raft traffic between members. */
class ClientFloodTest {
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private Socket open(InetSocketAddress address, String partial) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout(10_000);
        sockets.add(s);
        if (!partial.isEmpty()) {
            s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        return s;
    }

    @Test
    void idleAndSlowLorisClientsDoNotStopCommits() throws Exception {
        try (TestServer a = TestServer.seed("a", Duration.ofSeconds(5));
             TestServer b = TestServer.join("b", a, Duration.ofSeconds(5))) {
            // A settled two-voter cluster first: every commit below needs both members.
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    a.host.roster().stream().filter(Member::voter).count() == 2
                            && a.host.leader().isPresent() && b.host.leader().isPresent());
            for (TestServer s : List.of(a, b)) {
                for (int i = 0; i < 100; i++) {
                    open(s.server.httpAddress(), i % 2 == 0 ? "" : "GET /v1/kv/slow");
                }
                for (int i = 0; i < 50; i++) {
                    open(s.server.respAddress(), i % 2 == 0 ? "" : "*2\r\n$3\r\nGET\r\n$100\r\nab");
                }
            }
            // At least: the other member's status poller keeps a connection of its own.
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    a.server.httpPort().openConnections() + a.server.respPort().openConnections() >= 150);
            // Appends from both members — one forwarded to the leader — all commit while the clients hang on.
            for (int i = 0; i < 50; i++) {
                Host via = i % 2 == 0 ? a.host : b.host;
                byte[] item = ("e" + i).getBytes(StandardCharsets.UTF_8);
                assertThat(via.log().append(item).get(30, TimeUnit.SECONDS).index()).isPositive();
            }
            // And the client ports still serve a proper client.
            assertThat(a.send("PUT", "/v1/kv/k", "v").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndIdleOnesTimeOut() throws Exception {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Host host = Kayak.start(HostOptions.builder().id("solo").listen("127.0.0.1:0")
                .meterRegistry(metrics).build());
        try (KvServer server = KvServer.start(host, ServerConfig.of(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0)).withConnectionLimits(20, Duration.ofSeconds(1)), metrics)) {
            for (int i = 0; i < 20; i++) {
                open(server.httpAddress(), "GET /v1/kv/partial");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.httpPort().openConnections() == 20);
            Socket extra = open(server.httpAddress(), "");
            InputStream in = extra.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(server.httpPort().refusedConnections()).isEqualTo(1);
            // Monitoring sees it too.
            assertThat(metrics.get("kayak.client.connections.refused").tags("port", "http").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(metrics.scrape()).contains("kayak_client_connections_refused_total");
            // The slow clients never finish their requests: the idle timeout closes them all.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.httpPort().openConnections() == 0);
            assertThat(sockets.get(0).getInputStream().read()).isEqualTo(-1);
        } finally {
            host.close();
        }
    }
}

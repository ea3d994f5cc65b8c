package io.kayak.cli;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.server.KvServer;
import io.kayak.server.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kayak kv} against an in-process member: writes go through a session and get past a member that does not
 * answer; each documented exit code.
 */
class KvCommandTest {
    private final java.util.List<Socket> heldPorts = new java.util.ArrayList<>();
    private Host host;
    private KvServer server;
    private String address;

    @BeforeEach
    void start() {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        host = Kayak.start(HostOptions.builder().id("a").listen("127.0.0.1:0").meterRegistry(metrics).build());
        server = KvServer.start(host, ServerConfig.of(new InetSocketAddress("127.0.0.1", 0), null), metrics);
        address = "127.0.0.1:" + server.httpAddress().getPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> host.leader().isPresent());
    }

    @AfterEach
    void stop() {
        server.close();
        host.close();
        for (Socket held : heldPorts) {
            try {
                held.close();
            } catch (IOException ignored) {
                // closing a socket that never connected
            }
        }
    }

    @Test
    void writesGoThroughASessionPastAMemberThatDoesNotAnswer() throws Exception {
        String dead;
        dead = "127.0.0.1:" + refusingPort();
        String both = dead + "," + address;
        assertThat(Main.run("kv", "incr", "--server", both, "n")).isZero();
        assertThat(Main.run("kv", "incr", "--server", both, "n")).isZero();
        assertThat(Main.run("kv", "put", "--server", both, "k", "a")).isZero();
        assertThat(Main.run("kv", "cas", "--server", both, "k", "a", "b")).isZero();
        assertThat(Main.run("kv", "cas", "--server", both, "k", "a", "c")).isEqualTo(1);
        assertThat(Main.run("kv", "delete", "--server", both, "k")).isZero();
        assertThat(Main.run("kv", "delete", "--server", both, "k")).isEqualTo(1);
        assertThat(Main.run("kv", "get", "--server", address, "k")).isEqualTo(1);
        assertThat(new ClusterClient(HostPort.parse(address)).get("n", false).text()).isEqualTo("2");
        assertThat(Main.run("kv", "put", "--server", dead, "--retry-for", "1", "k", "v")).isEqualTo(2);
    }

    /**
     * A port held bound but not listening, for the test's lifetime: connecting to it is refused, and no other
     * process can take it meanwhile (a port closed again right away could be).
     */
    private int refusingPort() throws IOException {
        Socket held = new Socket();
        held.bind(new InetSocketAddress("127.0.0.1", 0));
        heldPorts.add(held);
        return held.getLocalPort();
    }
}

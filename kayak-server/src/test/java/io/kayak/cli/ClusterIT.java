package io.kayak.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real server processes: writes over HTTP and RESP through different members, one member killed with
 * SIGKILL and restarted with the same command line on the ports it bound, then every acknowledged write is read back
 * on every member.
 */
class ClusterIT {
    private LocalCluster cluster;

    @BeforeEach
    void start() throws IOException {
        cluster = new LocalCluster(Processes.serverClasspath());
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void acknowledgedWritesSurviveAKilledAndRestartedMember() throws Exception {
        ServerProcess a = cluster.start("a", List.of());
        ServerProcess b = cluster.start("b", List.of(a.peer()));
        ServerProcess c = cluster.start("c", List.of(a.peer()));
        await().atMost(Duration.ofSeconds(30)).until(() -> voters(a) == 3);

        Map<String, String> acknowledged = new LinkedHashMap<>();
        ClusterClient viaB = new ClusterClient(b.http());
        for (int i = 0; i < 50; i++) {
            if (viaB.put("http-" + i, ("h" + i).getBytes(StandardCharsets.UTF_8)).status() == 200) {
                acknowledged.put("http-" + i, "h" + i);
            }
        }
        try (Resp viaC = new Resp(c.resp())) {
            for (int i = 0; i < 50; i++) {
                if (viaC.call("SET", "resp-" + i, "r" + i).equals("+OK")) {
                    acknowledged.put("resp-" + i, "r" + i);
                }
            }
        }
        assertThat(acknowledged).hasSize(100);

        c.kill();
        for (int i = 0; i < 20; i++) {
            String key = "while-down-" + i;
            // 503 means nothing was written (an election may be under way): retry, as a client would.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    viaB.put(key, "d".getBytes(StandardCharsets.UTF_8)).status() != 503);
            acknowledged.put(key, "d");
        }
        assertThat(new ClusterClient(b.http()).get("while-down-19", false).status()).isEqualTo(200);
        cluster.restart("c");

        for (ServerProcess member : List.of(a, b, c)) {
            ClusterClient client = new ClusterClient(member.http());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                    ClusterClient.Reply r = client.get(e.getKey(), true);
                    assertThat(r.status()).as(e.getKey() + " on " + member.id()).isEqualTo(200);
                    assertThat(r.text()).isEqualTo(e.getValue());
                }
            });
        }
    }

    @Test
    void sigtermStopsAMemberCleanlyAndTheSameCommandLineResumesIt() throws Exception {
        ServerProcess a = cluster.start("a", List.of());
        ServerProcess b = cluster.start("b", List.of(a.peer()));
        await().atMost(Duration.ofSeconds(30)).until(() -> voters(a) == 2);
        assertThat(new ClusterClient(a.http()).put("k", "v".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(200);

        assertThat(b.terminate(Duration.ofSeconds(20))).as("stopped on SIGTERM alone").isTrue();
        assertThat(b.tail(200)).doesNotContain("ERROR", "Exception");
        cluster.restart("b");
        assertThat(b.tail(200)).contains("kayak server ready: id=b").contains("resumed=true");
        // Until the pair has a leader again reads are refused with 503 (retry later): retry like a client would.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ClusterClient.Reply read = new ClusterClient(b.http()).get("k", false);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.text()).isEqualTo("v");
        });
        assertThat(voters(b)).isEqualTo(2);
    }

    @Test
    void leadershipIsHandedOverAndAMemberRemovedThroughTheAdminEndpoints() throws Exception {
        ServerProcess a = cluster.start("a", List.of());
        ServerProcess b = cluster.start("b", List.of(a.peer()));
        ServerProcess c = cluster.start("c", List.of(a.peer()));
        await().atMost(Duration.ofSeconds(30)).until(() -> voters(a) == 3);
        ClusterClient viaC = new ClusterClient(c.http());
        assertThat(viaC.transferLeadership("b").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "b".equals(new ClusterClient(a.http()).status()
                .get("leader")));
        assertThat(viaC.transferLeadership("nobody").status()).isEqualTo(409);
        assertThat(new ClusterClient(a.http()).remove("c").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> voters(b) == 2);
        // The removed member says so (the leader tells it when it next hears from it), rather than looking like a
        // member that lost its leader.
        await().atMost(Duration.ofSeconds(20)).until(() -> "removed".equals(new ClusterClient(c.http()).status()
                .get("role")));
    }

    @SuppressWarnings("unchecked")
    private static long voters(ServerProcess p) {
        return ((List<Object>) new ClusterClient(p.http()).status().get("members")).stream()
                .filter(m -> Boolean.TRUE.equals(((Map<String, Object>) m).get("voter"))).count();
    }

    /** A minimal RESP client: one command, one single-line reply. */
    private static final class Resp implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        Resp(HostPort address) throws IOException {
            socket = new Socket(address.host(), address.port());
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String call(String... args) throws IOException {
            StringBuilder b = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

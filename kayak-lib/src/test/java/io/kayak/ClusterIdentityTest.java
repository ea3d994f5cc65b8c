package io.kayak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster id is fixed when the cluster is seeded, stored in every member's data directory and checked at every
 * connection; a joiner learns it from its JOIN answer.
 */
class ClusterIdentityTest {
    @TempDir
    Path dir;

    private static String storedCluster(Path dataDir) throws Exception {
        return Files.readAllLines(dataDir.resolve("member"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("cluster=")).map(l -> l.substring(8)).findFirst().orElse(null);
    }

    @Test
    void theSeedFixesAnIdThatJoinersLearnAndKeepAcrossRestarts() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.start("a");
            String id = storedCluster(cluster.dataDir("a"));
            assertThat(id).startsWith("kayak-").hasSizeGreaterThan("kayak-".length());
            Host b = cluster.join("b", "a");
            assertThat(storedCluster(cluster.dataDir("b"))).isEqualTo(id);
            assertThat(a.log().append("x".getBytes()).get().index()).isPositive();
            b.close();
            Host b2 = cluster.track(Kayak.start(cluster.options("b")));
            await().atMost(Duration.ofSeconds(20)).until(() -> b2.log().committed() >= a.log().committed());
            assertThat(storedCluster(cluster.dataDir("b"))).isEqualTo(id);
        }
    }

    @Test
    void twoSeedsOfTheSameNameAreDifferentClusters() throws Exception {
        try (TcpCluster one = new TcpCluster(dir.resolve("one")); TcpCluster two = new TcpCluster(dir.resolve("two"))) {
            one.start("a");
            two.start("a");
            assertThat(storedCluster(one.dataDir("a"))).isNotEqualTo(storedCluster(two.dataDir("a")));
        }
    }

    @Test
    void aJoinerConfiguredForAnotherClusterNameIsRefusedBeforeBeingAdmitted() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.start("a");
            String id = storedCluster(cluster.dataDir("a"));
            HostOptions stranger = HostOptions.builder().id("x").listen(cluster.listen("x"))
                    .dataDir(cluster.dataDir("x")).cluster("other").build();
            assertThatThrownBy(() -> cluster.track(Kayak.join(stranger, List.of(cluster.address("a")))))
                    .isInstanceOf(KayakException.class).hasMessageContaining("other").hasMessageContaining(id);
            // Refused at the door: the cluster never listed it, not even as a learner.
            assertThat(a.roster()).extracting(Member::id).containsExactly("a");
            assertThat(a.log().append("still fine".getBytes(StandardCharsets.UTF_8)).get().index()).isPositive();
        }
    }

    @Test
    void aDataDirectoryOfAnotherClusterIsRefusedNamingBoth() throws Exception {
        String id;
        try (TcpCluster cluster = new TcpCluster(dir)) {
            cluster.start("a");
            id = storedCluster(cluster.dataDir("a"));
        }
        HostOptions other = HostOptions.builder().id("a").listen("127.0.0.1:0").dataDir(dir.resolve("a"))
                .cluster("other").build();
        assertThatThrownBy(() -> Kayak.start(other)).isInstanceOf(KayakException.class)
                .hasMessageContaining(id).hasMessageContaining("other");
    }

    @Test
    void aDataDirectoryFromBeforeClusterIdsKeepsTheName() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            cluster.start("a").close();
            Path member = cluster.dataDir("a").resolve("member");
            List<String> lines = Files.readAllLines(member);
            Files.write(member, lines.subList(0, 2));
            Host a = cluster.track(Kayak.start(cluster.options("a")));
            assertThat(a.log().append("x".getBytes()).get().index()).isPositive();
            assertThat(storedCluster(cluster.dataDir("a"))).isEqualTo("kayak");
        }
    }
}

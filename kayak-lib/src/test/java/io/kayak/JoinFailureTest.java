package io.kayak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.kayak.transport.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join that cannot succeed says so precisely: a peer list naming nobody at once, an address that refuses as
 * refused (not as a timeout), a TLS handshake that is refused as such, a member that refuses as a refusal; and a
 * join that can succeed still does.
 */
class JoinFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /**
     * A loopback port that refuses every connection while the socket stays open: bound, so nobody else can listen
     * there, but not listening.
     */
    private static Socket refusingPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    private static String address(Socket socket) {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private static HostOptions.Builder options(TcpCluster cluster, String id) {
        return HostOptions.builder().id(id).listen(cluster.listen(id)).dataDir(cluster.dataDir(id))
                .electionTimeout(Duration.ofSeconds(1));
    }

    @Test
    void aPeerListNamingNobodyIsRefusedBeforeAnythingStarts() {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            HostOptions options = options(cluster, "b").build();
            Set<Thread> before = KayakThreads.live();
            assertThatThrownBy(() -> Kayak.join(options, List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peers");
            assertThatThrownBy(() -> Kayak.join(options, Arrays.asList("127.0.0.1:1", null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peers");
            assertThatThrownBy(() -> Kayak.join(options, List.of(" ")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peers");
            assertThatThrownBy(() -> Kayak.join(options, null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("peers");
            // Nothing started: the data directory was not even created, and no thread was.
            assertThat(cluster.dataDir("b")).doesNotExist();
            assertThat(KayakThreads.startedSince(before)).isEmpty();
        }
    }

    @Test
    void addressesThatRefuseAreReportedAsRefusedEachByName() throws Exception {
        try (TcpCluster cluster = new TcpCluster(dir); Socket one = refusingPort(); Socket two = refusingPort()) {
            // Short, yet long enough for a first connection in a JVM busy with other builds.
            HostOptions options = options(cluster, "b").joinTimeout(Duration.ofSeconds(2)).build();
            Set<Thread> before = KayakThreads.live();
            assertThatThrownBy(() -> cluster.track(Kayak.join(options, List.of(address(one), address(two)))))
                    .isInstanceOfSatisfying(JoinException.class, e -> assertThat(e.reasons()).containsExactly(
                            entry(address(one), "connection refused"), entry(address(two), "connection refused")))
                    .hasMessage("could not join within PT2S: " + address(one) + ": connection refused; "
                            + address(two) + ": connection refused");
            // The host that tried was stopped, every thread of it.
            await().atMost(WAIT).untilAsserted(() -> assertThat(KayakThreads.startedSince(before)).isEmpty());
        }
    }

    @Test
    void aMemberWithACertificateOfAnotherCaIsToldItsTlsHandshakeWasRefused() {
        TestPki ca = TestPki.create(dir.resolve("pki"), "ca");
        TestPki other = TestPki.create(dir.resolve("pki"), "other");
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.track(Kayak.start(options(cluster, "a").tls(ca.issue("a")).build()));
            // It trusts the cluster's CA, but its own certificate is another CA's: the member refuses it.
            TlsFiles foreign = other.issue("x");
            HostOptions intruder = options(cluster, "x").joinTimeout(Duration.ofSeconds(3))
                    .tls(new TlsFiles(foreign.certificateChain(), foreign.privateKey(), ca.caFile())).build();
            assertThatThrownBy(() -> cluster.track(Kayak.join(intruder, List.of(cluster.address("a")))))
                    .isInstanceOf(JoinException.class).hasMessageContaining(cluster.address("a")
                            + ": TLS handshake refused: certificate not trusted by that member's CA");
            // Wholly another CA's: it refuses the member's certificate itself.
            HostOptions stranger = options(cluster, "y").joinTimeout(Duration.ofSeconds(3))
                    .tls(other.issue("y")).build();
            assertThatThrownBy(() -> cluster.track(Kayak.join(stranger, List.of(cluster.address("a")))))
                    .isInstanceOf(JoinException.class).hasMessageContaining(cluster.address("a")
                            + ": TLS handshake refused: that member's certificate is not trusted by this member's CA");
            assertThat(a.roster()).extracting(Member::id).containsExactly("a");
        }
    }

    @Test
    void membersOfOneCaJoinAndReplicate() throws Exception {
        TestPki ca = TestPki.create(dir.resolve("pki"), "ca");
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.track(Kayak.start(options(cluster, "a").tls(ca.issue("a")).build()));
            // The first address refuses: the join goes on to the next at once.
            try (Socket refusing = refusingPort()) {
                Host b = cluster.track(Kayak.join(options(cluster, "b").tls(ca.issue("b")).build(),
                        List.of(address(refusing), cluster.address("a"))));
                assertThat(b.roster()).extracting(Member::id).contains("a", "b");
            }
            long index = a.log().append("x".getBytes(StandardCharsets.UTF_8)).get().index();
            Host b = cluster.hosts().get(1);
            await().atMost(WAIT).until(() -> b.log().committed() >= index);
        }
    }

    @Test
    void aMemberThatRefusesEndsTheJoinAtOnce() {
        try (TcpCluster cluster = new TcpCluster(dir)) {
            Host a = cluster.start("a");
            HostOptions stranger = options(cluster, "x").cluster("other").build();
            assertThatThrownBy(() -> cluster.track(Kayak.join(stranger, List.of(cluster.address("a")))))
                    .isInstanceOf(JoinException.class)
                    .hasMessageStartingWith("could not join: " + cluster.address("a")
                            + ": refused: member x was configured for a cluster named other");
            assertThat(a.roster()).extracting(Member::id).containsExactly("a");
        }
    }

    @Test
    void theJoinTimeoutIsThirtySecondsByDefaultAndMustBePositive() {
        assertThat(HostOptions.builder().build().joinTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(HostOptions.builder().joinTimeout(Duration.ofMillis(1)).build().joinTimeout())
                .isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> HostOptions.builder().joinTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joinTimeout");
        assertThatThrownBy(() -> HostOptions.builder().joinTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joinTimeout");
        assertThatThrownBy(() -> HostOptions.builder().joinTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("joinTimeout");
    }
}

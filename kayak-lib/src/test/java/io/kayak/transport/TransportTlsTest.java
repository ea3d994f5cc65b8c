package io.kayak.transport;

import io.kayak.TlsFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With TLS on, only members holding a valid certificate of the cluster's CA exchange anything. */
class TransportTlsTest {
    @TempDir
    Path dir;

    private Node tlsNode(String id, TlsFiles files) throws Exception {
        return Node.start("c1", id, b -> b.tls(files).tlsReloadInterval(Duration.ofMillis(100)));
    }

    @Test
    void membersOfOneCaExchangeMessagesAndRpcs() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        try (Node a = tlsNode("a", ca.issue("a")); Node b = tlsNode("b", ca.issue("b"))) {
            a.send(b, new Message.TimeoutNow("a", "b", 1));
            b.send(a, new Message.TimeoutNow("b", "a", 2));
            a.send(b, new Rpc.Request(1, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> 
                    b.received().size() == 1 && a.received().size() == 1 && b.receivedRpcs().size() == 1);
            assertThat(a.stats().tlsFailures() + b.stats().tlsFailures()).isZero();
        }
    }

    @Test
    void aMemberWithACertificateOfAnotherCaIsRefused() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        TestPki other = TestPki.create(dir, "other");
        // The intruder trusts the cluster's CA, so only its own certificate can fail the handshake.
        TlsFiles foreign = other.issue("x");
        TlsFiles intruder = new TlsFiles(foreign.certificateChain(), foreign.privateKey(), ca.caFile());
        try (Node b = tlsNode("b", ca.issue("b")); Node x = tlsNode("x", intruder)) {
            x.send(b, new Message.TimeoutNow("x", "b", 1));
            x.send(b, new Rpc.Request(1, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().tlsFailures() >= 2);
            assertThat(b.received()).isEmpty();
            assertThat(b.receivedRpcs()).isEmpty();
            assertThat(b.stats().framesReceived()).isZero();
        }
    }

    @Test
    void aRequestFromAMemberWithACertificateOfAnotherCaIsReportedUndeliveredWithTheReason() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        TestPki other = TestPki.create(dir, "other");
        TlsFiles foreign = other.issue("x");
        TlsFiles intruder = new TlsFiles(foreign.certificateChain(), foreign.privateKey(), ca.caFile());
        try (Node b = tlsNode("b", ca.issue("b")); Node x = tlsNode("x", intruder)) {
            // b distrusts x's certificate: x hears b's alert.
            x.send(b, new Rpc.Request(7, "127.0.0.1:1", Rpc.Kind.REMOVE, "x", "", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> !x.undelivered().isEmpty());
            assertThat(x.undelivered().get(0).requestIds()).containsExactly(7L);
            assertThat(x.undelivered().get(0).reason())
                    .startsWith("TLS handshake refused: certificate not trusted by that member's CA");
        }
        try (Node b = tlsNode("b", ca.issue("b")); Node y = tlsNode("y", other.issue("y"))) {
            // y distrusts b's certificate itself.
            y.send(b, new Rpc.Request(8, "127.0.0.1:1", Rpc.Kind.REMOVE, "y", "", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> !y.undelivered().isEmpty());
            assertThat(y.undelivered().get(0).reason())
                    .isEqualTo("TLS handshake refused: that member's certificate is not trusted by this member's CA");
        }
    }

    @Test
    void aMemberWithAnExpiredCertificateIsRefused() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        try (Node b = tlsNode("b", ca.issue("b")); Node x = tlsNode("x", ca.issueExpired("x"))) {
            x.send(b, new Message.TimeoutNow("x", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().tlsFailures() >= 2);
            assertThat(b.received()).isEmpty();
            assertThat(b.stats().framesReceived()).isZero();
        }
    }

    @Test
    void aMemberThatDoesNotTrustTheServersCaGivesUp() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        TestPki other = TestPki.create(dir, "other");
        try (Node b = tlsNode("b", other.issue("b")); Node a = tlsNode("a", ca.issue("a"))) {
            a.send(b, new Message.TimeoutNow("a", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().tlsFailures() >= 2);
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void aPlaintextConnectorIsRefused() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        try (Node b = tlsNode("b", ca.issue("b")); RawPeer raw = RawPeer.connect(b.address)) {
            raw.writeFrame(Handshake.hello("c1", "a", "b"));
            raw.assertClosedByPeer();
            assertThat(b.stats().tlsFailures()).isEqualTo(1);
            assertThat(b.stats().framesReceived()).isZero();
        }
    }

    @Test
    void aPlaintextMemberCannotTalkToATlsMember() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        try (Node b = tlsNode("b", ca.issue("b")); Node a = Node.start("c1", "a")) {
            a.send(b, new Message.TimeoutNow("a", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().tlsFailures() >= 2);
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void rewrittenCertificatesApplyToNewConnectionsWithoutARestart() throws Exception {
        TestPki ca = TestPki.create(dir, "ca");
        TestPki next = TestPki.create(dir, "next");
        TlsFiles bFiles = ca.issue("b");
        try (Node b = tlsNode("b", bFiles); Node a = tlsNode("a", next.issue("a"))) {
            a.send(b, new Message.TimeoutNow("a", "b", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().tlsFailures() >= 1);
            assertThat(b.received()).isEmpty();
            // The cluster moves to the new CA: b's files are rewritten in place and picked up by the file check.
            TlsFiles rotated = next.issue("b");
            Files.copy(rotated.certificateChain(), bFiles.certificateChain(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(rotated.privateKey(), bFiles.privateKey(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(next.caFile(), bFiles.trustedCa(), StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(15)).until(() -> b.received().size() == 1);
        }
    }

    @Test
    void unreadableFilesFailAtConstruction() {
        TlsFiles missing = new TlsFiles(dir.resolve("no.pem"), dir.resolve("no-key.pem"), dir.resolve("ca.pem"));
        assertThatThrownBy(() -> Node.start("c1", "a", b -> b.tls(missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no.pem");
    }

    @Test
    void explicitReloadNeedsTls() throws Exception {
        try (Node a = Node.start("c1", "a")) {
            assertThatThrownBy(a.transport::reloadTls).isInstanceOf(IllegalStateException.class);
        }
    }
}

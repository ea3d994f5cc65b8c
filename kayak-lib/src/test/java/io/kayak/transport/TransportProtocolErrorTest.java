package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kayak.core.Entry;
import io.kayak.core.Message;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever a peer puts on the wire, the receiver survives it, counts it and closes only that connection. */
class TransportProtocolErrorTest {

    @Test
    void anOversizeFrameClosesTheConnectionAndTheReceiverCarriesOn() throws Exception {
        try (Node b = Node.start("c1", "b", o -> o.maxFrameBytes(1024));
             Node a = Node.start("c1", "a")) {
            a.send(b, append(2000));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    b.stats().oversizeFrames() == 1 && a.stats().reconnects() >= 1);
            assertThat(b.stats().protocolErrors()).isEqualTo(1);

            Message small = new Message.TimeoutNow("a", "b", 2);
            a.send(b, small);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.received()).containsExactly(small));
        }
    }

    @Test
    void anOversizeLengthPrefixIsRejectedBeforeItsBodyArrives() throws Exception {
        try (Node b = Node.start("c1", "b", o -> o.maxFrameBytes(1024)); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "b");
            raw.writeRaw(ByteBuffer.allocate(4).putInt(1025).array());
            raw.assertClosedByPeer();
            assertThat(b.stats().oversizeFrames()).isEqualTo(1);
        }
    }

    @Test
    void aSenderDropsMessagesAboveItsOwnFrameLimitAndKeepsTheConnection() throws Exception {
        try (Node b = Node.start("c1", "b"); Node a = Node.start("c1", "a", o -> o.maxFrameBytes(1024))) {
            Message before = new Message.TimeoutNow("a", "b", 1);
            Message after = new Message.TimeoutNow("a", "b", 2);
            a.send(b, before);
            a.send(b, append(2000));
            a.send(b, after);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(b.received()).containsExactly(before, after));
            assertThat(a.stats().messagesDropped()).isEqualTo(1);
            assertThat(a.stats().reconnects()).isZero();
            assertThat(b.stats().protocolErrors()).isZero();
        }
    }

    @Test
    void aSenderCountsEveryFrameAboveItsLimitButLogsOnlyTheFirstOfAConnection() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (Node b = Node.start("c1", "b"); Node a = Node.start("c1", "a", o -> o.maxFrameBytes(1024))) {
            Message before = new Message.TimeoutNow("a", "b", 1);
            Message after = new Message.TimeoutNow("a", "b", 2);
            a.send(b, before);
            for (int i = 0; i < 30; i++) {
                a.send(b, append(2000)); // a second of Raft retransmitting an entry it cannot deliver
            }
            a.send(b, after);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(b.received()).containsExactly(before, after));
            assertThat(a.stats().oversizeFramesDropped()).isEqualTo(30);
            assertThat(a.stats().messagesDropped()).isEqualTo(30);
            assertThat(a.stats().reconnects()).isZero();
        } finally {
            System.setErr(stderr);
            stderr.print(log.toString(StandardCharsets.UTF_8));
        }
        assertThat(log.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("Dropped a APPEND_REQUEST for member b"))).hasSize(1);
    }

    @Test
    void anHttpRequestOnTheRaftPortIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            // "GET " read as a length is about 1.2 GB: refused from the prefix alone.
            raw.writeRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.stats().oversizeFrames()).isEqualTo(1);
        }
    }

    @Test
    void aFrameThatIsNotProtobufIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            byte[] garbage = new byte[4 + 16];
            Arrays.fill(garbage, (byte) 0xFF);
            ByteBuffer.wrap(garbage).putInt(16);
            raw.writeRaw(garbage);
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.stats().oversizeFrames()).isZero();
        }
    }

    @Test
    void garbageAfterTheHandshakeIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "b");
            raw.writeRaw(new byte[] {0, 0, 0, 3, (byte) 0x82, 0x01, 0x05});
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void aMessageForAnotherMemberIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "b");
            raw.writeFrame(MessageCodec.encode(new Message.TimeoutNow("a", "c", 1)));
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void aMessageUnderAnotherSendersNameIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "b");
            raw.writeFrame(MessageCodec.encode(new Message.TimeoutNow("a", "b", 1)));
            raw.writeFrame(MessageCodec.encode(new Message.VoteResponse("z", "b", 1, false, true)));
            raw.assertClosedByPeer();
            assertThat(b.received()).containsExactly(new Message.TimeoutNow("a", "b", 1));
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
        }
    }

    @Test
    void anInvalidMessageIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "b");
            Message gap = new Message.AppendRequest("a", "b", 2, 5, 1, List.of(Entry.normal(6, 2, null)), 0);
            raw.writeFrame(MessageCodec.encode(gap).toBuilder()
                    .setAppendRequest(MessageCodec.encode(gap).getAppendRequest().toBuilder().setPrevIndex(3))
                    .build());
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
            assertThat(b.received()).isEmpty();
        }
    }

    @Test
    void aSecondHelloIsRejected() throws Exception {
        try (Node b = Node.start("c1", "b"); RawPeer raw = RawPeer.connect(b.address)) {
            raw.handshake("c1", "a", "b");
            raw.writeFrame(Handshake.hello("c1", "a", "b"));
            raw.assertClosedByPeer();
            assertThat(b.stats().protocolErrors()).isEqualTo(1);
        }
    }

    private static Message append(int payloadBytes) {
        return new Message.AppendRequest("a", "b", 1, 0, 0, List.of(Entry.normal(1, 1, new byte[payloadBytes])), 0);
    }
}

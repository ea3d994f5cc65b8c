package io.kayak.transport;

import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.Frame;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SnapshotCodecTest {
    private static final SnapshotFrame.Chunk CHUNK = new SnapshotFrame.Chunk("a", "b", 3, 100, 2, 77, 1, 10,
            new byte[]{1, 2, 3}, 0x1234, 20, 0xABCD);

    static List<SnapshotFrame> examples() {
        return List.of(CHUNK,
                new SnapshotFrame.Chunk("a", "b", 1, 1, 1, -5, 0, 0, new byte[]{9}, -1, 1, Integer.MIN_VALUE),
                new SnapshotFrame.Ack("b", "a", 3, 100, 77, 1, 13, SnapshotFrame.Status.RECEIVING, ""),
                new SnapshotFrame.Ack("b", "a", 3, 100, 77, 2, 10, SnapshotFrame.Status.GAP, ""),
                new SnapshotFrame.Ack("b", "a", 4, 100, 77, 2, 20, SnapshotFrame.Status.INSTALLED, ""),
                new SnapshotFrame.Ack("b", "a", 5, 100, 77, 0, 0, SnapshotFrame.Status.REFUSED, "stale term"));
    }

    @Test
    void chunksAndEveryAckStatusRoundTripThroughBytes() throws Exception {
        for (SnapshotFrame f : examples()) {
            Frame frame = Frame.parseFrom(SnapshotCodec.encode(f).toByteArray());
            assertThat(SnapshotCodec.carriesSnapshot(frame)).isTrue();
            assertThat(RpcCodec.carriesRpc(frame)).isFalse();
            assertThat(SnapshotCodec.decode(frame)).usingRecursiveComparison().isEqualTo(f);
        }
        assertThat(examples()).filteredOn(SnapshotFrame.Ack.class::isInstance)
                .extracting(f -> ((SnapshotFrame.Ack) f).status()).containsExactlyInAnyOrder(SnapshotFrame.Status.values());
    }

    @Test
    void theChunkKnowsWhetherItEndsTheFile() {
        assertThat(CHUNK.last()).isFalse();
        assertThat(new SnapshotFrame.Chunk("a", "b", 3, 100, 2, 77, 1, 17, new byte[]{1, 2, 3}, 0, 20, 0).last())
                .isTrue();
    }

    @Test
    void invalidFramesAreRefusedOnBothSides() {
        List<SnapshotFrame> invalid = List.of(
                new SnapshotFrame.Chunk("", "b", 3, 100, 2, 77, 1, 10, new byte[]{1}, 0, 20, 0),
                new SnapshotFrame.Chunk("a", "b", 0, 100, 2, 77, 1, 10, new byte[]{1}, 0, 20, 0),
                new SnapshotFrame.Chunk("a", "b", 3, 0, 2, 77, 1, 10, new byte[]{1}, 0, 20, 0),
                new SnapshotFrame.Chunk("a", "b", 3, 100, 2, 0, 1, 10, new byte[]{1}, 0, 20, 0),
                new SnapshotFrame.Chunk("a", "b", 3, 100, 2, 77, 1, 19, new byte[]{1, 2}, 0, 20, 0),
                new SnapshotFrame.Chunk("a", "b", 3, 100, 2, 77, 1, -1, new byte[]{1}, 0, 20, 0),
                new SnapshotFrame.Chunk("a", "b", 3, 100, 2, 77, 1, 0, new byte[0], 0, 20, 0),
                new SnapshotFrame.Ack("b", "a", 3, 100, 0, 1, 13, SnapshotFrame.Status.RECEIVING, ""),
                new SnapshotFrame.Ack("b", "a", 3, 100, 77, 1, -13, SnapshotFrame.Status.RECEIVING, ""));
        for (SnapshotFrame f : invalid) {
            assertThatThrownBy(() -> SnapshotCodec.encode(f)).as("%s", f).isInstanceOf(IllegalArgumentException.class);
        }
        // The same violations arriving from the wire, plus what an encoder never produces: an absent status.
        Frame noStatus = Frame.newBuilder().setSnapshotAck(RaftProto.SnapshotAck.newBuilder().setFrom("b").setTo("a")
                .setTerm(1).setSnapshotIndex(1).setTransfer(1)).build();
        Frame hugeOffset = Frame.newBuilder().setSnapshotChunk(SnapshotCodec.encode(CHUNK).getSnapshotChunk()
                .toBuilder().setOffset(-1L)).build();
        for (Frame frame : List.of(noStatus, hugeOffset)) {
            assertThatThrownBy(() -> SnapshotCodec.decode(frame)).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void snapshotFramesTravelOnMemberConnectionsAndReachTheHandler() throws Exception {
        try (Node a = Node.start("c1", "a"); Node b = Node.start("c1", "b")) {
            a.send(b, CHUNK);
            SnapshotFrame.Ack ack = new SnapshotFrame.Ack("b", "a", 3, 100, 77, 1, 13,
                    SnapshotFrame.Status.RECEIVING, "");
            b.send(a, ack);
            await().atMost(Duration.ofSeconds(10)).until(() -> !b.receivedSnapshotFrames().isEmpty()
                    && !a.receivedSnapshotFrames().isEmpty());
            assertThat(b.receivedSnapshotFrames().get(0)).usingRecursiveComparison().isEqualTo(CHUNK);
            assertThat(a.receivedSnapshotFrames().get(0)).isEqualTo(ack);
            // A frame naming another sender is the caller's bug, reported at once.
            assertThatThrownBy(() -> a.send(b, ack)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

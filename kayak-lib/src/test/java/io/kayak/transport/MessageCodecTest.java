package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.Frame;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    @Test
    void everyMessageTypeRoundTripsThroughBytes() throws ProtocolException {
        for (Message m : TestMessages.everyType("a", "b")) {
            byte[] bytes = MessageCodec.encode(m).toByteArray();
            assertThat(MessageCodec.decode(bytes)).as("%s", m).isEqualTo(m);
        }
    }

    @Test
    void testMessagesCoverEveryTypeOfTheSealedInterface() {
        Set<Class<?>> covered = TestMessages.everyType("a", "b").stream().map(Object::getClass)
                .collect(Collectors.toSet());
        // InstallSnapshot is never a bare frame: the receiving driver steps it itself once the snapshot's data is
        // durable, so a peer must not be able to make a member install a snapshot it does not hold.
        Set<Class<?>> onTheWire = Arrays.stream(Message.class.getPermittedSubclasses())
                .filter(c -> c != Message.InstallSnapshot.class).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(onTheWire);
    }

    @Test
    void wireEntryKindsAreTheCoreCodes() {
        for (EntryKind kind : EntryKind.values()) {
            assertThat(RaftProto.EntryKind.forNumber(kind.code()).name()).isEqualTo("ENTRY_KIND_" + kind.name());
        }
        assertThat(Arrays.stream(RaftProto.EntryKind.values()).filter(k -> k != RaftProto.EntryKind.UNRECOGNIZED))
                .hasSize(EntryKind.values().length);
    }

    @Test
    void rejectsAnEmptyFrame() {
        assertRejected(Frame.getDefaultInstance(), "no known message");
    }

    @Test
    void rejectsHandshakeFramesAsRaftMessages() {
        assertRejected(Handshake.hello("c", "a", "b"), "handshake frame");
    }

    @Test
    void rejectsEmptyMemberIds() {
        assertRejected(frame(RaftProto.TimeoutNow.newBuilder().setFrom("").setTo("b").setTerm(1).build()),
                "empty member id");
        assertRejected(frame(RaftProto.TimeoutNow.newBuilder().setFrom("a").setTerm(1).build()), "empty member id");
    }

    @Test
    void rejectsTermsAndIndexesBeyondTheSignedRange() {
        assertRejected(frame(RaftProto.TimeoutNow.newBuilder().setFrom("a").setTo("b").setTerm(-1).build()),
                "term out of range");
        assertRejected(frame(RaftProto.Heartbeat.newBuilder().setFrom("a").setTo("b").setTerm(1)
                .setCommit(Long.MIN_VALUE).build()), "commit out of range");
        assertRejected(frame(RaftProto.VoteRequest.newBuilder().setFrom("a").setTo("b").setTerm(1)
                .setLastIndex(-3).build()), "last_index out of range");
    }

    @Test
    void rejectsAReadIndexBelowMinusOne() {
        assertRejected(frame(RaftProto.ReadIndexResponse.newBuilder().setFrom("a").setTo("b").setTerm(1)
                .setIndex(-2).build()), "index -2");
    }

    @Test
    void rejectsAnUnknownEntryKind() {
        assertRejected(append(5, 2, entry(6, 2).setKindValue(7)), "unknown entry kind 7");
    }

    @Test
    void rejectsEntriesThatDoNotFollowPrevIndex() {
        assertRejected(append(5, 2, entry(7, 2)), "entry index 7 where 6 was expected");
    }

    @Test
    void rejectsEntriesWithGaps() {
        assertRejected(append(5, 2, entry(6, 2), entry(8, 2)), "entry index 8 where 7 was expected");
    }

    @Test
    void rejectsEntryTermsThatDecreaseOrExceedTheLeadersTerm() {
        assertRejected(append(5, 2, entry(6, 3), entry(7, 2)), "entry 7 has term 2");
        assertRejected(append(5, 2, entry(6, 1)), "entry 6 has term 1");
        assertRejected(append(5, 2, entry(6, 4)), "entry 6 has term 4");
        assertRejected(append(0, 0, entry(1, 0)), "entry 1 has term 0");
    }

    @Test
    void rejectsIndexesThatOverflow() {
        assertRejected(append(Long.MAX_VALUE, 2, entry(Long.MIN_VALUE, 2)), "overflow");
    }

    @Test
    void rejectsAPrevTermAboveTheRequestTerm() {
        assertRejected(append(5, 4), "prev_term 4 above its term 3");
    }

    @Test
    void malformedBytesAreAProtocolException() {
        assertThatThrownBy(() -> MessageCodec.decode(new byte[] {(byte) 0x82, 0x01, 0x05, 0x00}))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("malformed frame");
    }

    @Test
    void payloadsSurviveUnchanged() throws ProtocolException {
        byte[] payload = new byte[70_000];
        new java.util.Random(1).nextBytes(payload);
        Message m = new Message.AppendRequest("a", "b", 3, 0, 0,
                java.util.List.of(io.kayak.core.Entry.normal(1, 3, payload)), 0);
        Message decoded = MessageCodec.decode(MessageCodec.encode(m).toByteArray());
        assertThat(((Message.AppendRequest) decoded).entries().get(0).payload()).isEqualTo(payload);
    }

    private static void assertRejected(Frame frame, String reason) {
        assertThatThrownBy(() -> MessageCodec.decode(frame)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining(reason);
        // The same through bytes, as the wire delivers it.
        assertThatThrownBy(() -> MessageCodec.decode(frame.toByteArray())).isInstanceOf(ProtocolException.class)
                .hasMessageContaining(reason);
    }

    private static Frame append(long prevIndex, long prevTerm, RaftProto.Entry.Builder... entries) {
        RaftProto.AppendRequest.Builder b = RaftProto.AppendRequest.newBuilder().setFrom("a").setTo("b").setTerm(3)
                .setPrevIndex(prevIndex).setPrevTerm(prevTerm);
        for (RaftProto.Entry.Builder e : entries) {
            b.addEntries(e);
        }
        return Frame.newBuilder().setAppendRequest(b).build();
    }

    private static RaftProto.Entry.Builder entry(long index, long term) {
        return RaftProto.Entry.newBuilder().setIndex(index).setTerm(term).setPayload(ByteString.copyFromUtf8("p"));
    }

    private static Frame frame(RaftProto.TimeoutNow m) {
        return Frame.newBuilder().setTimeoutNow(m).build();
    }

    private static Frame frame(RaftProto.Heartbeat m) {
        return Frame.newBuilder().setHeartbeat(m).build();
    }

    private static Frame frame(RaftProto.VoteRequest m) {
        return Frame.newBuilder().setVoteRequest(m).build();
    }

    private static Frame frame(RaftProto.ReadIndexResponse m) {
        return Frame.newBuilder().setReadIndexResponse(m).build();
    }
}

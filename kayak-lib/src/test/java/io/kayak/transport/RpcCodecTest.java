package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.ForwardError;
import io.kayak.transport.proto.RaftProto.ForwardKind;
import io.kayak.transport.proto.RaftProto.Frame;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcCodecTest {

    static List<Rpc> everyKind() {
        return List.of(
                new Rpc.Request(1, "10.0.0.1:7000", Rpc.Kind.APPEND, "", "", new byte[]{1, 2, 3}),
                new Rpc.Request(-2, "h:1", Rpc.Kind.JOIN, "m4", "10.0.0.4:7000", null, "prod"),
                new Rpc.Request(Long.MAX_VALUE, "[::1]:7000", Rpc.Kind.REMOVE, "m2", "", null),
                new Rpc.Request(6, "h:2", Rpc.Kind.TRANSFER_LEADERSHIP, "m3", "", null),
                new Rpc.Request(7, "h:3", Rpc.Kind.REMOVED, "m5", "", null),
                Rpc.Response.ok(1, 42, 3, null),
                Rpc.Response.ok(2, 7, 1, new byte[]{9, 8}),
                Rpc.Response.error(3, Rpc.Error.NOT_LEADER, "not the leader", "10.0.0.2:7000"),
                Rpc.Response.error(4, Rpc.Error.OVERLOADED, "busy", ""),
                Rpc.Response.error(5, Rpc.Error.REFUSED, "already a member", ""),
                Rpc.Response.error(Long.MIN_VALUE, Rpc.Error.OUTCOME_UNKNOWN, "lost leadership", ""),
                Rpc.Response.entryTooLarge(8, "a payload of 3000001 bytes exceeds ...", 3_000_001, 2 << 20));
    }

    /** Rpc records hold arrays, whose equals is identity: compare field by field. */
    static void assertSameRpc(Rpc actual, Rpc expected) {
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
    }

    @Test
    void everyKindOfRequestAndOutcomeRoundTripsThroughBytes() throws ProtocolException {
        for (Rpc rpc : everyKind()) {
            Frame frame = RpcCodec.encode(rpc);
            assertThat(RpcCodec.carriesRpc(frame)).isTrue();
            assertSameRpc(RpcCodec.decode(frame.toByteArray()), rpc);
        }
    }

    @Test
    void everyKindAndOutcomeHasAWireForm() {
        assertThat(everyKind()).filteredOn(Rpc.Request.class::isInstance).extracting(r -> ((Rpc.Request) r).kind())
                .containsExactlyInAnyOrder(Rpc.Kind.values());
        assertThat(everyKind()).filteredOn(Rpc.Response.class::isInstance)
                .extracting(r -> ((Rpc.Response) r).error()).containsAll(Arrays.asList(Rpc.Error.values()));
    }

    @Test
    void encodingCopiesArraysSoTheCallerMayReuseThem() throws ProtocolException {
        byte[] payload = {1, 2, 3};
        Frame frame = RpcCodec.encode(new Rpc.Request(1, "h:1", Rpc.Kind.APPEND, "", "", payload));
        payload[0] = 99;
        assertThat(((Rpc.Request) RpcCodec.decode(frame)).payload()).containsExactly(1, 2, 3);
    }

    @Test
    void overlongErrorMessagesAreCutNotRefused() throws ProtocolException {
        String longMessage = "x".repeat(RpcCodec.MAX_MESSAGE_CHARS + 10);
        Rpc.Response decoded = (Rpc.Response) RpcCodec.decode(
                RpcCodec.encode(Rpc.Response.error(1, Rpc.Error.REFUSED, longMessage, "")));
        assertThat(decoded.message()).hasSize(RpcCodec.MAX_MESSAGE_CHARS);
    }

    @Test
    void raftFramesAndRpcFramesAreNotMistakenForEachOther() {
        Frame raft = MessageCodec.encode(new Message.TimeoutNow("a", "b", 1));
        assertThat(RpcCodec.carriesRpc(raft)).isFalse();
        assertThatThrownBy(() -> RpcCodec.decode(raft)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("carries no forwarded request or answer");
        Frame rpc = RpcCodec.encode(everyKind().get(0));
        assertThatThrownBy(() -> MessageCodec.decode(rpc)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("carries no Raft message");
        assertThatThrownBy(() -> RpcCodec.decode(Frame.getDefaultInstance())).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> RpcCodec.decode(Handshake.hello("c", "a", ""))).isInstanceOf(ProtocolException.class);
    }

    @Test
    void rejectsARequestWithNobodyToAnswer() {
        assertRejected(request().setReplyTo(""), "names no address to answer");
    }

    @Test
    void rejectsUnknownOrAbsentKinds() {
        assertRejected(request().clearKind(), "unspecified kind");
        assertRejected(request().setKindValue(17), "unknown kind 17");
    }

    @Test
    void rejectsJoinsAndRemovalsThatDoNotSayWhom() {
        assertRejected(request().setKind(ForwardKind.FORWARD_KIND_JOIN).setMemberAddress("h:2"),
                "JOIN request 7 names no member");
        assertRejected(request().setKind(ForwardKind.FORWARD_KIND_JOIN).setMemberId("m"),
                "JOIN request 7 gives no address for member m");
        assertRejected(request().setKind(ForwardKind.FORWARD_KIND_REMOVE), "REMOVE request 7 names no member");
    }

    @Test
    void rejectsOverlongNames() {
        String tooLong = "h".repeat(RpcCodec.MAX_NAME_CHARS + 1);
        assertRejected(request().setReplyTo(tooLong), "reply_to of 1025 characters");
        assertRejected(request().setKind(ForwardKind.FORWARD_KIND_REMOVE).setMemberId(tooLong), "member_id of");
        assertRejected(request().setMemberAddress(tooLong), "member_address of");
        assertRejected(response().setLeaderAddress(tooLong), "leader_address of");
        assertRejected(response().setMessage("m".repeat(RpcCodec.MAX_MESSAGE_CHARS + 1)), "message of 8193");
    }

    @Test
    void rejectsUnknownOrAbsentOutcomes() {
        assertRejected(response().clearError(), "unspecified outcome");
        assertRejected(response().setErrorValue(42), "unknown outcome 42");
    }

    @Test
    void rejectsIndexesAndTermsBeyondTheSignedRange() {
        assertRejected(response().setIndex(-1), "out of range");
        assertRejected(response().setTerm(Long.MIN_VALUE), "out of range");
    }

    @Test
    void refusesToEncodeWhatTheReceiverWouldReject() {
        assertThatThrownBy(() -> RpcCodec.encode(new Rpc.Request(1, "", Rpc.Kind.APPEND, "", "", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no address to answer");
        assertThatThrownBy(() -> RpcCodec.encode(new Rpc.Request(1, "h:1", Rpc.Kind.JOIN, "m", "", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gives no address");
        assertThatThrownBy(() -> RpcCodec.encode(new Rpc.Request(1, "h:1", null, "", "", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no kind");
        assertThatThrownBy(() -> RpcCodec.encode(Rpc.Response.error(1, null, "", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no outcome");
        assertThatThrownBy(() -> RpcCodec.encode(Rpc.Response.ok(1, -1, 1, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    }

    @Test
    void wireEnumsMirrorTheRpcEnums() {
        for (Rpc.Kind kind : Rpc.Kind.values()) {
            assertThat(ForwardKind.valueOf("FORWARD_KIND_" + kind.name())).isNotNull();
        }
        for (Rpc.Error error : Rpc.Error.values()) {
            assertThat(ForwardError.valueOf("FORWARD_ERROR_" + error.name())).isNotNull();
        }
        // Every wire value but UNSPECIFIED (and protobuf's UNRECOGNIZED) has an Rpc counterpart.
        assertThat(ForwardKind.values()).hasSize(Rpc.Kind.values().length + 2);
        assertThat(ForwardError.values()).hasSize(Rpc.Error.values().length + 2);
    }

    private static RaftProto.ForwardRequest.Builder request() {
        return RaftProto.ForwardRequest.newBuilder().setId(7).setReplyTo("h:1").setKind(ForwardKind.FORWARD_KIND_APPEND)
                .setPayload(ByteString.copyFromUtf8("p"));
    }

    private static RaftProto.ForwardResponse.Builder response() {
        return RaftProto.ForwardResponse.newBuilder().setId(7).setError(ForwardError.FORWARD_ERROR_NONE).setIndex(3)
                .setTerm(1);
    }

    private static void assertRejected(RaftProto.ForwardRequest.Builder request, String why) {
        assertRejected(Frame.newBuilder().setForwardRequest(request).build(), why);
    }

    private static void assertRejected(RaftProto.ForwardResponse.Builder response, String why) {
        assertRejected(Frame.newBuilder().setForwardResponse(response).build(), why);
    }

    private static void assertRejected(Frame frame, String why) {
        assertThatThrownBy(() -> RpcCodec.decode(frame.toByteArray()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining(why);
    }
}

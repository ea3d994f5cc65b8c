package io.kayak.transport;

import com.google.protobuf.ByteString;
import io.kayak.transport.proto.RaftProto;
import io.kayak.transport.proto.RaftProto.ForwardError;
import io.kayak.transport.proto.RaftProto.ForwardKind;
import io.kayak.transport.proto.RaftProto.Frame;
import java.nio.ByteBuffer;

/**
 * Translates forwarded requests and their answers ({@link Rpc}) to protobuf {@link Frame}s and back.
 *
 * <p>Both directions apply the same rules, so whatever one member encodes another accepts: a request names whom
 * to answer ({@code replyTo} non-empty), has a kind, and carries what its kind needs (JOIN: member id and address;
 * REMOVE: member id); a response has an outcome and non-negative index and term; ids and addresses are at most
 * {@value #MAX_NAME_CHARS} characters. Decoding turns a violation into a {@link ProtocolException} and throws
 * nothing else, whatever the input; encoding turns it into an {@link IllegalArgumentException}, so the sender's
 * bug surfaces at the sender instead of as a closed connection at the receiver.
 *
 * <p>Stateless and thread-safe. Byte arrays are copied both ways: {@link Rpc} records hold mutable arrays, and a
 * frame queued for sending must not change if the caller reuses its array.
 */
public final class RpcCodec {
    /** Longest member id or address accepted; real ones are tens of characters. */
    public static final int MAX_NAME_CHARS = 1024;
    /**
     * Longest error message carried; longer ones are cut on encode. It is human-readable detail, better shortened
     * than allowed to make an answer exceed the frame limit.
     */
    public static final int MAX_MESSAGE_CHARS = 8192;

    private RpcCodec() {
    }

    /** Whether {@code frame} carries a forwarded request or answer (rather than a Raft message or a handshake). */
    public static boolean carriesRpc(Frame frame) {
        return frame.hasForwardRequest() || frame.hasForwardResponse();
    }

    /**
     * The frame carrying {@code rpc}.
     *
     * @throws IllegalArgumentException if {@code rpc} breaks the rules above (the receiver would refuse it)
     */
    public static Frame encode(Rpc rpc) {
        String problem = problem(rpc);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (rpc instanceof Rpc.Request r) {
            return Frame.newBuilder().setForwardRequest(RaftProto.ForwardRequest.newBuilder()
                    .setId(r.id()).setReplyTo(r.replyTo()).setKind(wire(r.kind()))
                    .setMemberId(r.memberId()).setMemberAddress(r.memberAddress())
                    .setPayload(ByteString.copyFrom(r.payload())).setClusterName(r.clusterName())).build();
        }
        Rpc.Response r = (Rpc.Response) rpc;
        String message = r.message().length() > MAX_MESSAGE_CHARS
                ? r.message().substring(0, MAX_MESSAGE_CHARS) : r.message();
        return Frame.newBuilder().setForwardResponse(RaftProto.ForwardResponse.newBuilder()
                .setId(r.id()).setError(wire(r.error())).setMessage(message)
                .setLeaderAddress(r.leaderAddress()).setIndex(r.index()).setTerm(r.term())
                .setConfiguration(ByteString.copyFrom(r.configuration())).setClusterId(r.clusterId())).build();
    }

    /** Parses and validates the bytes of one frame (without its length prefix) that must carry an {@link Rpc}. */
    public static Rpc decode(byte[] bytes) throws ProtocolException {
        return decode(MessageCodec.parseFrame(ByteBuffer.wrap(bytes)));
    }

    /**
     * The request or answer a frame carries.
     *
     * @throws ProtocolException if the frame carries no {@link Rpc} or one that breaks the rules above
     */
    public static Rpc decode(Frame frame) throws ProtocolException {
        Rpc rpc;
        if (frame.hasForwardRequest()) {
            RaftProto.ForwardRequest m = frame.getForwardRequest();
            rpc = new Rpc.Request(m.getId(), m.getReplyTo(), kind(m.getKindValue()), m.getMemberId(),
                    m.getMemberAddress(), m.getPayload().toByteArray(), m.getClusterName());
        } else if (frame.hasForwardResponse()) {
            RaftProto.ForwardResponse m = frame.getForwardResponse();
            if (m.getMessage().length() > MAX_MESSAGE_CHARS) {
                throw new ProtocolException("forwarded answer message of " + m.getMessage().length()
                        + " characters exceeds " + MAX_MESSAGE_CHARS);
            }
            rpc = new Rpc.Response(m.getId(), error(m.getErrorValue()), m.getMessage(), m.getLeaderAddress(),
                    m.getIndex(), m.getTerm(), m.getConfiguration().toByteArray(), m.getClusterId());
        } else {
            throw new ProtocolException("frame " + frame.getBodyCase() + " carries no forwarded request or answer");
        }
        String problem = problem(rpc);
        if (problem != null) {
            throw new ProtocolException(problem);
        }
        return rpc;
    }

    /** What makes {@code rpc} invalid, or null if nothing does. */
    private static String problem(Rpc rpc) {
        if (rpc instanceof Rpc.Request r) {
            if (r.replyTo() == null || r.replyTo().isEmpty()) {
                return "forwarded request " + r.id() + " names no address to answer";
            }
            if (r.kind() == null) {
                return "forwarded request " + r.id() + " has no kind";
            }
            String tooLong = tooLong("reply_to", r.replyTo());
            tooLong = tooLong != null ? tooLong : tooLong("member_id", r.memberId());
            tooLong = tooLong != null ? tooLong : tooLong("member_address", r.memberAddress());
            tooLong = tooLong != null ? tooLong : tooLong("cluster_name", r.clusterName());
            if (tooLong != null) {
                return "forwarded request " + r.id() + ": " + tooLong;
            }
            if (r.kind() != Rpc.Kind.APPEND && r.memberId().isEmpty()) {
                return "forwarded " + r.kind() + " request " + r.id() + " names no member";
            }
            if (r.kind() == Rpc.Kind.JOIN && r.memberAddress().isEmpty()) {
                return "forwarded JOIN request " + r.id() + " gives no address for member " + r.memberId();
            }
            return null;
        }
        if (rpc instanceof Rpc.Response r) {
            if (r.error() == null) {
                return "forwarded answer " + r.id() + " has no outcome";
            }
            if (r.index() < 0 || r.term() < 0) {
                return "forwarded answer " + r.id() + " with index " + Long.toUnsignedString(r.index())
                        + " and term " + Long.toUnsignedString(r.term()) + " out of range";
            }
            String tooLong = tooLong("leader_address", r.leaderAddress());
            tooLong = tooLong != null ? tooLong : tooLong("cluster_id", r.clusterId());
            return tooLong == null ? null : "forwarded answer " + r.id() + ": " + tooLong;
        }
        // Unreachable while Rpc is sealed to these two records; kept so a third one cannot slip through unchecked.
        return "no wire form for " + rpc;
    }

    /** Why {@code value} cannot be a member id (empty or too long), or null when it can. */
    static String nameProblem(String field, String value) {
        return value.isEmpty() ? "empty member id in field " + field : tooLong(field, value);
    }

    private static String tooLong(String field, String value) {
        return value.length() > MAX_NAME_CHARS
                ? field + " of " + value.length() + " characters exceeds " + MAX_NAME_CHARS : null;
    }

    private static Rpc.Kind kind(int value) throws ProtocolException {
        ForwardKind kind = ForwardKind.forNumber(value);
        if (kind == null) {
            throw new ProtocolException("forwarded request of unknown kind " + value);
        }
        switch (kind) {
            case FORWARD_KIND_APPEND:
                return Rpc.Kind.APPEND;
            case FORWARD_KIND_JOIN:
                return Rpc.Kind.JOIN;
            case FORWARD_KIND_REMOVE:
                return Rpc.Kind.REMOVE;
            case FORWARD_KIND_TRANSFER_LEADERSHIP:
                return Rpc.Kind.TRANSFER_LEADERSHIP;
            case FORWARD_KIND_REMOVED:
                return Rpc.Kind.REMOVED;
            default:
                throw new ProtocolException("forwarded request of unspecified kind");
        }
    }

    private static ForwardKind wire(Rpc.Kind kind) {
        switch (kind) {
            case APPEND:
                return ForwardKind.FORWARD_KIND_APPEND;
            case JOIN:
                return ForwardKind.FORWARD_KIND_JOIN;
            case REMOVE:
                return ForwardKind.FORWARD_KIND_REMOVE;
            case TRANSFER_LEADERSHIP:
                return ForwardKind.FORWARD_KIND_TRANSFER_LEADERSHIP;
            case REMOVED:
                return ForwardKind.FORWARD_KIND_REMOVED;
            default:
                throw new IllegalArgumentException("no wire form for request kind " + kind);
        }
    }

    private static Rpc.Error error(int value) throws ProtocolException {
        ForwardError error = ForwardError.forNumber(value);
        if (error == null) {
            throw new ProtocolException("forwarded answer with unknown outcome " + value);
        }
        switch (error) {
            case FORWARD_ERROR_NONE:
                return Rpc.Error.NONE;
            case FORWARD_ERROR_NOT_LEADER:
                return Rpc.Error.NOT_LEADER;
            case FORWARD_ERROR_OVERLOADED:
                return Rpc.Error.OVERLOADED;
            case FORWARD_ERROR_REFUSED:
                return Rpc.Error.REFUSED;
            case FORWARD_ERROR_OUTCOME_UNKNOWN:
                return Rpc.Error.OUTCOME_UNKNOWN;
            case FORWARD_ERROR_ENTRY_TOO_LARGE:
                return Rpc.Error.ENTRY_TOO_LARGE;
            default:
                throw new ProtocolException("forwarded answer with unspecified outcome");
        }
    }

    private static ForwardError wire(Rpc.Error error) {
        switch (error) {
            case NONE:
                return ForwardError.FORWARD_ERROR_NONE;
            case NOT_LEADER:
                return ForwardError.FORWARD_ERROR_NOT_LEADER;
            case OVERLOADED:
                return ForwardError.FORWARD_ERROR_OVERLOADED;
            case REFUSED:
                return ForwardError.FORWARD_ERROR_REFUSED;
            case OUTCOME_UNKNOWN:
                return ForwardError.FORWARD_ERROR_OUTCOME_UNKNOWN;
            case ENTRY_TOO_LARGE:
                return ForwardError.FORWARD_ERROR_ENTRY_TOO_LARGE;
            default:
                throw new IllegalArgumentException("no wire form for outcome " + error);
        }
    }
}

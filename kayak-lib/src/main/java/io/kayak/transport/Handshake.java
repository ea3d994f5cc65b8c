package io.kayak.transport;

import io.kayak.transport.proto.RaftProto.Frame;
import io.kayak.transport.proto.RaftProto.Hello;
import io.kayak.transport.proto.RaftProto.HelloReply;
import io.kayak.transport.proto.RaftProto.RefusalReason;

/**
 * The handshake rules, apart from any connection: what a connector says first and how an acceptor judges it.
 * A connection joins two members of one cluster speaking one protocol version, and reaches the member the
 * connector meant (or, with an empty target, any member at the address it dialled); everything else is refused
 * with a typed reason before a single Raft message flows.
 */
final class Handshake {
    /** Wire protocol version; bumped on any incompatible change to raft.proto's meaning. */
    static final int PROTOCOL_VERSION = 1;

    private Handshake() {
    }

    static Frame hello(String clusterId, String memberId, String targetMemberId) {
        return Frame.newBuilder().setHello(Hello.newBuilder()
                .setClusterId(clusterId).setMemberId(memberId).setProtocolVersion(PROTOCOL_VERSION)
                .setTargetMemberId(targetMemberId)).build();
    }

    /** What an accepted connection may carry. */
    enum Scope {
        /** Everything: both sides belong to the same cluster. */
        MEMBER,
        /** Only JOIN requests: the connector is joining and does not know the cluster id yet. */
        JOIN_ONLY,
        /** Only answers: this member is joining and does not know the cluster id yet. */
        ANSWERS_ONLY
    }

    /**
     * The acceptor's answer to {@code hello}, arriving at member {@code ownId} of cluster {@code clusterId}
     * (empty while this member is still joining).
     */
    static HelloReply judge(Hello hello, String clusterId, String ownId) {
        if (hello.getProtocolVersion() != PROTOCOL_VERSION) {
            return refusal(RefusalReason.UNSUPPORTED_PROTOCOL_VERSION, "expected protocol version "
                    + PROTOCOL_VERSION + ", got " + Integer.toUnsignedString(hello.getProtocolVersion()));
        }
        String theirs = hello.getClusterId();
        boolean anyMember = hello.getTargetMemberId().isEmpty();
        if (clusterId.isEmpty() && !anyMember) {
            return refusal(RefusalReason.NOT_JOINED_YET, "member " + ownId
                    + " has not joined a cluster yet, got cluster " + theirs);
        }
        // A joiner knows no cluster id until its JOIN answer: it may connect without one, to "any member", and
        // then ask to join and nothing else (see scope). A joining acceptor likewise lets in answers only.
        boolean unknownOnEitherSide = anyMember && (theirs.isEmpty() || clusterId.isEmpty());
        if (!theirs.equals(clusterId) && !unknownOnEitherSide) {
            return refusal(RefusalReason.CLUSTER_MISMATCH, "expected cluster " + clusterId + ", got " + theirs);
        }
        if (hello.getMemberId().isEmpty()) {
            return refusal(RefusalReason.INVALID_HELLO, "empty member id");
        }
        if (hello.getMemberId().equals(ownId)) {
            return refusal(RefusalReason.INVALID_HELLO, "connector claims this member's own id " + ownId);
        }
        // An empty target asks for whichever member listens here: the connector knows only an address and will
        // send forwarded requests or answers, which name no receiver. A named target must be this member.
        if (!hello.getTargetMemberId().isEmpty() && !hello.getTargetMemberId().equals(ownId)) {
            return refusal(RefusalReason.WRONG_MEMBER,
                    "this is member " + ownId + ", not " + hello.getTargetMemberId());
        }
        return HelloReply.newBuilder().setAccepted(true).build();
    }

    /** What a connection accepted by {@link #judge} may carry. */
    static Scope scope(Hello hello, String clusterId) {
        if (clusterId.isEmpty()) {
            return Scope.ANSWERS_ONLY;
        }
        return hello.getClusterId().isEmpty() ? Scope.JOIN_ONLY : Scope.MEMBER;
    }

    static Frame reply(HelloReply reply) {
        return Frame.newBuilder().setHelloReply(reply).build();
    }

    private static HelloReply refusal(RefusalReason reason, String message) {
        return HelloReply.newBuilder().setAccepted(false).setReason(reason).setMessage(message).build();
    }
}

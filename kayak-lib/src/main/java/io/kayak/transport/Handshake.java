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

    /** The acceptor's answer to {@code hello}, arriving at member {@code ownId} of cluster {@code clusterId}. */
    static HelloReply judge(Hello hello, String clusterId, String ownId) {
        if (hello.getProtocolVersion() != PROTOCOL_VERSION) {
            return refusal(RefusalReason.UNSUPPORTED_PROTOCOL_VERSION, "expected protocol version "
                    + PROTOCOL_VERSION + ", got " + Integer.toUnsignedString(hello.getProtocolVersion()));
        }
        if (!hello.getClusterId().equals(clusterId)) {
            return refusal(RefusalReason.CLUSTER_MISMATCH,
                    "expected cluster " + clusterId + ", got " + hello.getClusterId());
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

    static Frame reply(HelloReply reply) {
        return Frame.newBuilder().setHelloReply(reply).build();
    }

    private static HelloReply refusal(RefusalReason reason, String message) {
        return HelloReply.newBuilder().setAccepted(false).setReason(reason).setMessage(message).build();
    }
}

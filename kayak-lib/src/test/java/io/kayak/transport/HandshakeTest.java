package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.transport.proto.RaftProto.Hello;
import io.kayak.transport.proto.RaftProto.HelloReply;
import io.kayak.transport.proto.RaftProto.RefusalReason;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private static HelloReply judge(Hello hello) {
        return Handshake.judge(hello, "c1", "b");
    }

    private static Hello.Builder hello() {
        return Handshake.hello("c1", "a", "b").getHello().toBuilder();
    }

    @Test
    void acceptsAMemberOfTheSameClusterAddressingUs() {
        assertThat(judge(hello().build()).getAccepted()).isTrue();
    }

    @Test
    void refusesAnotherCluster() {
        HelloReply reply = judge(hello().setClusterId("c2").build());
        assertThat(reply.getAccepted()).isFalse();
        assertThat(reply.getReason()).isEqualTo(RefusalReason.CLUSTER_MISMATCH);
        assertThat(reply.getMessage()).isEqualTo("expected cluster c1, got c2");
    }

    @Test
    void refusesAnotherProtocolVersion() {
        HelloReply reply = judge(hello().setProtocolVersion(2).build());
        assertThat(reply.getReason()).isEqualTo(RefusalReason.UNSUPPORTED_PROTOCOL_VERSION);
    }

    @Test
    void refusesAConnectorLookingForAnotherMember() {
        HelloReply reply = judge(hello().setTargetMemberId("c").build());
        assertThat(reply.getReason()).isEqualTo(RefusalReason.WRONG_MEMBER);
        assertThat(reply.getMessage()).isEqualTo("this is member b, not c");
    }

    @Test
    void acceptsAConnectorAskingForAnyMemberAtTheAddress() {
        assertThat(judge(hello().setTargetMemberId("").build()).getAccepted()).isTrue();
        // The other checks still apply to it.
        assertThat(judge(hello().setTargetMemberId("").setClusterId("c2").build()).getReason())
                .isEqualTo(RefusalReason.CLUSTER_MISMATCH);
        assertThat(judge(hello().setTargetMemberId("").setMemberId("b").build()).getReason())
                .isEqualTo(RefusalReason.INVALID_HELLO);
    }

    @Test
    void refusesAnonymousOrSelfImpersonatingConnectors() {
        assertThat(judge(hello().setMemberId("").build()).getReason()).isEqualTo(RefusalReason.INVALID_HELLO);
        assertThat(judge(hello().setMemberId("b").build()).getReason()).isEqualTo(RefusalReason.INVALID_HELLO);
    }

    @Test
    void aJoinerWithoutAClusterIdMayOnlyReachAnyMemberAndOnlyToJoin() {
        Hello joiner = hello().setClusterId("").setTargetMemberId("").build();
        assertThat(judge(joiner).getAccepted()).isTrue();
        assertThat(Handshake.scope(joiner, "c1")).isEqualTo(Handshake.Scope.JOIN_ONLY);
        HelloReply named = judge(hello().setClusterId("").build());
        assertThat(named.getReason()).isEqualTo(RefusalReason.CLUSTER_MISMATCH);
        assertThat(named.getMessage()).isEqualTo("expected cluster c1, got ");
        assertThat(Handshake.scope(hello().build(), "c1")).isEqualTo(Handshake.Scope.MEMBER);
    }

    @Test
    void aMemberStillJoiningTakesAnswersFromAnyClusterButNoMemberConnection() {
        Hello answerer = hello().setClusterId("c9").setTargetMemberId("").build();
        assertThat(Handshake.judge(answerer, "", "b").getAccepted()).isTrue();
        assertThat(Handshake.scope(answerer, "")).isEqualTo(Handshake.Scope.ANSWERS_ONLY);
        HelloReply member = Handshake.judge(hello().setClusterId("c9").build(), "", "b");
        assertThat(member.getReason()).isEqualTo(RefusalReason.NOT_JOINED_YET);
        assertThat(member.getMessage()).isEqualTo("member b has not joined a cluster yet, got cluster c9");
    }
}

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
}

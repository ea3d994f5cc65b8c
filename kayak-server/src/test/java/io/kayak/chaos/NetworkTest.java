package io.kayak.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkTest {
    @Test
    void aPartitionCutsBothDirectionsBetweenTheSidesOnly() {
        Network network = new Network();
        network.partition(List.of("a"), List.of("b", "c"));
        assertThat(network.allows("a", "b")).isFalse();
        assertThat(network.allows("c", "a")).isFalse();
        assertThat(network.allows("b", "c")).isTrue();
        network.heal();
        assertThat(network.allows("a", "b")).isTrue();
    }

    @Test
    void aBridgeTalksToBothSidesWhichCannotTalkToEachOther() {
        Network network = new Network();
        network.partition(List.of("a"), List.of("c"));
        assertThat(network.allows("b", "a")).isTrue();
        assertThat(network.allows("b", "c")).isTrue();
        assertThat(network.allows("a", "c")).isFalse();
    }

    @Test
    void anUnidentifiedDialerReachesOnlyMembersNoRuleMentions() {
        Network network = new Network();
        network.partition(List.of("a"), List.of("b"));
        assertThat(network.allows(null, "a")).isFalse();
        assertThat(network.allows(null, "c")).isTrue();
    }
}

package io.kayak.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TransportOptions o = TransportOptions.builder("c", "m").build();
        assertThat(o.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(o.maxQueuedMessages()).isEqualTo(4096);
        assertThat(o.reconnectMin()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.reconnectMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.ioThreads()).isEqualTo(1);
    }

    @Test
    void rejectsMissingIdsAndNonsenseLimits() {
        assertThatThrownBy(() -> TransportOptions.builder(null, "m").build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("clusterId");
        // Empty means "joining, not known yet".
        assertThat(TransportOptions.builder("", "m").build().clusterId()).isEmpty();
        assertThatThrownBy(() -> TransportOptions.builder("c", null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("memberId");
        assertThatThrownBy(() -> TransportOptions.builder("c", "m").maxFrameBytes(0).build())
                .hasMessageContaining("maxFrameBytes");
        assertThatThrownBy(() -> TransportOptions.builder("c", "m").maxQueuedMessages(-1).build())
                .hasMessageContaining("maxQueuedMessages");
        assertThatThrownBy(() -> TransportOptions.builder("c", "m")
                .reconnectBackoff(Duration.ofSeconds(2), Duration.ofMillis(50)).build())
                .hasMessageContaining("reconnectMax");
        assertThatThrownBy(() -> TransportOptions.builder("c", "m").handshakeTimeout(Duration.ZERO).build())
                .hasMessageContaining("handshakeTimeout");
    }
}

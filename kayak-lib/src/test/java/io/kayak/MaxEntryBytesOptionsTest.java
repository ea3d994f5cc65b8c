package io.kayak;

import io.kayak.transport.EntryFraming;
import io.kayak.transport.TransportOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HostOptions#maxEntryBytes()}: its default, and {@link HostOptions.Builder#build()} refusing a limit that an
 * entry could not meet on the wire, on disk or in the pending-bytes budget.
 */
class MaxEntryBytesOptionsTest {
    private static final int FRAME = TransportOptions.DEFAULT_MAX_FRAME_BYTES;
    private static final int LARGEST = FRAME - EntryFraming.HEADROOM_BYTES;

    @Test
    void theDefaultIsFourMebibytes() {
        assertThat(HostOptions.builder().build().maxEntryBytes()).isEqualTo(HostOptions.DEFAULT_MAX_ENTRY_BYTES)
                .isEqualTo(4 << 20);
    }

    @Test
    void aLimitUpToAFrameLessTheHeadroomIsAccepted() {
        assertThat(HostOptions.builder().maxEntryBytes(LARGEST).build().maxEntryBytes()).isEqualTo(LARGEST);
        assertThat(HostOptions.builder().maxEntryBytes(1).build().maxEntryBytes()).isEqualTo(1);
    }

    @Test
    void aLimitThatLeavesNoRoomForFramingIsRefused() {
        assertThatThrownBy(() -> HostOptions.builder().maxEntryBytes(LARGEST + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("maxEntryBytes (" + (LARGEST + 1) + ")", "maxFrameBytes (" + FRAME + ")",
                        String.valueOf(LARGEST));
        assertThatThrownBy(() -> HostOptions.builder().maxEntryBytes(17 << 20).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFrameBytes");
    }

    @Test
    void aLimitAboveWhatASegmentHoldsIsRefused() {
        int segment = 1 << 20;
        int holds = segment - 32 - 25 - 33; // segment and record headers, and a session append's envelope
        assertThat(HostOptions.builder().segmentCapacity(segment).maxEntryBytes(holds).build().maxEntryBytes())
                .isEqualTo(holds);
        assertThatThrownBy(() -> HostOptions.builder().segmentCapacity(segment).maxEntryBytes(holds + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("maxEntryBytes (" + (holds + 1) + ")", "segmentCapacity of " + segment,
                        "at most " + holds);
    }

    @Test
    void aPendingBytesLimitBelowTheEntryLimitIsRefused() {
        assertThatThrownBy(() -> HostOptions.builder().maxPendingBytes(1 << 20).maxEntryBytes(2 << 20).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("maxPendingBytes (" + (1 << 20) + ")", "maxEntryBytes (" + (2 << 20) + ")");
        assertThat(HostOptions.builder().maxPendingBytes(2 << 20).maxEntryBytes(2 << 20).build().maxEntryBytes())
                .isEqualTo(2 << 20);
    }

    @Test
    void theDefaultShrinksToASmallerSegmentOrPendingLimitInsteadOfRefusingThem() {
        assertThat(HostOptions.builder().segmentCapacity(64 << 10).build().maxEntryBytes())
                .isEqualTo((64 << 10) - 90);
        assertThat(HostOptions.builder().maxPendingBytes(100_000).build().maxEntryBytes()).isEqualTo(100_000);
    }

    @Test
    void aLimitBelowOneByteIsRefused() {
        assertThatThrownBy(() -> HostOptions.builder().maxEntryBytes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntryBytes");
    }
}

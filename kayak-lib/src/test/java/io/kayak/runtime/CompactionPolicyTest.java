package io.kayak.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The thresholds of automatic compaction, measured from the newest snapshot. */
class CompactionPolicyTest {
    @Test
    void dueWhenMoreEntriesThanTheThresholdFollowTheSnapshot() {
        CompactionPolicy policy = new CompactionPolicy(100, Long.MAX_VALUE, 10);
        LogSizer small = index -> 0;
        assertThat(policy.due(0, 100, small)).isFalse();
        assertThat(policy.due(0, 101, small)).isTrue();
        assertThat(policy.due(500, 600, small)).isFalse();
        assertThat(policy.due(500, 601, small)).isTrue();
        assertThat(policy.entryTrigger(500)).isEqualTo(601);
    }

    @Test
    void dueWhenMoreBytesThanTheThresholdFollowTheSnapshot() {
        CompactionPolicy policy = new CompactionPolicy(Long.MAX_VALUE, 4096, 0);
        assertThat(policy.due(7, 8, index -> index == 7 ? 4096 : -1)).isFalse();
        assertThat(policy.due(7, 8, index -> index == 7 ? 4097 : -1)).isTrue();
    }

    @Test
    void anUnreachableEntryThresholdNeverOverflowsIntoAnImmediateTrigger() {
        CompactionPolicy policy = new CompactionPolicy(Long.MAX_VALUE, 1, 0);
        assertThat(policy.entryTrigger(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(policy.entryTrigger(1_000_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(new CompactionPolicy(Long.MAX_VALUE - 5, 1, 0).entryTrigger(10)).isEqualTo(Long.MAX_VALUE);
    }
}

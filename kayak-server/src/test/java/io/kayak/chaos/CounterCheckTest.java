package io.kayak.chaos;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The exactly-once counter check: in range passes; a duplicate, a lost increment or a repeated value fails. */
class CounterCheckTest {
    private static CounterCheck tally(long... values) {
        CounterCheck check = new CounterCheck();
        for (long v : values) {
            check.acknowledged("c", v);
        }
        return check;
    }

    @Test
    void aFinalValueBetweenTheAcknowledgedAndThoseWithTheUnknownPasses() {
        CounterCheck check = tally(1, 2, 3);
        check.unknown("c");
        check.failed("c");
        assertThat(check.check(Map.of("c", 3L)).passed()).isTrue();
        assertThat(check.check(Map.of("c", 4L)).passed()).isTrue();
        assertThat(check.check(Map.of("c", 4L)).summary()).contains("3 acknowledged, 1 unknown, 1 failed");
    }

    @Test
    void aReturnedValueAboveTheFinalOneFails() {
        CounterCheck check = tally(1, 2, 4); // the unknown increment must have applied, as 3
        check.unknown("c");
        assertThat(check.check(Map.of("c", 4L)).passed()).isTrue();
        assertThat(check.check(Map.of("c", 3L)).passed()).isFalse();
    }

    @Test
    void anIncrementAppliedTwiceIsADuplicate() {
        CounterCheck.Result r = tally(1, 2, 3).check(Map.of("c", 4L));
        assertThat(r.passed()).isFalse();
        assertThat(r.duplicates()).isEqualTo(1);
    }

    @Test
    void anAcknowledgedIncrementMissingIsLost() {
        CounterCheck.Result r = tally(1, 2, 3).check(Map.of("c", 2L));
        assertThat(r.passed()).isFalse();
        assertThat(r.lost()).isEqualTo(1);
    }

    @Test
    void twoAcknowledgedIncrementsWithOneValueAreADuplicate() {
        CounterCheck.Result r = tally(1, 1).check(Map.of("c", 2L));
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.problems()).hasSize(1);
    }

    @Test
    void aCounterNeverReadFails() {
        assertThat(tally(1).check(Map.of()).passed()).isFalse();
    }
}

package io.kayak.chaos;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SettledComparisonTest {
    private final List<String> log = new ArrayList<>();
    private final SettledComparison comparison = new SettledComparison(5, 0, log::add);

    @Test
    void aLateWriteThatLandsBetweenTwoMembersReadsIsReadAgainNotReportedAsADivergence() throws Exception {
        // Round 1: m1 is read before the late write commits, m2 after it; the applied indexes move meanwhile.
        // Round 2: both have applied it.
        Scripted members = new Scripted()
                .round(Map.of("m1", 12L, "m2", 12L), values("old", "late"), Map.of("m1", 13L, "m2", 13L))
                .round(Map.of("m1", 13L, "m2", 13L), values("late", "late"), Map.of("m1", 13L, "m2", 13L));

        assertThat(comparison.divergence(members)).isEmpty();
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains("then {m1=13, m2=13}");
    }

    @Test
    void differentValuesAtOneAndTheSameAppliedIndexAreADivergence() throws Exception {
        Scripted members = new Scripted()
                .round(Map.of("m1", 12L, "m2", 12L), values("a", "b"), Map.of("m1", 12L, "m2", 12L));

        assertThat(comparison.divergence(members)).containsExactly("k0 {m1=a, m2=b}");
        assertThat(log).hasSize(1);
    }

    @Test
    void membersAtDifferentIndexesAreReadAgainUntilTheyHoldOneIndex() throws Exception {
        Scripted members = new Scripted()
                .round(Map.of("m1", 11L, "m2", 12L), values("a", "b"), Map.of("m1", 11L, "m2", 12L))
                .round(Map.of("m1", 12L, "m2", 12L), values("b", "b"), Map.of("m1", 12L, "m2", 12L));

        assertThat(comparison.divergence(members)).isEmpty();
    }

    @Test
    void membersThatNeverHoldStillStillFailWithTheLastRoundsDifference() throws Exception {
        Scripted members = new Scripted();
        for (long i = 0; i < 5; i++) {
            members.round(Map.of("m1", i, "m2", i + 1), values("a", "b"), Map.of("m1", i, "m2", i + 1));
        }

        assertThat(comparison.divergence(members)).containsExactly("k0 {m1=a, m2=b}",
                "(the members never held one applied index still through 5 rounds)");
    }

    @Test
    void aMemberThatDoesNotAnswerItsStatusNeverCountsAsHoldingStill() throws Exception {
        Map<String, Object> silent = new LinkedHashMap<>();
        silent.put("m1", 12L);
        silent.put("m2", null);
        Scripted members = new Scripted();
        for (int i = 0; i < 5; i++) {
            members.round(silent, values("a", "b"), silent);
        }

        assertThat(comparison.divergence(members)).hasSize(2);
        assertThat(log).hasSize(5);
    }

    private static Map<String, Map<String, String>> values(String m1, String m2) {
        Map<String, String> byMember = new LinkedHashMap<>();
        byMember.put("m1", m1);
        byMember.put("m2", m2);
        return Map.of("k0", byMember);
    }

    /** Members that answer a scripted sequence of rounds: applied indexes, values, applied indexes. */
    private static final class Scripted implements SettledComparison.Members {
        private final Deque<Map<String, Object>> applied = new ArrayDeque<>();
        private final Deque<Map<String, Map<String, String>>> values = new ArrayDeque<>();

        Scripted round(Map<String, Object> before, Map<String, Map<String, String>> read, Map<String, Object> after) {
            applied.add(new LinkedHashMap<>(new TreeMap<>(before)));
            values.add(read);
            applied.add(new LinkedHashMap<>(new TreeMap<>(after)));
            return this;
        }

        @Override
        public Map<String, Object> appliedIndexes() {
            return applied.remove();
        }

        @Override
        public Map<String, Map<String, String>> localValues() {
            return values.remove();
        }
    }
}

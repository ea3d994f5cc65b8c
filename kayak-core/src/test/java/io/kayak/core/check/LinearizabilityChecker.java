package io.kayak.core.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a history of a key-value store is linearizable: that each operation appears to take effect
 * atomically at one instant between its invocation and its completion, each key behaving as a register
 * ({@link RegisterModel}).
 *
 * <p>The history is split per key ({@link KeyPartitioner}) and each key checked on its own: a key of reads and
 * unique blind writes first by the linear-time {@link ZoneCheck}, any other key (and any the zone check does not
 * accept) by the search ({@link LinearizationSearch}), within a budget of search steps per key. Typical histories of a correct store need
 * about two steps per operation; the default budget leaves several orders of magnitude of room for concurrency and
 * unknown operations before the answer becomes {@link Verdict#UNKNOWN}.
 *
 * <pre>{@code
 * Result result = LinearizabilityChecker.check(history);
 * assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.LINEARIZABLE);
 * }</pre>
 */
public final class LinearizabilityChecker {
    /** The default search budget per key. */
    public static final long DEFAULT_MAX_STEPS_PER_KEY = 10_000_000L;

    private LinearizabilityChecker() {
    }

    /** Checks with the default budget. */
    public static Result check(History history) {
        return check(history, DEFAULT_MAX_STEPS_PER_KEY);
    }

    /** Checks, giving up on a key — verdict {@link Verdict#UNKNOWN} — after {@code maxStepsPerKey} search steps. */
    public static Result check(History history, long maxStepsPerKey) {
        if (maxStepsPerKey <= 0) {
            throw new IllegalArgumentException("the budget must be positive: " + maxStepsPerKey);
        }
        List<KeyResult> keys = new ArrayList<>();
        // Every key is searched even after a broken one: the report then lists all broken keys, deterministically.
        for (KeyPartitioner.Partition partition : KeyPartitioner.split(history)) {
            Operation[] ops = partition.ids().stream().map(history::operation).toArray(Operation[]::new);
            if (ZoneCheck.accepts(ops)) {
                keys.add(new KeyResult(partition.key(), Verdict.LINEARIZABLE, ops.length, 0, null));
            } else {
                keys.add(new LinearizationSearch(history, partition, maxStepsPerKey).run());
            }
        }
        return Result.of(keys);
    }
}

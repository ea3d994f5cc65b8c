package io.kayak.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compares the members' local values at one common applied index. A write whose client gave up may still commit
 * after the cluster looked converged (it waited in a cut-off member's queue until the connection came back), so
 * members read one after another can differ only because the later ones applied it already. The values are
 * therefore read in rounds (every member's applied index, every value, every applied index again); the first round
 * in which all members held one and the same applied index throughout decides, and a round a late write disturbed
 * is repeated.
 */
final class SettledComparison {
    /** What the comparison reads from the members. */
    interface Members {
        /** Each member's applied index, null for a member that did not answer. */
        Map<String, Object> appliedIndexes();

        /** Every key's local value on every member, by key and then by member. */
        Map<String, Map<String, String>> localValues() throws InterruptedException;
    }

    private final int rounds;
    private final long pauseMillis;
    private final Consumer<String> log;

    /**
     * @param rounds      how many rounds to read before giving up on the members holding still
     * @param pauseMillis the pause between two rounds
     * @param log         receives one line per round: the values and the applied indexes
     */
    SettledComparison(int rounds, long pauseMillis, Consumer<String> log) {
        this.rounds = rounds;
        this.pauseMillis = pauseMillis;
        this.log = log;
    }

    /**
     * The keys whose values differ between members that held one applied index (empty when they agree); when the
     * members never held still, the keys that differed in the last round and a line that says so.
     */
    List<String> divergence(Members members) throws InterruptedException {
        List<String> divergence = List.of();
        for (int round = 1; round <= rounds; round++) {
            Map<String, Object> before = members.appliedIndexes();
            Map<String, Map<String, String>> values = members.localValues();
            Map<String, Object> after = members.appliedIndexes();
            boolean heldStill = before.equals(after) && !before.containsValue(null)
                    && before.values().stream().distinct().count() == 1;
            log.accept("final local values " + values + ", applied " + before
                    + (before.equals(after) ? "" : " then " + after));
            divergence = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> key : values.entrySet()) {
                if (key.getValue().values().stream().distinct().count() > 1) {
                    divergence.add(key.getKey() + " " + key.getValue());
                }
            }
            if (divergence.isEmpty() || heldStill) {
                return divergence;
            }
            if (round < rounds) {
                Thread.sleep(pauseMillis);
            }
        }
        divergence.add("(the members never held one applied index still through " + rounds + " rounds)");
        return divergence;
    }
}

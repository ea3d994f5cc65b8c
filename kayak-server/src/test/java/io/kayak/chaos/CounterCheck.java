package io.kayak.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exactly-once check of sessions mode: clients increment counters (keys nothing else writes), each increment
 * one session write, and tally what they were told. If every acknowledged increment applied exactly once, a
 * counter's final value lies between its acknowledged increments and those plus the ones whose outcome stayed
 * unknown (each applied once at most), and no two acknowledged increments returned the same value. A final value
 * above that range is an increment applied twice (a duplicate); below it, an acknowledged one lost. Thread-safe.
 */
final class CounterCheck {
    /** One counter's tally. */
    private static final class Tally {
        int acknowledged;
        int unknown;
        int failed;
        final Set<Long> values = new HashSet<>();
        int repeatedValues;
    }

    /**
     * The verdict.
     *
     * @param acknowledged increments answered 200, over all counters
     * @param unknown      increments given up on (outcome unknown)
     * @param failed       increments answered with a definite failure (never applied)
     * @param finals       each counter's final value
     * @param duplicates   increments applied more than once: final values above acknowledged + unknown, plus
     *                     values returned to two acknowledged increments
     * @param lost         acknowledged increments missing from the final values
     * @param problems     one line per counter that fails the check
     */
    record Result(int acknowledged, int unknown, int failed, Map<String, Long> finals, long duplicates, long lost,
                  List<String> problems) {
        boolean passed() {
            return duplicates == 0 && lost == 0 && problems.isEmpty();
        }

        String summary() {
            return "increments: " + acknowledged + " acknowledged, " + unknown + " unknown, " + failed
                    + " failed; final " + finals + "; duplicates " + duplicates + ", lost " + lost;
        }
    }

    private final Map<String, Tally> tallies = new TreeMap<>();

    synchronized void acknowledged(String counter, long value) {
        Tally t = tally(counter);
        t.acknowledged++;
        if (!t.values.add(value)) {
            t.repeatedValues++;
        }
    }

    synchronized void unknown(String counter) {
        tally(counter).unknown++;
    }

    synchronized void failed(String counter) {
        tally(counter).failed++;
    }

    private Tally tally(String counter) {
        return tallies.computeIfAbsent(counter, c -> new Tally());
    }

    /** Checks the tallies against the counters' final values (absent: 0; a counter never read: a problem). */
    synchronized Result check(Map<String, Long> finals) {
        int acknowledged = 0;
        int unknown = 0;
        int failed = 0;
        long duplicates = 0;
        long lost = 0;
        List<String> problems = new ArrayList<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            acknowledged += t.acknowledged;
            unknown += t.unknown;
            failed += t.failed;
            Long value = finals.get(e.getKey());
            seen.put(e.getKey(), value);
            if (value == null) {
                problems.add(e.getKey() + ": final value not read");
                continue;
            }
            long over = value - (t.acknowledged + t.unknown);
            long under = t.acknowledged - value;
            long outOfRange = t.values.stream().filter(v -> v < 1 || v > value).count();
            duplicates += Math.max(0, over) + t.repeatedValues;
            lost += Math.max(0, under);
            if (over > 0 || under > 0 || t.repeatedValues > 0 || outOfRange > 0) {
                problems.add(e.getKey() + ": final " + value + " with " + t.acknowledged + " acknowledged and "
                        + t.unknown + " unknown increments; " + t.repeatedValues + " values returned twice, "
                        + outOfRange + " returned values outside 1.." + value);
            }
        }
        return new Result(acknowledged, unknown, failed, seen, duplicates, lost, problems);
    }
}

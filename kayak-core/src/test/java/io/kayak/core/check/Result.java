package io.kayak.core.check;

import java.util.List;
import java.util.Optional;

/**
 * The verdict for a whole history, with the per-key details.
 *
 * <p>A history is {@link Verdict#NOT_LINEARIZABLE not linearizable} as soon as one key is; otherwise, if the search
 * gave up on some key, the verdict is {@link Verdict#UNKNOWN unknown} — never a pass.
 */
public record Result(Verdict verdict, List<KeyResult> keys) {

    public Result {
        keys = List.copyOf(keys);
    }

    static Result of(List<KeyResult> keys) {
        Verdict verdict = Verdict.LINEARIZABLE;
        for (KeyResult key : keys) {
            if (key.verdict() == Verdict.NOT_LINEARIZABLE) {
                verdict = Verdict.NOT_LINEARIZABLE;
                break;
            }
            if (key.verdict() == Verdict.UNKNOWN) {
                verdict = Verdict.UNKNOWN;
            }
        }
        return new Result(verdict, keys);
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** Whether the budget ran out on some key (whatever the verdict: another key may still have been broken). */
    public boolean gaveUp() {
        return keys.stream().anyMatch(k -> k.verdict() == Verdict.UNKNOWN);
    }

    /** The keys that are not linearizable, in key order. */
    public List<String> brokenKeys() {
        return keys.stream().filter(k -> k.verdict() == Verdict.NOT_LINEARIZABLE).map(KeyResult::key).toList();
    }

    /** The keys the search gave up on, in key order. */
    public List<String> undecidedKeys() {
        return keys.stream().filter(k -> k.verdict() == Verdict.UNKNOWN).map(KeyResult::key).toList();
    }

    /** The counterexample of the first broken key. */
    public Optional<Counterexample> counterexample() {
        return keys.stream().filter(k -> k.counterexample() != null).map(KeyResult::counterexample).findFirst();
    }

    /** The total search steps over all keys. */
    public long steps() {
        return keys.stream().mapToLong(KeyResult::steps).sum();
    }

    /** A report for a human: the verdict, and the first counterexample or the undecided keys. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        int operations = keys.stream().mapToInt(KeyResult::operations).sum();
        out.append(verdict).append(" (").append(keys.size()).append(" key(s), ").append(operations)
                .append(" operation(s) ordered, ").append(steps()).append(" search step(s))\n");
        if (!brokenKeys().isEmpty()) {
            out.append("broken keys: ").append(brokenKeys()).append('\n');
            counterexample().ifPresent(c -> out.append(c.describe()));
        }
        if (gaveUp()) {
            out.append("search budget exhausted, undecided keys: ").append(undecidedKeys()).append('\n');
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}

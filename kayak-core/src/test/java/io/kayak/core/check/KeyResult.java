package io.kayak.core.check;

/**
 * The verdict for one key.
 *
 * @param key            the key
 * @param verdict        linearizable, not, or unknown (budget exhausted)
 * @param operations     how many operations the search had to order (failed operations and unknown reads excluded)
 * @param steps          search steps spent, to compare against the budget
 * @param counterexample why it is not linearizable; {@code null} for the other verdicts
 */
public record KeyResult(String key, Verdict verdict, int operations, long steps, Counterexample counterexample) {
}

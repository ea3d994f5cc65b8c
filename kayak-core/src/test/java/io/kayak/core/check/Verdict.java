package io.kayak.core.check;

/** What the checker concluded about a history or one key of it. */
public enum Verdict {
    /** Some order of the operations, consistent with real time, explains every response. */
    LINEARIZABLE,
    /** No such order exists: the store broke linearizability (or the harness recorded a wrong history). */
    NOT_LINEARIZABLE,
    /**
     * The search ran out of its step budget before deciding. This is not a pass: the history may well be broken.
     * Raise the budget, or shorten the history (fewer concurrent or unknown operations per key).
     */
    UNKNOWN
}

package io.kayak;

/**
 * What a committed {@link Entry} carries. The application's own entries are {@link #NORMAL}; Kayak writes the other
 * kinds itself, and they reach listeners (with empty payloads) only so that the indices a listener sees stay
 * contiguous: a state machine skips them.
 */
public enum EntryKind {
    /** A payload the application appended with {@link Log#append}. */
    NORMAL,
    /** The empty entry each new leader appends to commit the entries of earlier terms (Raft §5.4.2). */
    NOOP,
    /** A membership configuration; {@link Host#roster()} shows the members it names. */
    CONFIG,
    /**
     * Kayak's bookkeeping of {@linkplain Session client sessions}: a session opened, kept alive or closed, or a
     * session's append that is <em>not</em> applied: a retried copy of an append that already committed (the first
     * copy reached listeners as {@code NORMAL}), or one refused because its session had expired.
     */
    SESSION
}

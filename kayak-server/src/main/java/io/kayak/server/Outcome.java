package io.kayak.server;

/**
 * What applying one command did, computed on every member alike.
 *
 * @param index  the log index of the command
 * @param status what happened
 * @param number the new value of an {@link Status#INCREMENTED} counter, else 0
 */
public record Outcome(long index, Status status, long number) {
    /** The kinds of results a command can have. */
    public enum Status {
        /** A put or a registration was applied. */
        WRITTEN,
        /** A compare-and-set found the expected value and swapped it. */
        SWAPPED,
        /** A compare-and-set found another value, or no value. */
        NOT_SWAPPED,
        /** A delete removed the key. */
        DELETED,
        /** A delete found no key. */
        ABSENT,
        /** An increment produced {@link #number()}. */
        INCREMENTED,
        /** An increment found a value that is not a 64-bit decimal integer, or would overflow. */
        NOT_A_NUMBER
    }

    static Outcome of(long index, Status status) {
        return new Outcome(index, status, 0);
    }
}

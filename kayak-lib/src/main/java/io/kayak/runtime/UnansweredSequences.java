package io.kayak.runtime;

import java.util.BitSet;

/**
 * A session's sequence numbers: hands them out in order and keeps track of which still wait for their answer, so
 * that each append can report the lowest unanswered one. Answers come in any order; a window of bits above the
 * lowest unanswered sequence records the ones already answered. Thread-safe; one small lock per session, which
 * costs less than a concurrent sorted set on the path of every append.
 */
final class UnansweredSequences {
    private long next = 1;
    /** The lowest sequence without an answer; {@code next} when every one has its answer. */
    private long first = 1;
    /** Bit i: sequence {@code first + i} has its answer. */
    private BitSet answered = new BitSet();
    private int waiting;

    /** The next sequence, from now on unanswered. */
    synchronized long take() {
        waiting++;
        return next++;
    }

    /** {@code sequence} has its answer. */
    synchronized void answer(long sequence) {
        waiting--;
        answered.set((int) (sequence - first));
        if (sequence == first) {
            int done = answered.nextClearBit(0);
            first += done;
            answered = answered.get(done, Math.max(done, answered.length()));
        }
    }

    /** The lowest sequence without an answer (the next one to be handed out when none waits). */
    synchronized long first() {
        return first;
    }

    /** How many sequences wait for their answer. */
    synchronized int waiting() {
        return waiting;
    }
}

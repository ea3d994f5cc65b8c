package io.kayak.storage;

/**
 * The term of every index in the log, held as runs: one (first index, term) pair per term change. Raft logs change
 * term rarely, so this answers {@code term(index)} without a disk read in memory proportional to the number of
 * elections, not to the log length.
 */
final class TermRuns {
    private final LongList starts = new LongList();
    private final LongList terms = new LongList();

    /** Records that {@code index} (one past the previous last index) has {@code term}. */
    void append(long index, long term) {
        if (terms.size() == 0 || terms.last() != term) {
            starts.add(index);
            terms.add(term);
        }
    }

    /** The term of {@code index}, which the caller knows is held. */
    long termAt(long index) {
        int run = starts.lastBelow(index + 1);
        if (run < 0) {
            throw new IllegalStateException("no term recorded for index " + index);
        }
        return terms.get(run);
    }

    /** Forgets indexes {@code >= index}. */
    void truncateFrom(long index) {
        starts.removeFrom(index);
        terms.shrinkTo(starts.size());
    }

    /** Forgets indexes {@code < index}, keeping the run that covers {@code index}. */
    void dropBefore(long index) {
        int covering = starts.lastBelow(index + 1);
        if (covering > 0) {
            starts.removeFirst(covering);
            terms.removeFirst(covering);
        }
    }
}

package io.kayak.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The core's view of its log: entries in {@link LogStorage} (written earlier), followed by <em>unstable</em> entries
 * that are not yet known to be durable, plus the commit and apply positions.
 *
 * <p>Every entry below {@link #unstableOffset} is durable. Entries from it on live in memory until the driver
 * reports them durable ({@link #stableTo}); some of them have already been handed out for writing
 * ({@link #takeUnpersisted}). A conflicting append replaces unstable entries, and the next write tells storage to
 * truncate. This follows etcd-io/raft's storage/unstable split.
 */
final class RaftLog {
    private final LogStorage storage;
    private final List<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    private int handedOut;
    /** The highest index handed out for writing (or found in storage at start). */
    private long lastWritten;
    /** Whether the entries handed out last rewrite indexes that an earlier write already covered. */
    private boolean lastTakeOverwrites;
    private long committed;
    private long applied;
    /**
     * The last snapshot installed by this core instance: its index, term and configuration. Until the driver has
     * installed it in storage, storage still holds the old log, so anything at or below it is answered from here.
     */
    private long snapshotIndex;
    private long snapshotTerm;
    private IndexedConfiguration snapshotConfig;

    RaftLog(LogStorage storage, long committed, long applied) {
        this.storage = storage;
        this.unstableOffset = storage.lastIndex() + 1;
        this.lastWritten = storage.lastIndex();
        this.committed = Math.min(committed, storage.lastIndex());
        long floor = storage.firstIndex() - 1;
        this.committed = Math.max(this.committed, Math.min(floor, storage.lastIndex()));
        // What the application applied (from its snapshot) was committed: it cannot be less than that.
        this.committed = Math.max(this.committed, Math.min(applied, storage.lastIndex()));
        this.applied = Math.max(Math.min(applied, this.committed), floor);
    }

    long firstIndex() {
        return Math.max(storage.firstIndex(), snapshotIndex + 1);
    }

    /**
     * Replaces the whole log by a snapshot (Raft §7): nothing before or after it is kept, and it counts as
     * committed and applied. Storage follows when the driver installs the snapshot handed out in the Ready.
     */
    void restore(SnapshotMetadata s) {
        unstable.clear();
        unstableOffset = s.index() + 1;
        handedOut = 0;
        lastWritten = s.index();
        lastTakeOverwrites = false;
        committed = s.index();
        applied = s.index();
        snapshotIndex = s.index();
        snapshotTerm = s.term();
        snapshotConfig = new IndexedConfiguration(s.index(), s.configuration());
    }

    /** Whether storage has not yet caught up with the snapshot this core installed. */
    private boolean storageBehindSnapshot() {
        return snapshotIndex > 0 && storage.firstIndex() - 1 < snapshotIndex;
    }

    long lastIndex() {
        return unstable.isEmpty() ? unstableOffset - 1 : unstableOffset + unstable.size() - 1;
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The index up to which this member's log is durable. */
    long durableIndex() {
        return unstableOffset - 1;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    /**
     * The term at {@code index}; 0 for index 0.
     *
     * @throws CompactedException if the index was compacted
     */
    long term(long index) {
        if (index == 0) {
            return 0;
        }
        if (index >= unstableOffset) {
            int pos = (int) (index - unstableOffset);
            if (pos >= unstable.size()) {
                throw new IllegalArgumentException("index " + index + " is beyond the last index " + lastIndex());
            }
            return unstable.get(pos).term();
        }
        if (index <= snapshotIndex) {
            if (index == snapshotIndex) {
                return snapshotTerm;
            }
            throw new CompactedException(index, snapshotIndex + 1);
        }
        return storage.term(index);
    }

    /** The term at {@code index}, or -1 when this log does not hold it (beyond the end, or compacted). */
    long termOrMissing(long index) {
        if (index > lastIndex()) {
            return -1;
        }
        try {
            return term(index);
        } catch (CompactedException e) {
            return -1;
        }
    }

    boolean matchTerm(long index, long term) {
        return termOrMissing(index) == term;
    }

    /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up-to-date as this one? */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myLastTerm = lastTerm();
        return lastTerm > myLastTerm || (lastTerm == myLastTerm && lastIndex >= lastIndex());
    }

    /**
     * The index of the first entry in {@code entries} that this log does not already hold (missing, or a different
     * term), or 0 when it holds them all. Matching entries are never rewritten: truncation happens only on a
     * real conflict (Raft §5.3), which is what keeps a delayed, shorter AppendEntries from erasing newer entries.
     */
    long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /** Appends entries that follow the log or replace its suffix from the first entry's index. */
    void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        if (first <= committed) {
            throw new IllegalStateException("refusing to overwrite committed index " + first + " (commit "
                    + committed + ")");
        }
        if (first > lastIndex() + 1) {
            throw new IllegalStateException("gap: appending " + first + " after " + lastIndex());
        }
        if (first == lastIndex() + 1) {
            unstable.addAll(entries);
        } else if (first <= unstableOffset) {
            // The conflict reaches into storage: everything unstable is replaced, storage truncates on write.
            unstable.clear();
            unstable.addAll(entries);
            unstableOffset = first;
            handedOut = 0;
        } else {
            int keep = (int) (first - unstableOffset);
            unstable.subList(keep, unstable.size()).clear();
            unstable.addAll(entries);
            handedOut = Math.min(handedOut, keep);
        }
    }

    /** Entries not yet handed out for writing; marks them handed out. */
    List<Entry> takeUnpersisted() {
        if (handedOut == unstable.size()) {
            lastTakeOverwrites = false;
            return List.of();
        }
        List<Entry> out = new ArrayList<>(unstable.subList(handedOut, unstable.size()));
        handedOut = unstable.size();
        lastTakeOverwrites = out.get(0).index() <= lastWritten;
        lastWritten = out.get(out.size() - 1).index();
        return out;
    }

    /** Whether the last {@link #takeUnpersisted} returned entries that replace earlier written ones. */
    boolean lastTakeOverwrites() {
        return lastTakeOverwrites;
    }

    boolean hasUnpersisted() {
        return handedOut < unstable.size();
    }

    /**
     * The driver reports entries up to {@code index} (whose term is {@code term}) durable. A report about entries
     * that were since replaced by a conflicting append is recognised by its term and ignored.
     */
    void stableTo(long index, long term) {
        if (index < unstableOffset || index > lastIndex()) {
            return;
        }
        int pos = (int) (index - unstableOffset);
        if (unstable.get(pos).term() != term || pos >= handedOut) {
            return;
        }
        unstable.subList(0, pos + 1).clear();
        handedOut -= pos + 1;
        unstableOffset = index + 1;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " is beyond the last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Whether there are committed, durable entries not yet handed out for applying. */
    boolean hasApplicable() {
        return Math.min(committed, durableIndex()) > applied;
    }

    /** Committed, durable entries after {@code applied}, up to {@code maxBytes}; marks them handed out. */
    List<Entry> takeApplicable(long maxBytes) {
        long hi = Math.min(committed, durableIndex());
        if (hi <= applied) {
            return List.of();
        }
        List<Entry> out = slice(applied + 1, hi + 1, maxBytes);
        applied = out.get(out.size() - 1).index();
        return out;
    }

    /**
     * Entries {@code [lo, hi)} up to {@code maxBytes} (at least one).
     *
     * @throws CompactedException when {@code lo} was compacted
     */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo >= hi) {
            return List.of();
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalArgumentException("slice [" + lo + ", " + hi + ") beyond last index " + lastIndex());
        }
        if (lo <= snapshotIndex) {
            throw new CompactedException(lo, snapshotIndex + 1);
        }
        List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
        long budget = maxBytes;
        if (lo < unstableOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, unstableOffset), maxBytes);
            out.addAll(stored);
            for (Entry e : stored) {
                budget -= e.size();
            }
            if (out.get(out.size() - 1).index() < Math.min(hi, unstableOffset) - 1) {
                return out; // storage stopped at the byte limit
            }
        }
        long from = Math.max(lo, unstableOffset);
        for (long i = from; i < hi; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            if (!out.isEmpty() && e.size() > budget) {
                break;
            }
            out.add(e);
            budget -= e.size();
        }
        return out;
    }

    /**
     * The newest configuration at an index below {@code index}, looking at unstable entries first and then at
     * storage. Used when a conflicting append removes the configuration in force.
     */
    IndexedConfiguration configurationBefore(long index) {
        long top = Math.min(index - 1, lastIndex());
        for (long i = top; i >= unstableOffset; i--) {
            Entry e = unstable.get((int) (i - unstableOffset));
            if (e.kind() == EntryKind.CONFIG) {
                return new IndexedConfiguration(e.index(), ConfigurationCodec.decode(e.payload()));
            }
        }
        if (storageBehindSnapshot()) {
            return snapshotConfig;
        }
        return storage.configurationBefore(Math.min(index, unstableOffset));
    }

    /**
     * The first index of the run of entries with the same term as {@code index}, searching down no further than
     * {@code floor}. Used for the conflict hint of a rejected AppendEntries.
     */
    long firstIndexOfTerm(long index, long floor) {
        long term = term(index);
        long i = index;
        while (i - 1 > floor && i - 1 >= firstIndex() && termOrMissing(i - 1) == term) {
            i--;
        }
        return i;
    }

    /** The last index at or below {@code from} whose term is {@code term}, or -1 when there is none. */
    long lastIndexOfTerm(long term, long from) {
        for (long i = Math.min(from, lastIndex()); i >= firstIndex(); i--) {
            long t = termOrMissing(i);
            if (t == term) {
                return i;
            }
            if (t < term) {
                return -1;
            }
        }
        return -1;
    }

    List<Entry> unstableView() {
        return Collections.unmodifiableList(unstable);
    }
}

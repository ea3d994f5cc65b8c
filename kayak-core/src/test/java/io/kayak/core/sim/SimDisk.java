package io.kayak.core.sim;

import io.kayak.core.CompactedException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The simulator's disk: a {@link LogStore} that keeps what was written apart from what was synced, so a crash
 * loses exactly what the {@link LogStore} durability contract allows it to lose: everything after the last sync,
 * except perhaps a prefix of those writes (chosen by the simulation's seeded random source).
 */
public final class SimDisk implements LogStore {
    /** A write that has not been synced yet, kept so a crash can keep a prefix of them. */
    private sealed interface Write permits AppendWrite, HardStateWrite {
    }

    private record AppendWrite(List<Entry> entries) implements Write {
    }

    private record HardStateWrite(HardState state) implements Write {
    }

    /** One image of the disk's content: the log (from a first index) and the hard state. */
    private static final class Image {
        long firstIndex = 1;
        long baseTerm;
        IndexedConfiguration baseConfig;
        final List<Entry> entries = new ArrayList<>();
        HardState hardState = HardState.INITIAL;

        Image copy() {
            Image c = new Image();
            c.firstIndex = firstIndex;
            c.baseTerm = baseTerm;
            c.baseConfig = baseConfig;
            c.entries.addAll(entries);
            c.hardState = hardState;
            return c;
        }

        long lastIndex() {
            return firstIndex + entries.size() - 1;
        }

        void append(List<Entry> batch) {
            if (batch.isEmpty()) {
                return;
            }
            long first = batch.get(0).index();
            if (first < firstIndex || first > lastIndex() + 1) {
                throw new IllegalStateException("append at " + first + " outside [" + firstIndex + ", "
                        + (lastIndex() + 1) + "]");
            }
            long expected = first;
            for (Entry e : batch) {
                if (e.index() != expected++) {
                    throw new IllegalStateException("non-contiguous batch at " + e.index());
                }
                // Entries already held with the same term stay; truncation starts at the first real conflict.
                if (e.index() <= lastIndex()) {
                    if (entries.get((int) (e.index() - firstIndex)).term() == e.term()) {
                        continue;
                    }
                    entries.subList((int) (e.index() - firstIndex), entries.size()).clear();
                }
                entries.add(e);
            }
        }

        void apply(Write w) {
            if (w instanceof AppendWrite) {
                append(((AppendWrite) w).entries());
            } else {
                hardState = ((HardStateWrite) w).state();
            }
        }
    }

    private Image written = new Image();
    private Image durable = new Image();
    private final List<Write> unsynced = new ArrayList<>();
    private long syncs;

    /** A disk holding the bootstrap entry and hard state of a new cluster member, already durable. */
    public static SimDisk bootstrapped(Entry first, HardState state) {
        SimDisk disk = new SimDisk();
        disk.append(List.of(first));
        disk.saveHardState(state);
        disk.sync();
        return disk;
    }

    @Override
    public long firstIndex() {
        return written.firstIndex;
    }

    @Override
    public long lastIndex() {
        return written.lastIndex();
    }

    @Override
    public long term(long index) {
        if (index == 0) {
            return 0;
        }
        if (index < written.firstIndex - 1) {
            throw new CompactedException(index, written.firstIndex);
        }
        if (index > written.lastIndex()) {
            throw new IllegalArgumentException("index " + index + " beyond last " + written.lastIndex());
        }
        if (index == written.firstIndex - 1) {
            return written.baseTerm;
        }
        return written.entries.get((int) (index - written.firstIndex)).term();
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        if (from < written.firstIndex) {
            throw new CompactedException(from, written.firstIndex);
        }
        if (toExclusive > written.lastIndex() + 1) {
            throw new IllegalArgumentException("range end " + toExclusive + " beyond last " + written.lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < toExclusive; i++) {
            Entry e = written.entries.get((int) (i - written.firstIndex));
            if (!out.isEmpty() && bytes + e.size() > maxBytes) {
                break;
            }
            out.add(e);
            bytes += e.size();
        }
        return out;
    }

    @Override
    public IndexedConfiguration configurationBefore(long index) {
        for (long i = Math.min(index - 1, written.lastIndex()); i >= written.firstIndex; i--) {
            Entry e = written.entries.get((int) (i - written.firstIndex));
            if (e.kind() == EntryKind.CONFIG) {
                return new IndexedConfiguration(e.index(), ConfigurationCodec.decode(e.payload()));
            }
        }
        return written.baseConfig;
    }

    @Override
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Entry> copy = List.copyOf(entries);
        written.append(copy);
        unsynced.add(new AppendWrite(copy));
    }

    @Override
    public void saveHardState(HardState state) {
        written.hardState = state;
        unsynced.add(new HardStateWrite(state));
    }

    @Override
    public HardState hardState() {
        return written.hardState;
    }

    @Override
    public void sync() {
        durable = written.copy();
        unsynced.clear();
        syncs++;
    }

    @Override
    public void compact(long upToIndex) {
        if (upToIndex < written.firstIndex) {
            return;
        }
        if (upToIndex > written.lastIndex()) {
            throw new IllegalArgumentException("cannot compact beyond the last index " + written.lastIndex());
        }
        IndexedConfiguration config = configurationBefore(upToIndex + 1);
        long term = term(upToIndex);
        written.entries.subList(0, (int) (upToIndex - written.firstIndex + 1)).clear();
        written.firstIndex = upToIndex + 1;
        written.baseTerm = term;
        written.baseConfig = config;
        // Compaction is a metadata change the real store syncs at once; model it as durable immediately.
        Image d = durable;
        if (d.lastIndex() >= upToIndex && d.firstIndex <= upToIndex) {
            d.entries.subList(0, (int) (upToIndex - d.firstIndex + 1)).clear();
            d.firstIndex = upToIndex + 1;
            d.baseTerm = term;
            d.baseConfig = config;
        }
    }

    /**
     * Replaces the log by a snapshot's base. Like the real store, it syncs earlier writes first and is durable at
     * once (the base is replaced atomically), so a crash keeps either the old log or the new base.
     */
    @Override
    public void installSnapshot(long index, long term, Configuration configuration) {
        sync();
        Image fresh = new Image();
        fresh.firstIndex = index + 1;
        fresh.baseTerm = term;
        fresh.baseConfig = new IndexedConfiguration(index, configuration);
        fresh.hardState = written.hardState;
        written = fresh;
        durable = fresh.copy();
    }

    /**
     * Crashes the disk: what was synced survives, and of the later writes a prefix of {@code keptWrites} writes
     * (the last of them possibly torn at an entry boundary) survives too, as a real disk might.
     */
    public void crash(Random random) {
        Image recovered = durable.copy();
        int keep = unsynced.isEmpty() ? 0 : random.nextInt(unsynced.size() + 1);
        for (int i = 0; i < keep; i++) {
            Write w = unsynced.get(i);
            if (i == keep - 1 && w instanceof AppendWrite && random.nextBoolean()) {
                List<Entry> batch = ((AppendWrite) w).entries();
                recovered.append(batch.subList(0, random.nextInt(batch.size() + 1)));
            } else {
                recovered.apply(w);
            }
        }
        unsynced.clear();
        written = recovered;
        durable = recovered.copy();
    }

    /** Whether the durable image holds an entry with this index and term. */
    public boolean durablyHolds(long index, long term) {
        Image d = durable;
        if (index < d.firstIndex || index > d.lastIndex()) {
            // Compacted entries are covered by a durable snapshot of committed state (checked by its hash).
            return index > 0 && (index < d.firstIndex - 1 || (index == d.firstIndex - 1 && d.baseTerm == term));
        }
        return d.entries.get((int) (index - d.firstIndex)).term() == term;
    }

    /** The hard state as of the last sync (what a crash would leave). */
    public HardState durableHardState() {
        return durable.hardState;
    }

    /** The number of completed syncs. */
    public long syncs() {
        return syncs;
    }
}

package io.kayak.core.sim;

import io.kayak.core.Configuration;
import io.kayak.core.Entry;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import io.kayak.core.LogStore;
import io.kayak.core.MemoryLogStore;

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

    /** What readers see (everything written), and what a crash would leave (everything synced). */
    private MemoryLogStore written = new MemoryLogStore();
    private MemoryLogStore durable = new MemoryLogStore();
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
        return written.firstIndex();
    }

    @Override
    public long lastIndex() {
        return written.lastIndex();
    }

    @Override
    public long term(long index) {
        return written.term(index);
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        return written.entries(from, toExclusive, maxBytes);
    }

    @Override
    public IndexedConfiguration configurationBefore(long index) {
        return written.configurationBefore(index);
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
        written.saveHardState(state);
        unsynced.add(new HardStateWrite(state));
    }

    @Override
    public HardState hardState() {
        return written.hardState();
    }

    @Override
    public void sync() {
        durable = written.copy();
        unsynced.clear();
        syncs++;
    }

    @Override
    public void compact(long upToIndex) {
        written.compact(upToIndex);
        // Compaction is a metadata change the real store syncs at once; model it as durable immediately.
        if (durable.lastIndex() >= upToIndex && durable.firstIndex() <= upToIndex) {
            durable.compact(upToIndex);
        }
    }

    /**
     * Replaces the log by a snapshot's base. Like the real store, it syncs earlier writes first and is durable at
     * once (the base is replaced atomically), so a crash keeps either the old log or the new base.
     */
    @Override
    public void installSnapshot(long index, long term, Configuration configuration) {
        sync();
        written.installSnapshot(index, term, configuration);
        durable = written.copy();
    }

    /**
     * Crashes the disk: what was synced survives, and of the later writes a prefix of {@code keptWrites} writes
     * (the last of them possibly torn at an entry boundary) survives too, as a real disk might.
     */
    public void crash(Random random) {
        MemoryLogStore recovered = durable.copy();
        int keep = unsynced.isEmpty() ? 0 : random.nextInt(unsynced.size() + 1);
        for (int i = 0; i < keep; i++) {
            Write w = unsynced.get(i);
            if (w instanceof AppendWrite) {
                List<Entry> batch = ((AppendWrite) w).entries();
                boolean torn = i == keep - 1 && random.nextBoolean();
                recovered.append(torn ? batch.subList(0, random.nextInt(batch.size() + 1)) : batch);
            } else {
                recovered.saveHardState(((HardStateWrite) w).state());
            }
        }
        unsynced.clear();
        written = recovered;
        durable = recovered.copy();
    }

    /** Whether the durable image holds an entry with this index and term. */
    public boolean durablyHolds(long index, long term) {
        MemoryLogStore d = durable;
        if (index < d.firstIndex() - 1) {
            // Compacted entries are covered by a durable snapshot of committed state (checked by its hash).
            return index > 0;
        }
        return index > 0 && index <= d.lastIndex() && d.term(index) == term;
    }

    /** The hard state as of the last sync (what a crash would leave). */
    public HardState durableHardState() {
        return durable.hardState();
    }

    /** The number of completed syncs. */
    public long syncs() {
        return syncs;
    }
}

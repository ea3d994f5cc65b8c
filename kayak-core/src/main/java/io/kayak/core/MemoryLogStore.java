package io.kayak.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStore} kept in memory: for tests, benchmarks and members that do not need to survive a restart.
 * {@link #sync()} does nothing, so nothing is durable beyond the life of the object. Not thread-safe.
 */
public final class MemoryLogStore implements LogStore {
    private final List<Entry> entries = new ArrayList<>();
    private long firstIndex = 1;
    private long baseTerm;
    private IndexedConfiguration baseConfig;
    private HardState hardState = HardState.INITIAL;

    @Override
    public long firstIndex() {
        return firstIndex;
    }

    @Override
    public long lastIndex() {
        return firstIndex + entries.size() - 1;
    }

    @Override
    public long term(long index) {
        if (index == 0) {
            return 0;
        }
        if (index < firstIndex - 1) {
            throw new CompactedException(index, firstIndex);
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("index " + index + " beyond the last index " + lastIndex());
        }
        return index == firstIndex - 1 ? baseTerm : entries.get((int) (index - firstIndex)).term();
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        if (from < firstIndex) {
            throw new CompactedException(from, firstIndex);
        }
        if (toExclusive > lastIndex() + 1) {
            throw new IllegalArgumentException("range end " + toExclusive + " beyond the last index " + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < toExclusive; i++) {
            Entry e = entries.get((int) (i - firstIndex));
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
        for (long i = Math.min(index - 1, lastIndex()); i >= firstIndex; i--) {
            Entry e = entries.get((int) (i - firstIndex));
            if (e.kind() == EntryKind.CONFIG) {
                return new IndexedConfiguration(e.index(), ConfigurationCodec.decode(e.payload()));
            }
        }
        return baseConfig;
    }

    @Override
    public void append(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).index();
        if (first < firstIndex || first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " outside [" + firstIndex + ", "
                    + (lastIndex() + 1) + "]");
        }
        long expected = first;
        for (Entry e : batch) {
            if (e.index() != expected++) {
                throw new IllegalArgumentException("entries are not contiguous at " + e.index());
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

    @Override
    public void saveHardState(HardState state) {
        this.hardState = state;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public void sync() {
        // Nothing to do: memory is all there is.
    }

    @Override
    public void compact(long upToIndex) {
        if (upToIndex < firstIndex) {
            return;
        }
        if (upToIndex > lastIndex()) {
            throw new IllegalArgumentException("cannot compact beyond the last index " + lastIndex());
        }
        IndexedConfiguration config = configurationBefore(upToIndex + 1);
        long term = term(upToIndex);
        entries.subList(0, (int) (upToIndex - firstIndex + 1)).clear();
        firstIndex = upToIndex + 1;
        baseTerm = term;
        baseConfig = config;
    }

    /** An independent copy of this store's content (entries are immutable, so they are shared). */
    public MemoryLogStore copy() {
        MemoryLogStore c = new MemoryLogStore();
        c.entries.addAll(entries);
        c.firstIndex = firstIndex;
        c.baseTerm = baseTerm;
        c.baseConfig = baseConfig;
        c.hardState = hardState;
        return c;
    }

    @Override
    public void installSnapshot(long index, long term, Configuration configuration) {
        entries.clear();
        firstIndex = index + 1;
        baseTerm = term;
        baseConfig = new IndexedConfiguration(index, configuration);
    }
}

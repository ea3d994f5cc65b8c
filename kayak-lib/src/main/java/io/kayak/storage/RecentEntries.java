package io.kayak.storage;

import io.kayak.core.Entry;
import java.util.List;

/**
 * The newest entries of the log, bounded by bytes, so that replication to followers that keep up is served from
 * memory. Holds a contiguous run ending at the log's last index (or nothing), in a ring buffer indexed by log
 * index. Not thread-safe: the log guards it.
 */
final class RecentEntries {
    private final long maxBytes;
    private Entry[] ring = new Entry[64];
    private int head;
    private int size;
    private long bytes;

    RecentEntries(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Adds {@code entry}, the log's new last entry, evicting the oldest entries beyond the bound. */
    void add(Entry entry) {
        if (size > 0 && at(size - 1).index() + 1 != entry.index()) {
            clear();
        }
        if (entry.size() > maxBytes) {
            clear();
            return;
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = entry;
        size++;
        bytes += entry.size();
        while (bytes > maxBytes) {
            removeFirst();
        }
    }

    /** The first index held, or {@code Long.MAX_VALUE} when empty. */
    long firstIndex() {
        return size == 0 ? Long.MAX_VALUE : at(0).index();
    }

    /** The cached entry at {@code index}, or null. */
    Entry get(long index) {
        long slot = index - firstIndex();
        return slot >= 0 && slot < size ? at((int) slot) : null;
    }

    /**
     * Adds entries {@code [from, toExclusive)} to {@code out} while they fit in {@code budget} bytes, but at least
     * one when {@code out} is empty; {@code from} must be held. Returns the bytes added.
     */
    long copy(long from, long toExclusive, long budget, List<Entry> out) {
        long used = 0;
        for (long index = from; index < toExclusive; index++) {
            Entry e = get(index);
            if (e == null || (!out.isEmpty() && used + e.size() > budget)) {
                break;
            }
            out.add(e);
            used += e.size();
        }
        return used;
    }

    /** Drops entries {@code >= index}. */
    void truncateFrom(long index) {
        while (size > 0 && at(size - 1).index() >= index) {
            int slot = (head + size - 1) & (ring.length - 1);
            bytes -= ring[slot].size();
            ring[slot] = null;
            size--;
        }
    }

    /** Drops entries {@code < index}. */
    void dropBefore(long index) {
        while (size > 0 && at(0).index() < index) {
            removeFirst();
        }
    }

    void clear() {
        while (size > 0) {
            removeFirst();
        }
        head = 0;
    }

    private Entry at(int slot) {
        return ring[(head + slot) & (ring.length - 1)];
    }

    private void removeFirst() {
        bytes -= ring[head].size();
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = at(i);
        }
        ring = bigger;
        head = 0;
    }
}

package io.kayak.runtime;

import io.kayak.core.CompactedException;
import io.kayak.core.Entry;
import io.kayak.core.LogStore;
import io.kayak.storage.WriteAheadLog;

import java.util.List;

/**
 * How many bytes the log's records after an index take: what {@link CompactionPolicy}'s byte threshold measures.
 * The write-ahead log knows it exactly from its segment index; for any other store it is estimated by reading the
 * entries ({@link Entry#size()}: payload plus a fixed header), stopping once the estimate passes {@code cap}, so the estimate costs
 * at most about the threshold's worth of reading.
 */
@FunctionalInterface
interface LogSizer {
    /** How many payload bytes one read of the estimate covers. */
    long READ_BYTES = 1 << 20;

    /** Bytes of the records after {@code index} (an estimate capped a little above the threshold for some stores). */
    long bytesAfter(long index);

    static LogSizer of(LogStore store, long cap) {
        if (store instanceof WriteAheadLog wal) {
            return wal::bytesAfter;
        }
        return index -> estimate(store, index, cap);
    }

    private static long estimate(LogStore store, long index, long cap) {
        long last = store.lastIndex();
        long from = Math.max(index + 1, store.firstIndex());
        long bytes = 0;
        while (from <= last && bytes <= cap) {
            List<Entry> read;
            try {
                read = store.entries(from, last + 1, READ_BYTES);
            } catch (CompactedException e) {
                from = store.firstIndex(); // compacted under us: start again from what is left
                continue;
            }
            if (read.isEmpty()) {
                break;
            }
            for (Entry e : read) {
                bytes += e.size();
            }
            from = read.get(read.size() - 1).index() + 1;
        }
        return bytes;
    }
}

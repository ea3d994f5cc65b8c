package io.kayak.storage;

import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.HardState;
import io.kayak.core.IndexedConfiguration;
import java.util.ArrayList;
import java.util.List;

/**
 * The simplest possible log: every entry ever held from index 1 (compaction is invisible to it) and the hard
 * state. Tests drive it alongside the real log and compare.
 */
final class LogModel {
    final List<Entry> entries = new ArrayList<>();
    HardState hardState = HardState.INITIAL;

    LogModel copy() {
        LogModel copy = new LogModel();
        copy.entries.addAll(entries);
        copy.hardState = hardState;
        return copy;
    }

    void append(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // Like the log: held entries with the same index and term are kept, the suffix goes from the first conflict.
        int skip = 0;
        while (skip < batch.size() && batch.get(skip).index() <= lastIndex()
                && at(batch.get(skip).index()).term() == batch.get(skip).term()) {
            skip++;
        }
        if (skip == batch.size()) {
            return;
        }
        truncateAfter(batch.get(skip).index() - 1);
        entries.addAll(batch.subList(skip, batch.size()));
    }

    void truncateAfter(long last) {
        while (entries.size() > last) {
            entries.remove(entries.size() - 1);
        }
    }

    long lastIndex() {
        return entries.size();
    }

    Entry at(long index) {
        return entries.get((int) index - 1);
    }

    long termAt(long index) {
        return index == 0 ? 0 : at(index).term();
    }

    IndexedConfiguration configurationBefore(long index) {
        for (long i = Math.min(index - 1, lastIndex()); i >= 1; i--) {
            if (at(i).kind() == EntryKind.CONFIG) {
                return new IndexedConfiguration(i, ConfigurationCodec.decode(at(i).payload()));
            }
        }
        return null;
    }

    /** How many leading entries this and {@code other} share. */
    long commonPrefix(LogModel other) {
        long n = 0;
        while (n < lastIndex() && n < other.lastIndex() && at(n + 1).equals(other.at(n + 1))) {
            n++;
        }
        return n;
    }
}

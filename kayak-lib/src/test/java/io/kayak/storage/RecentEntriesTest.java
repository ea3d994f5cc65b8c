package io.kayak.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replication cache stays within its byte bound and always holds a contiguous run ending at the last entry. */
class RecentEntriesTest {
    private static Entry entry(long index, int payload) {
        return Entry.normal(index, 1, new byte[payload]);
    }

    @Test
    void evictsTheOldestEntriesBeyondTheBound() {
        RecentEntries cache = new RecentEntries(10 * entry(1, 8).size());
        for (long i = 1; i <= 1000; i++) {
            cache.add(entry(i, 8));
        }
        assertThat(cache.firstIndex()).isEqualTo(991);
        assertThat(cache.get(990)).isNull();
        assertThat(cache.get(1000)).isEqualTo(entry(1000, 8));
        List<Entry> out = new ArrayList<>();
        cache.copy(991, 1001, Long.MAX_VALUE, out);
        assertThat(out).hasSize(10);
    }

    @Test
    void anEntryLargerThanTheBoundIsNotCachedAndBreaksNothing() {
        RecentEntries cache = new RecentEntries(100);
        cache.add(entry(1, 10));
        cache.add(entry(2, 1000));
        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(2)).isNull();
        cache.add(entry(3, 10));
        assertThat(cache.firstIndex()).isEqualTo(3);
    }

    @Test
    void truncationAndCompactionTrimBothEnds() {
        RecentEntries cache = new RecentEntries(1 << 20);
        for (long i = 1; i <= 10; i++) {
            cache.add(entry(i, 4));
        }
        cache.truncateFrom(8);
        cache.dropBefore(3);
        assertThat(cache.firstIndex()).isEqualTo(3);
        assertThat(cache.get(7)).isNotNull();
        assertThat(cache.get(8)).isNull();
        cache.add(entry(8, 4));
        List<Entry> out = new ArrayList<>();
        cache.copy(3, 9, 2L * entry(1, 4).size(), out);
        assertThat(out).extracting(Entry::index).containsExactly(3L, 4L);
    }

    @Test
    void aNonContiguousAddRestartsTheRun() {
        RecentEntries cache = new RecentEntries(1 << 20);
        cache.add(entry(1, 4));
        cache.add(entry(5, 4));
        assertThat(cache.firstIndex()).isEqualTo(5);
    }
}

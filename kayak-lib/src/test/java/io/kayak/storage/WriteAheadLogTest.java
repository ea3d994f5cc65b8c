package io.kayak.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kayak.core.CompactedException;
import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.IndexedConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour specific to the segmented log, beyond the shared contract: segments, limits, reads from disk. */
class WriteAheadLogTest {
    private static final Path DATA = Path.of("/data");
    private static final int CAPACITY = 32 + 4 * (25 + 20); // four 20-byte entries per segment

    private final FaultyFileSystem fs = new FaultyFileSystem();
    private final StorageOptions options = StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run).withSegmentCapacity(CAPACITY)
            .withCacheBytes(0);
    private DataDirectory directory = DataDirectory.open(DATA, options);
    private WriteAheadLog log = directory.log();

    @AfterEach
    void close() {
        directory.close();
    }

    private static Entry entry(long index, long term) {
        byte[] payload = new byte[20];
        payload[0] = (byte) index;
        payload[19] = (byte) term;
        return Entry.normal(index, term, payload);
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(entry(i, term));
        }
        return list;
    }

    private void reopen() {
        directory.close();
        directory = DataDirectory.open(DATA, options);
        log = directory.log();
    }

    @Test
    void bytesAfterCountsTheRecordsBeyondAnIndexAcrossSegmentsAndCompaction() {
        int record = 25 + 20;
        assertThat(log.bytesAfter(0)).isZero();
        log.append(entries(1, 10, 1)); // segments [1..4] [5..8] [9..10]
        assertThat(log.bytesAfter(0)).isEqualTo(10L * record);
        assertThat(log.bytesAfter(3)).isEqualTo(7L * record);
        assertThat(log.bytesAfter(4)).isEqualTo(6L * record);
        assertThat(log.bytesAfter(10)).isZero();
        assertThat(log.bytesAfter(50)).isZero();
        log.compact(6);
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.bytesAfter(0)).isEqualTo(6L * record); // below the first index: everything held
        assertThat(log.bytesAfter(6)).isEqualTo(4L * record);
        log.append(List.of(entry(9, 2))); // a conflict truncates 9..10
        assertThat(log.bytesAfter(6)).isEqualTo(3L * record);
        reopen();
        assertThat(log.bytesAfter(6)).isEqualTo(3L * record);
    }

    @Test
    void oneBatchSpanningSeveralSegmentsIsSplitAtSegmentBoundaries() {
        log.append(entries(1, 10, 1));
        assertThat(log.segmentFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly(Segment.fileName(1), Segment.fileName(5), Segment.fileName(9));
        assertThat(log.entries(1, 11, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 10, 1));
        log.sync();
        reopen();
        assertThat(log.entries(3, 8, Long.MAX_VALUE)).containsExactlyElementsOf(entries(3, 7, 1));
    }

    @Test
    void readsWithoutACacheComeFromDiskAndRespectTheByteLimitAcrossSegments() {
        log.append(entries(1, 10, 1));
        int size = entry(1, 1).size();
        assertThat(log.entries(3, 11, 5L * size)).containsExactlyElementsOf(entries(3, 7, 1));
        assertThat(log.entries(4, 11, 0)).containsExactly(entry(4, 1));
    }

    @Test
    void anEntryLargerThanASegmentIsRefusedWithoutSideEffects() {
        log.append(entries(1, 2, 1));
        Entry huge = Entry.normal(3, 1, new byte[options.maxPayloadBytes() + 1]);
        assertThatThrownBy(() -> log.append(List.of(huge))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + options.maxPayloadBytes());
        Entry largest = Entry.normal(3, 1, new byte[options.maxPayloadBytes()]);
        log.append(List.of(largest));
        assertThat(log.entries(3, 4, 0)).containsExactly(largest);
        assertThat(log.failed()).isFalse();
    }

    @Test
    void appendsThatWouldLeaveAGapOrAreNotContiguousAreRefused() {
        log.append(entries(1, 2, 1));
        assertThatThrownBy(() -> log.append(entries(4, 4, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gap");
        assertThatThrownBy(() -> log.append(List.of(entry(3, 1), entry(5, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not contiguous");
        assertThat(log.lastIndex()).isEqualTo(2);
    }

    @Test
    void rewritingCompactedEntriesIsRefused() {
        log.append(entries(1, 10, 1));
        log.compact(8);
        assertThat(log.firstIndex()).isEqualTo(9);
        assertThatThrownBy(() -> log.append(entries(5, 6, 2))).isInstanceOf(CompactedException.class);
    }

    @Test
    void compactionDeletesWholeSegmentsOnlyAndNeverTheActiveOne() {
        log.append(entries(1, 10, 1));
        log.compact(6);
        assertThat(log.firstIndex()).isEqualTo(5); // segment [5..8] still holds 7 and 8
        assertThat(log.term(4)).isEqualTo(1);
        log.compact(100);
        assertThat(log.firstIndex()).isEqualTo(9);
        assertThat(log.segmentFiles()).hasSize(1);
        assertThat(log.lastIndex()).isEqualTo(10);
    }

    @Test
    void aConfigurationWhoseSegmentWasCompactedIsRememberedAcrossRestarts() {
        Configuration config = Configuration.ofVoters(Map.of("a", "a:1"));
        List<Entry> batch = new ArrayList<>(entries(1, 1, 1));
        batch.add(new Entry(2, 1, EntryKind.CONFIG, ConfigurationCodec.encode(config)));
        batch.addAll(entries(3, 10, 2));
        log.append(batch);
        log.sync();
        log.compact(9);
        assertThat(log.firstIndex()).isEqualTo(9);
        reopen();
        assertThat(log.configurationBefore(9)).isEqualTo(new IndexedConfiguration(2, config));
        assertThat(log.configurationBefore(11)).isEqualTo(new IndexedConfiguration(2, config));
        assertThat(log.term(8)).isEqualTo(2);
        // Which configuration was in force below index 2 is no longer known.
        assertThatThrownBy(() -> log.configurationBefore(2)).isInstanceOf(CompactedException.class);
    }

    @Test
    void truncatingBackIntoAnEarlierSegmentDeletesTheLaterOnes() {
        log.append(entries(1, 10, 1));
        log.append(entries(3, 3, 2));
        assertThat(log.segmentFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly(Segment.fileName(1));
        assertThat(fs.files()).noneMatch(p -> p.getFileName().toString().equals(Segment.fileName(5)));
        log.append(entries(4, 6, 2));
        log.sync();
        reopen();
        List<Entry> expected = new ArrayList<>(entries(1, 2, 1));
        expected.addAll(entries(3, 6, 2));
        assertThat(log.entries(1, 7, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
    }

    @Test
    void aCompactedSegmentIsReusedAndItsOldRecordsAreNeverReadAsNewOnes() {
        log.append(entries(1, 10, 1));
        log.sync();
        log.compact(4);
        Path recycled = DATA.resolve("log").resolve("recycled" + SegmentPreallocator.SUFFIX);
        assertThat(fs.files()).contains(recycled);
        assertThat(fs.files()).doesNotContain(DATA.resolve("log").resolve(Segment.fileName(1)));

        log.append(entries(11, 13, 2)); // 9..12 fill the active segment; 13 starts a new one in the reused file
        log.sync();
        assertThat(fs.files()).doesNotContain(recycled);
        byte[] reused = fs.content(DATA.resolve("log").resolve(Segment.fileName(13)));
        int afterFirstRecord = Segment.HEADER_SIZE + entry(13, 2).size() + 1;
        assertThat(reused).hasSize(CAPACITY);
        assertThat(java.util.Arrays.copyOfRange(reused, afterFirstRecord, CAPACITY)).as("old records remain")
                .isNotEqualTo(new byte[CAPACITY - afterFirstRecord]);

        fs.crash();
        reopen();
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.lastIndex()).isEqualTo(13);
        List<Entry> expected = new ArrayList<>(entries(5, 10, 1));
        expected.addAll(entries(11, 13, 2));
        assertThat(log.entries(5, 14, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
        log.append(entries(14, 16, 2));
        log.sync();
        fs.crash();
        reopen();
        assertThat(log.entries(13, 17, Long.MAX_VALUE)).containsExactlyElementsOf(entries(13, 16, 2));
    }

    @Test
    void aClosedLogRefusesUse() {
        log.close();
        assertThatThrownBy(() -> log.append(entries(1, 1, 1))).isInstanceOf(IllegalStateException.class);
    }
}

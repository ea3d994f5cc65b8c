package io.kayak.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link LogStore} contract as executable checks, shared by every implementation (the durable write-ahead log
 * and the simulator's disk), so that the two cannot drift apart.
 *
 * <p>An implementation's test extends this class and provides {@link #open()} and {@link #crashAndReopen}. A crash
 * must be the worst case the contract allows: everything not covered by a completed {@link LogStore#sync()} is lost.
 * Compaction is allowed to keep entries (a segmented log drops whole segments only); implementations whose
 * compaction granularity is coarse should make {@link #payloadSize()} large enough, relative to their unit, that
 * compacting {@link #COMPACTION_LOG_LENGTH} entries drops some.
 */
public abstract class LogStoreContract {
    /** How many entries the compaction tests write. */
    protected static final int COMPACTION_LOG_LENGTH = 60;

    private final List<LogStore> opened = new ArrayList<>();

    /** Opens a store over fresh, empty storage (the same storage for the whole test). */
    protected abstract LogStore open();

    /**
     * Simulates a crash of {@code store} that loses everything not yet synced, and returns the store reopened over
     * what survived. {@code store} must not be used afterwards.
     */
    protected abstract LogStore crashAndReopen(LogStore store);

    /** Releases whatever the store holds after a test; by default nothing. */
    protected void close(LogStore store) {
    }

    /** The payload size of the entries written by the compaction tests. */
    protected int payloadSize() {
        return 16;
    }

    private LogStore fresh() {
        LogStore store = open();
        opened.add(store);
        return store;
    }

    private LogStore crash(LogStore store) {
        opened.remove(store);
        LogStore reopened = crashAndReopen(store);
        opened.add(reopened);
        return reopened;
    }

    @AfterEach
    void closeStores() {
        for (LogStore store : opened) {
            close(store);
        }
        opened.clear();
    }

    // ------------------------------------------------------------------------------------------ fixtures

    protected static Entry normal(long index, long term) {
        return Entry.normal(index, term, ("entry " + index + "@" + term).getBytes(StandardCharsets.UTF_8));
    }

    protected static Entry sized(long index, long term, int payloadSize) {
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) (index * 31 + i);
        }
        return Entry.normal(index, term, payload);
    }

    protected static Configuration configuration(String... members) {
        Map<String, String> voters = new java.util.LinkedHashMap<>();
        for (String m : members) {
            voters.put(m, m + ".example:7000");
        }
        return Configuration.ofVoters(voters);
    }

    protected static Entry config(long index, long term, Configuration configuration) {
        return new Entry(index, term, EntryKind.CONFIG, ConfigurationCodec.encode(configuration));
    }

    /** Entries {@code [from, to]} of {@code term}. */
    protected static List<Entry> range(long from, long to, long term) {
        List<Entry> entries = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            entries.add(normal(i, term));
        }
        return entries;
    }

    private static List<Entry> all(LogStore store) {
        return store.entries(store.firstIndex(), store.lastIndex() + 1, Long.MAX_VALUE);
    }

    // ----------------------------------------------------------------------------------- basic reads/writes

    @Test
    void aNewStoreIsEmpty() {
        LogStore store = fresh();
        assertThat(store.firstIndex()).isEqualTo(1);
        assertThat(store.lastIndex()).isEqualTo(0);
        assertThat(store.term(0)).isZero();
        assertThat(store.entries(1, 1, Long.MAX_VALUE)).isEmpty();
        assertThat(store.hardState()).isEqualTo(HardState.INITIAL);
        assertThat(store.configurationBefore(1)).isNull();
    }

    @Test
    void appendedEntriesReadBackAtOnce() {
        LogStore store = fresh();
        List<Entry> written = new ArrayList<>(range(1, 3, 1));
        written.add(Entry.noop(4, 2));
        written.add(config(5, 2, configuration("a", "b")));
        store.append(written);

        assertThat(store.lastIndex()).isEqualTo(5);
        assertThat(store.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(written);
        assertThat(store.entries(2, 4, Long.MAX_VALUE)).containsExactlyElementsOf(written.subList(1, 3));
        assertThat(store.entries(3, 3, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void appendsInSeveralBatchesFormOneLog() {
        LogStore store = fresh();
        store.append(range(1, 2, 1));
        store.append(range(3, 3, 1));
        store.append(range(4, 7, 2));
        assertThat(all(store)).containsExactlyElementsOf(concat(range(1, 3, 1), range(4, 7, 2)));
    }

    @Test
    void termLookupsCoverIndexZeroAndEveryHeldIndex() {
        LogStore store = fresh();
        store.append(concat(range(1, 2, 1), range(3, 5, 3)));
        assertThat(store.term(0)).isZero();
        assertThat(store.term(store.firstIndex() - 1)).isZero();
        assertThat(store.term(1)).isEqualTo(1);
        assertThat(store.term(2)).isEqualTo(1);
        assertThat(store.term(3)).isEqualTo(3);
        assertThat(store.term(5)).isEqualTo(3);
        assertThatThrownBy(() -> store.term(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entriesStopBeforeExceedingMaxBytesButReturnAtLeastOne() {
        LogStore store = fresh();
        List<Entry> written = range(1, 10, 1);
        store.append(written);
        int one = written.get(0).size();

        assertThat(store.entries(1, 11, 0)).containsExactly(written.get(0));
        assertThat(store.entries(4, 11, 1)).containsExactly(written.get(3));
        List<Entry> limited = store.entries(1, 11, 3L * one + one / 2);
        assertThat(limited).containsExactlyElementsOf(written.subList(0, 3));
        long total = written.stream().mapToLong(Entry::size).sum();
        assertThat(store.entries(1, 11, total)).containsExactlyElementsOf(written);
        assertThat(store.entries(1, 11, total - 1)).containsExactlyElementsOf(written.subList(0, 9));
    }

    @Test
    void appendingAtAHeldIndexReplacesTheSuffix() {
        LogStore store = fresh();
        store.append(range(1, 5, 1));
        store.append(range(3, 4, 2));

        assertThat(store.lastIndex()).isEqualTo(4);
        assertThat(all(store)).containsExactlyElementsOf(concat(range(1, 2, 1), range(3, 4, 2)));
        assertThat(store.term(4)).isEqualTo(2);
        assertThatThrownBy(() -> store.term(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appendingRightAfterTheLastIndexKeepsEverything() {
        LogStore store = fresh();
        store.append(range(1, 3, 1));
        store.append(range(4, 4, 1));
        assertThat(store.lastIndex()).isEqualTo(4);
    }

    @Test
    void truncatingTheWholeLogLeavesItEmpty() {
        LogStore store = fresh();
        store.append(range(1, 3, 1));
        store.append(range(1, 1, 2));
        assertThat(all(store)).containsExactly(normal(1, 2));
    }

    @Test
    void hardStateRoundTripsAndSurvivesACrashOnceSynced() {
        LogStore store = fresh();
        HardState state = new HardState(7, "member-b", 0);
        store.saveHardState(state);
        assertThat(store.hardState()).isEqualTo(state);
        store.sync();

        LogStore reopened = crash(store);
        assertThat(reopened.hardState()).isEqualTo(state);

        HardState noVote = new HardState(8, null, 0);
        reopened.saveHardState(noVote);
        reopened.sync();
        assertThat(crash(reopened).hardState()).isEqualTo(noVote);
    }

    @Test
    void unsyncedHardStateIsEitherOldOrNewAfterACrash() {
        LogStore store = fresh();
        HardState synced = new HardState(2, "a", 0);
        store.saveHardState(synced);
        store.sync();
        HardState unsynced = new HardState(3, "b", 0);
        store.saveHardState(unsynced);
        assertThat(crash(store).hardState()).isIn(synced, unsynced);
    }

    // ------------------------------------------------------------------------------------------ durability

    @Test
    void syncedEntriesSurviveACrash() {
        LogStore store = fresh();
        List<Entry> written = concat(range(1, 4, 1), List.of(config(5, 2, configuration("a"))));
        store.append(written);
        store.sync();

        LogStore reopened = crash(store);
        assertThat(reopened.lastIndex()).isEqualTo(5);
        assertThat(all(reopened)).containsExactlyElementsOf(written);
        assertThat(reopened.term(5)).isEqualTo(2);
        assertThat(reopened.configurationBefore(6)).isEqualTo(new IndexedConfiguration(5, configuration("a")));
    }

    @Test
    void unsyncedEntriesMayBeLostButNeverReorderedOrHalfKept() {
        LogStore store = fresh();
        store.append(range(1, 3, 1));
        store.sync();
        List<Entry> unsynced = range(4, 9, 1);
        store.append(unsynced.subList(0, 2));
        store.append(unsynced.subList(2, 6));

        LogStore reopened = crash(store);
        assertThat(reopened.lastIndex()).isBetween(3L, 9L);
        List<Entry> survived = all(reopened);
        assertThat(survived).containsExactlyElementsOf(concat(range(1, 3, 1), unsynced).subList(0,
                survived.size()));
    }

    @Test
    void aStoreKeepsWorkingAfterACrash() {
        LogStore store = fresh();
        store.append(range(1, 3, 1));
        store.sync();
        store.append(range(4, 6, 1));
        LogStore reopened = crash(store);
        long last = reopened.lastIndex();
        reopened.append(range(last + 1, last + 2, 2));
        reopened.sync();
        LogStore again = crash(reopened);
        assertThat(again.lastIndex()).isEqualTo(last + 2);
        assertThat(again.term(last + 2)).isEqualTo(2);
    }

    @Test
    void aSyncedTruncationSurvivesACrash() {
        LogStore store = fresh();
        store.append(range(1, 5, 1));
        store.sync();
        store.append(range(3, 3, 2));
        store.sync();

        LogStore reopened = crash(store);
        assertThat(all(reopened)).containsExactlyElementsOf(concat(range(1, 2, 1), range(3, 3, 2)));
    }

    @Test
    void reappendingHeldEntriesNeverCostsASyncedEntry() {
        // A retransmitted AppendEntries carries entries the follower already holds and may have acknowledged: by
        // log matching, same index and term mean the same entry, so nothing may be removed (Raft §5.3).
        LogStore store = fresh();
        store.append(range(1, 5, 1));
        store.sync();
        store.append(range(2, 3, 1));
        assertThat(store.lastIndex()).isEqualTo(5);

        LogStore reopened = crash(store);
        assertThat(all(reopened)).containsExactlyElementsOf(range(1, 5, 1));
    }

    @Test
    void anUnsyncedTruncationKeepsEitherTheOldOrTheNewLogNeverAMix() {
        LogStore store = fresh();
        store.append(range(1, 5, 1));
        store.sync();
        store.append(range(3, 3, 2));

        List<Entry> survived = all(crash(store));
        List<Entry> newLog = concat(range(1, 2, 1), range(3, 3, 2));
        List<Entry> oldLog = range(1, 5, 1);
        boolean prefixOfNew = survived.equals(newLog.subList(0, Math.min(survived.size(), newLog.size())))
                && survived.size() <= newLog.size();
        boolean prefixOfOld = survived.size() >= 2 && survived.equals(oldLog.subList(0, survived.size()));
        assertThat(prefixOfNew || prefixOfOld).as("%s is a prefix of the old or the new log", survived).isTrue();
        assertThat(survived.size()).isGreaterThanOrEqualTo(2);
    }

    // -------------------------------------------------------------------------------------- configurations

    @Test
    void configurationBeforeIsTheNewestConfigEntryStrictlyBelowTheIndex() {
        LogStore store = fresh();
        Configuration first = configuration("a");
        Configuration second = configuration("a", "b");
        store.append(List.of(normal(1, 1), config(2, 1, first), normal(3, 1), config(4, 1, second),
                normal(5, 1)));

        assertThat(store.configurationBefore(1)).isNull();
        assertThat(store.configurationBefore(2)).isNull();
        assertThat(store.configurationBefore(3)).isEqualTo(new IndexedConfiguration(2, first));
        assertThat(store.configurationBefore(4)).isEqualTo(new IndexedConfiguration(2, first));
        assertThat(store.configurationBefore(5)).isEqualTo(new IndexedConfiguration(4, second));
        assertThat(store.configurationBefore(100)).isEqualTo(new IndexedConfiguration(4, second));
    }

    @Test
    void truncatedConfigEntriesNoLongerCount() {
        LogStore store = fresh();
        store.append(List.of(config(1, 1, configuration("a")), config(2, 1, configuration("a", "b"))));
        store.append(List.of(normal(2, 2)));
        assertThat(store.configurationBefore(3)).isEqualTo(new IndexedConfiguration(1, configuration("a")));
    }

    // ---------------------------------------------------------------------------------------- compaction

    /** Writes a log of {@link #COMPACTION_LOG_LENGTH} entries with configurations at 5 and 20 and terms 1..3. */
    private List<Entry> compactionLog(LogStore store) {
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= COMPACTION_LOG_LENGTH; i++) {
            long term = i <= 10 ? 1 : i <= 30 ? 2 : 3;
            if (i == 5) {
                written.add(config(i, term, configuration("a")));
            } else if (i == 20) {
                written.add(config(i, term, configuration("a", "b", "c")));
            } else {
                written.add(sized(i, term, payloadSize()));
            }
        }
        store.append(written);
        store.sync();
        return written;
    }

    private static void checkCompacted(LogStore store, List<Entry> written, long upTo) {
        long first = store.firstIndex();
        assertThat(first).isBetween(1L, upTo + 1);
        assertThat(store.lastIndex()).isEqualTo(written.size());
        assertThat(store.term(first - 1)).isEqualTo(first == 1 ? 0 : written.get((int) first - 2).term());
        assertThat(store.entries(first, store.lastIndex() + 1, Long.MAX_VALUE))
                .containsExactlyElementsOf(written.subList((int) first - 1, written.size()));
        assertThat(store.configurationBefore(COMPACTION_LOG_LENGTH + 1))
                .isEqualTo(new IndexedConfiguration(20, configuration("a", "b", "c")));
        assertThat(store.configurationBefore(first))
                .isEqualTo(first <= 5 ? null
                        : first <= 20 ? new IndexedConfiguration(5, configuration("a"))
                        : new IndexedConfiguration(20, configuration("a", "b", "c")));
        if (first > 1) {
            assertThatThrownBy(() -> store.entries(first - 1, first + 1, Long.MAX_VALUE))
                    .isInstanceOf(CompactedException.class);
        }
        if (first > 2) {
            assertThatThrownBy(() -> store.term(first - 2)).isInstanceOf(CompactedException.class);
        }
    }

    @Test
    void compactionKeepsTermBeforeFirstIndexAndConfigurations() {
        LogStore store = fresh();
        List<Entry> written = compactionLog(store);
        store.compact(25);
        checkCompacted(store, written, 25);
        store.compact(45);
        checkCompacted(store, written, 45);
        assertThat(store.firstIndex()).as("compacting 45 of %d entries dropped nothing; raise payloadSize() so the "
                + "compaction unit is exercised", COMPACTION_LOG_LENGTH).isGreaterThan(1);
    }

    @Test
    void compactionThroughAConfigEntryKeepsThatConfiguration() {
        LogStore store = fresh();
        List<Entry> written = compactionLog(store);
        store.compact(COMPACTION_LOG_LENGTH - 1);
        checkCompacted(store, written, COMPACTION_LOG_LENGTH - 1);
        assertThat(store.configurationBefore(COMPACTION_LOG_LENGTH))
                .isEqualTo(new IndexedConfiguration(20, configuration("a", "b", "c")));
    }

    @Test
    void compactionSurvivesACrash() {
        LogStore store = fresh();
        List<Entry> written = compactionLog(store);
        store.compact(40);
        LogStore reopened = crash(store);
        checkCompacted(reopened, written, 40);
    }

    @Test
    void appendingContinuesAfterCompaction() {
        LogStore store = fresh();
        List<Entry> written = new ArrayList<>(compactionLog(store));
        store.compact(COMPACTION_LOG_LENGTH);
        List<Entry> more = range(COMPACTION_LOG_LENGTH + 1, COMPACTION_LOG_LENGTH + 3, 4);
        store.append(more);
        store.sync();
        written.addAll(more);
        LogStore reopened = crash(store);
        long first = reopened.firstIndex();
        assertThat(reopened.entries(first, reopened.lastIndex() + 1, Long.MAX_VALUE))
                .containsExactlyElementsOf(written.subList((int) first - 1, written.size()));
    }

    @Test
    void compactingBelowTheFirstIndexChangesNothing() {
        LogStore store = fresh();
        List<Entry> written = compactionLog(store);
        store.compact(40);
        long first = store.firstIndex();
        store.compact(1);
        assertThat(store.firstIndex()).isEqualTo(first);
        checkCompacted(store, written, 40);
    }

    // ---------------------------------------------------------------------------------------- snapshot install

    private static void checkInstalled(LogStore store, long index, long term, Configuration config) {
        assertThat(store.firstIndex()).isEqualTo(index + 1);
        assertThat(store.lastIndex()).isEqualTo(index);
        assertThat(store.term(index)).isEqualTo(term);
        assertThat(store.configurationBefore(index + 1)).isEqualTo(new IndexedConfiguration(index, config));
        assertThatThrownBy(() -> store.term(index - 1)).isInstanceOf(CompactedException.class);
    }

    @Test
    void installingASnapshotBeyondTheLogReplacesItDurably() {
        LogStore store = fresh();
        compactionLog(store);
        long index = COMPACTION_LOG_LENGTH + 100;
        store.installSnapshot(index, 7, configuration("x", "y"));
        checkInstalled(store, index, 7, configuration("x", "y"));
        LogStore reopened = crash(store);
        checkInstalled(reopened, index, 7, configuration("x", "y"));
    }

    @Test
    void installingASnapshotInsideAConflictingLogDiscardsTheWholeLog() {
        LogStore store = fresh();
        compactionLog(store);
        store.compact(25);
        store.installSnapshot(30, 9, configuration("z"));
        checkInstalled(store, 30, 9, configuration("z"));
        List<Entry> next = range(31, 33, 9);
        store.append(next);
        store.sync();
        LogStore reopened = crash(store);
        assertThat(reopened.firstIndex()).isEqualTo(31);
        assertThat(reopened.entries(31, 34, Long.MAX_VALUE)).containsExactlyElementsOf(next);
        assertThat(reopened.configurationBefore(34)).isEqualTo(new IndexedConfiguration(30, configuration("z")));
    }

    @Test
    void writesBeforeAnInstallAreDurableWithIt() {
        LogStore store = fresh();
        store.append(range(1, 3, 1));
        store.saveHardState(new HardState(4, "b", 2));
        store.installSnapshot(10, 4, configuration("a"));
        LogStore reopened = crash(store);
        checkInstalled(reopened, 10, 4, configuration("a"));
        assertThat(reopened.hardState()).isEqualTo(new HardState(4, "b", 2));
    }

    @SafeVarargs
    protected static List<Entry> concat(List<Entry>... parts) {
        List<Entry> all = new ArrayList<>();
        for (List<Entry> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}

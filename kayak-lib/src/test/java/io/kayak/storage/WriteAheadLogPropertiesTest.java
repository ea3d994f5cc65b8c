package io.kayak.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.HardState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random histories of append (with conflicts), sync, compaction, hard-state saves, crashes (torn at a random byte,
 * with or without the un-fsynced directory changes) and clean reopens, checked step by step against
 * {@link LogModel} and, after every crash, against the {@link DurabilityOracle}.
 */
class WriteAheadLogPropertiesTest {
    private static final Path DATA = Path.of("/data");

    /** One step of a random history. */
    sealed interface Action permits Append, Sync, Compact, SaveHardState, Crash, Reopen {
    }

    /** Appends {@code count} entries starting {@code back} entries before the end (a conflict when back > 0). */
    record Append(int count, int back, boolean newTerm) implements Action {
    }

    record Sync() implements Action {
    }

    /** Compacts up to {@code back} entries before the last index. */
    record Compact(int back) implements Action {
    }

    record SaveHardState(int commitBack) implements Action {
    }

    /** Crashes keeping {@code percentKept}% of the unsynced bytes. */
    record Crash(int percentKept, boolean keepNames) implements Action {
    }

    record Reopen() implements Action {
    }

    @Provide
    Arbitrary<List<Action>> histories() {
        Arbitrary<Action> append = Combinators.combine(Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 4).edgeCases(c -> c.add(0)),
                Arbitraries.of(true, false)).as(Append::new);
        Arbitrary<Action> crash = Combinators.combine(Arbitraries.integers().between(0, 100),
                Arbitraries.of(true, false)).as(Crash::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, append),
                        net.jqwik.api.Tuple.of(4, Arbitraries.just(new Sync())),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 8).map(Compact::new)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 3).map(SaveHardState::new)),
                        net.jqwik.api.Tuple.of(2, crash),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())))
                .list().ofMinSize(5).ofMaxSize(40);
    }

    @Property(tries = 300, seed = "20261127")
    void randomHistoriesKeepTheLogConsistentWithTheModel(@ForAll("histories") @Size(max = 40) List<Action> history) {
        FaultyFileSystem fs = new FaultyFileSystem();
        StorageOptions options = StorageOptions.defaults().withFileLayer(fs).withPreallocationExecutor(Runnable::run).withSegmentCapacity(200)
                .withCacheBytes(120);
        DataDirectory directory = DataDirectory.open(DATA, options);
        LogModel model = new LogModel();
        DurabilityOracle oracle = new DurabilityOracle(model);
        long term = 1;
        long committed = 0;
        int step = 0;
        try {
            for (Action action : history) {
                step++;
                WriteAheadLog log = directory.log();
                if (action instanceof Append a) {
                    // Raft never asks to remove a committed entry: conflicts start above any commit index saved.
                    long start = Math.max(Math.max(log.firstIndex(), log.lastIndex() + 1 - a.back()),
                            committed + 1);
                    term += a.newTerm() ? 1 : 0;
                    List<Entry> batch = new ArrayList<>();
                    for (long i = start; i < start + a.count(); i++) {
                        batch.add(entry(i, term));
                    }
                    log.append(batch);
                    model.append(batch);
                    oracle.changed(model);
                } else if (action instanceof Sync) {
                    log.sync();
                    oracle.synced(model);
                } else if (action instanceof Compact c) {
                    log.compact(Math.max(0, log.lastIndex() - c.back()));
                } else if (action instanceof SaveHardState h) {
                    HardState state = new HardState(term, "m" + term, Math.max(0, model.lastIndex() - h.commitBack()));
                    log.saveHardState(state);
                    committed = Math.max(committed, state.commit());
                    model.hardState = state;
                    oracle.changed(model);
                } else if (action instanceof Crash c) {
                    long kept = fs.pendingBytes() * c.percentKept() / 100;
                    fs.crash(kept, c.keepNames());
                    directory = DataDirectory.open(DATA, options);
                    model = oracle.check(directory.log(), "step " + step + " " + action + " of " + history);
                    oracle = new DurabilityOracle(model);
                    committed = model.hardState.commit();
                } else if (action instanceof Reopen) {
                    directory.close();
                    directory = DataDirectory.open(DATA, options);
                    long last = model.lastIndex();
                    model = oracle.check(directory.log(), "step " + step + " " + action + " of " + history);
                    assertThat(model.lastIndex()).as("a clean reopen keeps every written entry").isEqualTo(last);
                    oracle.changed(model);
                }
                checkMatchesModel(directory.log(), model, "step " + step + " " + action + " of " + history);
            }
        } finally {
            directory.close();
        }
    }

    private static void checkMatchesModel(WriteAheadLog log, LogModel model, String context) {
        long first = log.firstIndex();
        long last = log.lastIndex();
        assertThat(last).as(context).isEqualTo(model.lastIndex());
        assertThat(first).as(context).isBetween(1L, last + 1);
        assertThat(log.entries(first, last + 1, Long.MAX_VALUE)).as(context)
                .containsExactlyElementsOf(model.entries.subList((int) first - 1, (int) last));
        assertThat(log.term(first - 1)).as(context).isEqualTo(model.termAt(first - 1));
        assertThat(log.configurationBefore(last + 1)).as(context).isEqualTo(model.configurationBefore(last + 1));
        assertThat(log.hardState()).as(context).isEqualTo(model.hardState);
    }

    private static final Configuration CONFIG = Configuration.ofVoters(Map.of("a", "a:1"));

    /** Entries of varied sizes; every seventh is a configuration so configurationBefore is exercised. */
    private static Entry entry(long index, long term) {
        if (index % 7 == 0) {
            Configuration c = Configuration.ofVoters(Map.of("a", "a:1", "m" + index, "m:" + index));
            return new Entry(index, term, EntryKind.CONFIG, ConfigurationCodec.encode(index % 14 == 0 ? CONFIG : c));
        }
        byte[] payload = new byte[(int) ((index * 13 + term) % 40)];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (index + term * 3 + i);
        }
        return Entry.normal(index, term, payload);
    }
}

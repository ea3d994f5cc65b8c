package io.kayak.storage;

import io.kayak.StorageFailedException;
import io.kayak.StorageException;
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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Crashes a scripted workload at every point the file layer allows and checks each recovery against the
 * {@link DurabilityOracle}: between operations with the unsynced tail torn at every byte offset (with and without
 * the un-fsynced directory changes), and inside operations by killing the process at every single file operation.
 * Segments are tiny (a few records) so the script rolls, truncates across and compacts segments.
 */
class CrashConsistencyTest {
    private static final Path DATA = Path.of("/data");
    private static final StorageOptions OPTIONS = StorageOptions.defaults().withSegmentCapacity(160)
            .withCacheBytes(100);

    /** One step of the workload: what it does to the store and to the model. */
    private record Step(String name, java.util.function.Consumer<WriteAheadLog> store,
                        java.util.function.Consumer<LogModel> model, boolean sync) {
    }

    private static Entry entry(long index, long term) {
        byte[] payload = new byte[10];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (index * 7 + term + i);
        }
        return Entry.normal(index, term, payload);
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(entry(i, term));
        }
        return list;
    }

    private static Step append(List<Entry> batch) {
        return new Step("append " + batch.get(0).index() + ".." + batch.get(batch.size() - 1).index() + "@"
                + batch.get(0).term(), log -> log.append(batch), model -> model.append(batch), false);
    }

    private static Step sync() {
        return new Step("sync", WriteAheadLog::sync, model -> { }, true);
    }

    private static Step hardState(HardState state) {
        return new Step("hard state " + state, log -> log.saveHardState(state), model -> model.hardState = state,
                false);
    }

    private static Step compact(long upTo) {
        return new Step("compact " + upTo, log -> log.compact(upTo), model -> { }, false);
    }

    private static final Configuration CONFIG = Configuration.ofVoters(Map.of("a", "a:1", "b", "b:1"));

    private static List<Step> script() {
        List<Entry> withConfig = new ArrayList<>(entries(11, 11, 3));
        withConfig.add(new Entry(12, 3, EntryKind.CONFIG, ConfigurationCodec.encode(CONFIG)));
        return List.of(
                append(entries(1, 3, 1)),
                sync(),
                append(entries(4, 5, 1)),
                hardState(new HardState(2, "a", 3)),
                append(entries(6, 8, 2)),
                sync(),
                append(entries(5, 6, 3)),     // conflict: truncates across a segment boundary
                append(entries(7, 10, 3)),
                sync(),
                compact(6),
                append(withConfig),
                hardState(new HardState(3, "b", 10)),
                sync(),
                append(entries(13, 14, 3)),
                append(entries(12, 12, 4)));  // unsynced truncation of a synced config entry
    }

    private static DataDirectory open(FaultyFileSystem fs) {
        return DataDirectory.open(DATA, OPTIONS.withFileLayer(fs).withPreallocationExecutor(Runnable::run));
    }

    @Test
    void everyTornTailBetweenOperationsRecoversToAnAllowedPrefix() {
        FaultyFileSystem fs = new FaultyFileSystem();
        DataDirectory directory = open(fs);
        LogModel model = new LogModel();
        DurabilityOracle oracle = new DurabilityOracle(model);
        int recoveries = 0;
        for (Step step : script()) {
            step.store().accept(directory.log());
            step.model().accept(model);
            if (step.sync()) {
                oracle.synced(model);
            } else {
                oracle.changed(model);
            }
            long pending = fs.pendingBytes();
            for (long kept = 0; kept <= pending; kept++) {
                for (boolean keepNames : new boolean[] {false, true}) {
                    recoverAndCheck(fs.copy(), kept, keepNames, oracle,
                            "after " + step.name() + ", keeping " + kept + "/" + pending + " bytes, names "
                                    + keepNames);
                    recoveries++;
                }
            }
        }
        assertThat(recoveries).isGreaterThan(1000);
    }

    @Test
    void aProcessDeathAtEveryFileOperationRecoversToAnAllowedPrefix() {
        long total = countMutations();
        Random random = new Random(42);
        for (long death = 1; death <= total; death++) {
            FaultyFileSystem fs = new FaultyFileSystem();
            fs.dieAfter(death);
            LogModel model = new LogModel();
            DurabilityOracle oracle = new DurabilityOracle(model);
            String context = "death at file operation " + death + "/" + total;
            try (DataDirectory directory = open(fs)) {
                for (Step step : script()) {
                    context = "death at file operation " + death + " during " + step.name();
                    LogModel target = model.copy();
                    step.model().accept(target);
                    try {
                        step.store().accept(directory.log());
                    } catch (StorageFailedException e) {
                        oracle.changed(target); // the interrupted step may have taken effect in part or whole
                        break;
                    }
                    model = target;
                    if (step.sync()) {
                        oracle.synced(model);
                    } else {
                        oracle.changed(model);
                    }
                }
            } catch (StorageException e) {
                // The death came while opening: nothing was written yet.
            }
            long pending = fs.pendingBytes();
            long[] keeps = {0, pending, pending / 2, random.nextInt((int) pending + 1)};
            for (long kept : keeps) {
                for (boolean keepNames : new boolean[] {false, true}) {
                    recoverAndCheck(fs.copy(), kept, keepNames, oracle, context + ", keeping " + kept + "/"
                            + pending + " bytes, names " + keepNames);
                }
            }
        }
    }

    private static long countMutations() {
        FaultyFileSystem fs = new FaultyFileSystem();
        try (DataDirectory directory = open(fs)) {
            for (Step step : script()) {
                step.store().accept(directory.log());
            }
        }
        return fs.mutations();
    }

    /** Crashes {@code fs}, reopens, checks against the oracle, and checks the recovered log takes new writes. */
    private static void recoverAndCheck(FaultyFileSystem fs, long kept, boolean keepNames, DurabilityOracle oracle,
                                        String context) {
        fs.crash(kept, keepNames);
        LogModel recovered;
        long last;
        try (DataDirectory directory = open(fs)) {
            recovered = oracle.check(directory.log(), context);
            last = directory.log().lastIndex();
            directory.log().append(List.of(entry(last + 1, 9)));
            directory.log().sync();
        }
        fs.crash();
        try (DataDirectory directory = open(fs)) {
            assertThat(directory.log().lastIndex()).as(context + ": a write after recovery").isEqualTo(last + 1);
            assertThat(directory.log().entries(last + 1, last + 2, Long.MAX_VALUE)).as(context)
                    .containsExactly(entry(last + 1, 9));
            if (last > 0 && last >= directory.log().firstIndex()) {
                assertThat(directory.log().term(last)).isEqualTo(recovered.termAt(last));
            }
        }
    }
}

package io.kayak.core.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zone check agrees with the exhaustive search on every small history of reads and unique writes: it accepts
 * exactly the linearizable ones. Times are drawn from a narrow range so that many operations touch at one instant,
 * where an off-by-one in the zone comparisons would show; some writes are unknown (read or not), which also checks
 * that dropping the unread ones ({@link KeyPartitioner}) loses nothing.
 */
class ZoneCheckTest {
    private static final String KEY = "k";

    @Test
    void acceptsExactlyWhatTheSearchProvesLinearizable() {
        Random random = new Random(20261202);
        int linearizable = 0;
        int histories = 30_000;
        for (int i = 0; i < histories; i++) {
            History history = randomHistory(random);
            boolean searched = exhaustiveSearch(history) == Verdict.LINEARIZABLE;
            Result checked = LinearizabilityChecker.check(history);
            boolean zoned = zoneAccepts(history);
            assertThat(zoned).as("zone check vs search on%n%s", history.operations()).isEqualTo(searched);
            assertThat(checked.isLinearizable()).as("checker vs search on%n%s", history.operations())
                    .isEqualTo(searched);
            linearizable += searched ? 1 : 0;
        }
        // Both answers must be common, or the comparison proves little.
        assertThat(linearizable).isBetween(histories / 10, histories * 9 / 10);
    }

    @Test
    void aKeyWithACompareAndSetIsLeftToTheSearch() {
        History history = History.of(List.of(
                Operation.ok(0, Command.write(KEY, "a"), 0, 1, Response.written()),
                Operation.ok(1, Command.cas(KEY, "a", "b"), 2, 3, Response.cas(true))));
        assertThat(zoneAccepts(history)).isFalse();
        assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
    }

    @Test
    void aRepeatedWriteValueIsLeftToTheSearch() {
        History history = History.of(List.of(
                Operation.ok(0, Command.write(KEY, "a"), 0, 1, Response.written()),
                Operation.ok(1, Command.write(KEY, "a"), 2, 3, Response.written()),
                Operation.ok(2, Command.read(KEY), 4, 5, Response.read("a"))));
        assertThat(zoneAccepts(history)).isFalse();
        assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
    }

    /** Up to eight operations on one key: writes of unique values (some unknown), reads of any written value. */
    private static History randomHistory(Random random) {
        int count = 1 + random.nextInt(8);
        List<Operation> ops = new ArrayList<>();
        int writes = 0;
        for (int p = 0; p < count; p++) {
            long invoke = random.nextInt(12);
            long complete = invoke + random.nextInt(5);
            if (random.nextInt(5) < 2) {
                String value = "v" + writes++;
                ops.add(random.nextInt(6) == 0
                        ? Operation.unknown(p, Command.write(KEY, value), invoke, complete)
                        : Operation.ok(p, Command.write(KEY, value), invoke, complete, Response.written()));
            } else {
                int seen = random.nextInt(4);
                String value = seen == 0 ? null : "v" + random.nextInt(Math.max(1, writes + 1));
                ops.add(Operation.ok(p, Command.read(KEY), invoke, complete, Response.read(value)));
            }
        }
        // A read may name a value whose write comes later in the list (or never): keep it, that is a case too.
        return History.of(ops);
    }

    /** The search over every operation that is not failed or an unknown read, with nothing dropped. */
    private static Verdict exhaustiveSearch(History history) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < history.size(); id++) {
            Operation op = history.operation(id);
            if (op.outcome() == Outcome.OK || op.command().kind() != Command.Kind.READ) {
                ids.add(id);
            }
        }
        return new LinearizationSearch(history, new KeyPartitioner.Partition(KEY, ids), 10_000_000L).run().verdict();
    }

    private static boolean zoneAccepts(History history) {
        KeyPartitioner.Partition partition = KeyPartitioner.split(history).get(0);
        return ZoneCheck.accepts(partition.ids().stream().map(history::operation).toArray(Operation[]::new));
    }
}

package io.kayak.core.check;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Histories of a store that is linearizable by construction ({@link RegisterStoreSimulation}) are always accepted,
 * and corrupting a single read to a value nobody wrote is always caught: no false alarms, no missed bug of that kind.
 */
class LinearizabilityPropertiesTest {

    @Property(tries = 300)
    void historiesOfALinearizableStoreAreAccepted(@ForAll long seed,
                                                   @ForAll @IntRange(min = 1, max = 8) int clients,
                                                   @ForAll @IntRange(min = 1, max = 3) int keys,
                                                   @ForAll @IntRange(min = 0, max = 120) int operations) {
        History history = new RegisterStoreSimulation(seed, clients, keys, operations, 0.05, 0.05).run();
        Result result = LinearizabilityChecker.check(history);
        assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Property(tries = 300)
    void aReadOfAValueNeverWrittenIsRejected(@ForAll long seed,
                                              @ForAll @IntRange(min = 1, max = 8) int clients,
                                              @ForAll @IntRange(min = 1, max = 3) int keys,
                                              @ForAll @IntRange(min = 0, max = 120) int operations) {
        History history = new RegisterStoreSimulation(seed, clients, keys, operations, 0.05, 0.05).run();
        List<Operation> corrupted = new ArrayList<>(history.operations());
        List<Integer> reads = new ArrayList<>();
        for (int id = 0; id < corrupted.size(); id++) {
            Operation op = corrupted.get(id);
            if (op.outcome() == Outcome.OK && op.command().kind() == Command.Kind.READ) {
                reads.add(id);
            }
        }
        // The simulation ends with a read of every key, so there is always one to corrupt.
        int victim = reads.get(new Random(seed).nextInt(reads.size()));
        corrupted.set(victim, corrupted.get(victim).withResponse(Response.read("never written")));

        Result result = LinearizabilityChecker.check(History.of(corrupted));
        assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.brokenKeys()).containsExactly(corrupted.get(victim).key());
    }
}

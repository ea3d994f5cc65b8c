package io.kayak.core.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chaos-run-sized history decides well within a modest budget. The bound is on search steps, not wall-clock time,
 * so a slow build machine cannot make it flaky; the time is printed for the record.
 */
class CheckerPerformanceTest {
    /** Far below the default budget: about 200 steps per operation. */
    private static final long BUDGET_PER_KEY = 200_000;

    private static History chaosSizedHistory() {
        return new RegisterStoreSimulation(42, 10, 5, 5_000, 0.01, 0.01).run();
    }

    @Test
    void fiveThousandOperationsOverFiveKeysWithTenClientsAreDecided() {
        History history = chaosSizedHistory();
        long start = System.nanoTime();
        Result result = LinearizabilityChecker.check(history, BUDGET_PER_KEY);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("checked %,d operations in %d ms, %,d search steps%n", history.size(), millis,
                result.steps());
        assertThat(result.gaveUp()).as(result.describe()).isFalse();
        assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aCorruptedReadInTheLargeHistoryIsFoundWithinTheBudget() {
        History history = chaosSizedHistory();
        List<Operation> corrupted = new ArrayList<>(history.operations());
        int victim = -1;
        for (int id = corrupted.size() / 2; victim < 0; id++) {
            Operation op = corrupted.get(id);
            if (op.outcome() == Outcome.OK && op.command().kind() == Command.Kind.READ) {
                victim = id;
            }
        }
        corrupted.set(victim, corrupted.get(victim).withResponse(Response.read("never written")));
        long start = System.nanoTime();
        Result result = LinearizabilityChecker.check(History.of(corrupted), BUDGET_PER_KEY);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("rejected a corrupted %,d-operation history in %d ms, %,d search steps%n",
                corrupted.size(), millis, result.steps());
        assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.counterexample()).get().extracting(Counterexample::stuck).isEqualTo(victim);
    }
}

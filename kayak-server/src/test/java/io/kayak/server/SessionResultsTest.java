package io.kayak.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The remembered results of session writes: their bounds, and their snapshot events. */
class SessionResultsTest {
    private static Outcome written(long index) {
        return new Outcome(index, Outcome.Status.WRITTEN, 0);
    }

    @Test
    void aWriteForgetsItsSessionsResultsBelowTheFirstUnansweredItReports() {
        SessionResults results = new SessionResults();
        results.record(new SessionSequence(1, 1, 1), written(10));
        results.record(new SessionSequence(1, 2, 1), written(11));
        results.record(new SessionSequence(2, 1, 1), written(12));
        results.record(new SessionSequence(1, 3, 2), written(13)); // the client has its answer to 1

        assertThat(results.find(1, 1)).isEmpty();
        assertThat(results.find(1, 2)).contains(written(11));
        assertThat(results.find(1, 3)).contains(written(13));
        assertThat(results.find(2, 1)).as("another session's results stay").contains(written(12));
        assertThat(results.size()).isEqualTo(3);
    }

    @Test
    void beyondTheCapTheOldestResultByLogIndexIsForgotten() {
        SessionResults results = new SessionResults(3);
        results.record(new SessionSequence(1, 1, 1), written(10));
        results.record(new SessionSequence(2, 1, 1), written(11));
        results.record(new SessionSequence(1, 2, 1), written(12));
        results.record(new SessionSequence(3, 1, 1), written(13));

        assertThat(results.size()).isEqualTo(3);
        assertThat(results.find(1, 1)).isEmpty();
        assertThat(results.find(2, 1)).contains(written(11));
        assertThat(results.find(1, 2)).contains(written(12));
        assertThat(results.find(3, 1)).contains(written(13));
    }

    @Test
    void theSnapshotEventsRestoreTheSameResultsInTheSameOrder() {
        SessionResults results = new SessionResults(3);
        results.record(new SessionSequence(5, 1, 1), new Outcome(20, Outcome.Status.NOT_SWAPPED, 0));
        results.record(new SessionSequence(4, 7, 7), new Outcome(21, Outcome.Status.INCREMENTED, 3));
        results.record(new SessionSequence(5, 2, 1), new Outcome(22, Outcome.Status.ABSENT, 0));
        List<Command.Remembered> events = results.events();
        assertThat(events).extracting(e -> e.outcome().index()).containsExactly(20L, 21L, 22L);

        SessionResults restored = new SessionResults(3);
        events.forEach(e -> restored.restore((Command.Remembered) Command.decode(e.encode())));
        assertThat(restored.events()).isEqualTo(events);
        // The restored copy evicts exactly what the original would: the order came along.
        results.record(new SessionSequence(6, 1, 1), written(23));
        restored.record(new SessionSequence(6, 1, 1), written(23));
        assertThat(restored.events()).isEqualTo(results.events());
        assertThat(restored.find(5, 1)).isEmpty();
    }
}

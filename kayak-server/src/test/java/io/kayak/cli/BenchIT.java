package io.kayak.cli;

import io.kayak.server.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kayak bench} end to end, kept short for CI: the result line must parse and show work without errors.
 * Timing is not asserted (the CI machine's speed is not ours to judge).
 */
class BenchIT {
    @Test
    void w1RunsAClosedLoopOnTheLeaderAndEveryReplicaAppliesTheSameWrites() throws Exception {
        Map<String, Object> result = resultOf(Processes.run(
                Processes.kayak("bench", "w1", "--clients", "16", "--seconds", "2", "--warmup", "1", "--heap", "256m"),
                180));
        assertThat(result).containsEntry("peer", "kayak").containsEntry("workload", "w1")
                .containsEntry("sessions", false);
        assertThat(((Number) result.get("errors")).longValue()).isZero();
        assertThat(((Number) result.get("ops")).longValue()).isPositive();
        List<?> applied = (List<?>) result.get("applied_per_replica_total");
        assertThat(applied).hasSize(3).doesNotContainNull();
        assertThat(applied.stream().distinct()).hasSize(1);
        assertThat((String) settingsOf(result).get("completion")).startsWith("HostOptions.completion EVENT_LOOP");
    }

    @Test
    void w1CanCompleteFuturesOnTheHostsDispatchThreadInstead() throws Exception {
        Map<String, Object> result = resultOf(Processes.run(Processes.kayak("bench", "w1", "--completion", "dispatch",
                "--seconds", "1", "--warmup", "1", "--heap", "256m"), 180));
        assertThat(((Number) result.get("errors")).longValue()).isZero();
        assertThat(((Number) result.get("ops")).longValue()).isPositive();
        assertThat((String) settingsOf(result).get("completion")).startsWith("HostOptions.completion DISPATCH_THREAD");
    }

    @Test
    void w1CanAppendThroughOneSessionPerClient() throws Exception {
        Map<String, Object> result = resultOf(Processes.run(Processes.kayak("bench", "w1", "--sessions",
                "--clients", "4", "--seconds", "1", "--warmup", "1", "--heap", "256m"), 180));
        assertThat(result).containsEntry("sessions", true);
        assertThat(((Number) result.get("errors")).longValue()).isZero();
        assertThat(((Number) result.get("ops")).longValue()).isPositive();
        List<?> applied = (List<?>) result.get("applied_per_replica_total");
        assertThat(applied).hasSize(3).doesNotContainNull();
        assertThat(applied.stream().distinct()).hasSize(1);
        assertThat((String) settingsOf(result).get("write_path")).startsWith("Session.append");
    }

    @Test
    void anUnknownCompletionIsRefusedBeforeAnythingStarts() throws Exception {
        Processes.Result run = Processes.run(Processes.kayak("bench", "w1", "--completion", "raft-thread"), 60);
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("'raft-thread' is not event-loop or dispatch");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> settingsOf(Map<String, Object> result) {
        return (Map<String, Object>) result.get("settings");
    }

    @Test
    void w2MeasuresAFailoverAfterKillingTheLeader() throws Exception {
        Map<String, Object> result = resultOf(Processes.run(
                Processes.kayak("bench", "w2", "--repeat", "1", "--warmup", "1", "--heap", "256m"), 240));
        assertThat(result).containsEntry("workload", "w2");
        List<?> failover = (List<?>) result.get("failover_ms");
        assertThat(failover).hasSize(1);
        assertThat(((Number) failover.get(0)).doubleValue()).isPositive();
        assertThat(result.get("new_leader")).isNotEqualTo(result.get("killed_leader"));
    }

    /** The JSON line among the progress lines (stdout and stderr are merged). */
    private static Map<String, Object> resultOf(Processes.Result run) {
        assertThat(run.exitCode()).as(run.output()).isZero();
        String line = run.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        assertThat(line).as(run.output()).isNotNull();
        return Json.parseObject(line);
    }
}

package io.kayak.chaos;

import io.kayak.core.check.Result;
import io.kayak.core.check.Verdict;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one chaos run did and found.
 *
 * @param name        the fault mix
 * @param seed        the schedule's seed
 * @param duration    wall time of the whole run (start, faults, convergence, check)
 * @param operations  operations in the history, final reads included
 * @param ok          operations with a definite answer
 * @param failed      operations that definitely did not take effect
 * @param unknown     operations that may or may not have taken effect
 * @param faults      faults injected, by kind
 * @param probes      stale-read probe reads sent to deposed leaders (part of {@code operations})
 * @param result      the linearizability checker's result
 * @param divergence  keys whose value differs between members after healing (empty when converged)
 * @param problems    harness-level problems (a fault that could not be applied, no convergence)
 * @param snapshots   compactions done and snapshots installed from a leader, by all members (from their logs)
 * @param sessions    what sessions mode did and found, or {@code null} in the plain mode
 * @param kept        where the history of a failed run was kept, else {@code null}
 */
record RunReport(String name, long seed, Duration duration, int operations, int ok, int failed, int unknown,
                 Map<Fault, Integer> faults, int probes, Result result, List<String> divergence, List<String> problems,
                 Snapshots snapshots, Sessions sessions, Path kept) {

    /** Compactions and snapshot installations seen in the members' logs. */
    record Snapshots(long compactions, long installs) {
    }

    /**
     * Sessions mode.
     *
     * @param opened   sessions the clients opened
     * @param retries  copies of writes sent again (and session openings retried)
     * @param counters the exactly-once check of the increments
     */
    record Sessions(int opened, int retries, CounterCheck.Result counters) {
    }

    /** The same report, kept in {@code where}. */
    RunReport keptIn(Path where) {
        return new RunReport(name, seed, duration, operations, ok, failed, unknown, faults, probes, result,
                divergence, problems, snapshots, sessions, where);
    }

    boolean passed() {
        return result.verdict() == Verdict.LINEARIZABLE && divergence.isEmpty() && problems.isEmpty()
                && (sessions == null || sessions.counters().passed());
    }

    int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    String summary() {
        StringBuilder out = new StringBuilder();
        out.append("chaos run ").append(name).append(" seed=").append(seed).append(" in ")
                .append(duration.toSeconds()).append("s: ").append(operations).append(" operations (ok ").append(ok)
                .append(", fail ").append(failed).append(", unknown ").append(unknown).append("), ")
                .append(faultCount()).append(" faults ").append(faults).append(", ").append(probes)
                .append(" stale-read probes, ").append(snapshots.compactions()).append(" compactions, ")
                .append(snapshots.installs()).append(" snapshots installed, verdict ")
                .append(result.verdict()).append(divergence.isEmpty() ? ", converged" : ", DIVERGED " + divergence);
        if (sessions != null) {
            out.append("\n  sessions: ").append(sessions.opened()).append(" opened, ").append(sessions.retries())
                    .append(" copies sent again; ").append(sessions.counters().summary());
            sessions.counters().problems().forEach(p -> out.append("\n    COUNTER ").append(p));
        }
        if (!problems.isEmpty()) {
            out.append("\n  problems:");
            problems.forEach(p -> out.append("\n    ").append(p));
        }
        if (!result.isLinearizable()) {
            out.append('\n').append(result.describe());
        }
        if (kept != null) {
            out.append("\n  history kept in ").append(kept);
        }
        return out.toString();
    }
}

package io.kayak.core.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a range of seeds and adds up what they did and checked. The first failing seed stops the run, unless
 * {@code -Dkayak.sim.keepGoing=true} (for long runs): then every failure is listed, by seed and property.
 */
public final class SimulationReport {
    private int runs;
    private final Map<Integer, Integer> runsBySize = new TreeMap<>();
    private long events;
    private long messages;
    private long dropped;
    private long checks;
    private long proposals;
    private long proposalsCommitted;
    private long readsReleased;
    private long readsFailed;
    private final Map<String, Integer> faults = new TreeMap<>();
    private long maxConvergence;
    private long totalConvergence;
    private long maxConvergenceSeed;
    private long wallMillis;
    private final java.util.List<String> failures = new java.util.ArrayList<>();
    private final Map<Coverage.Branch, Long> coverage = new java.util.EnumMap<>(Coverage.Branch.class);
    private long maxEvents;
    private long maxEventsSeed;
    private long maxEndMillis;
    private long maxEndSeed;
    private long historyOperations;
    private int linearizableRuns;
    private int sessionRuns;
    private long sessionClients;
    private long sessionAppends;
    private long sessionAttempts;
    private long sessionRetries;
    private long sessionRedirected;
    private long sessionDuplicates;
    private long sessionAcknowledged;
    private long sessionExpired;
    private long sessionAbandoned;
    private long sessionOpens;
    private long sessionKeepAlives;
    private long sessionCloses;

    /** Runs the seeds the system properties ask for (see {@link SimulationTest}). */
    public static SimulationReport runConfigured() {
        String single = System.getProperty("kayak.sim.seed");
        if (single != null && !single.isBlank()) {
            return run(Long.parseLong(single.trim()), 1);
        }
        int count = Integer.getInteger("kayak.sim.seeds", 200);
        return run(configuredBase(), count);
    }

    /** The first seed of a configured range ({@code -Dkayak.sim.base}, default 1). */
    static long configuredBase() {
        String single = System.getProperty("kayak.sim.seed");
        if (single != null && !single.isBlank()) {
            return Long.parseLong(single.trim());
        }
        return Long.getLong("kayak.sim.base", 1L);
    }

    public static SimulationReport run(long firstSeed, int count) {
        SimulationReport report = new SimulationReport();
        long start = System.nanoTime();
        SeedBudget budget = SeedBudget.configured();
        boolean keepGoing = Boolean.getBoolean("kayak.sim.keepGoing");
        for (long seed = firstSeed; seed < firstSeed + count; seed++) {
            try {
                report.add(SeedWatchdog.run(seed, budget));
            } catch (SimulationFailure f) {
                if (!keepGoing) {
                    throw f;
                }
                String message = String.valueOf(f.getMessage());
                int cut = message.indexOf('\n');
                report.failures.add("seed " + seed + ": " + (cut < 0 ? message : message.substring(0, cut)));
            }
        }
        report.wallMillis = (System.nanoTime() - start) / 1_000_000;
        return report;
    }

    private void add(Simulation.Result r) {
        runs++;
        historyOperations += r.historyOperations();
        linearizableRuns += r.linearizable() ? 1 : 0;
        runsBySize.merge(r.size(), 1, Integer::sum);
        events += r.events();
        messages += r.messages();
        dropped += r.dropped();
        checks += r.checks();
        proposals += r.proposals();
        proposalsCommitted += r.proposalsCommitted();
        readsReleased += r.readsReleased();
        readsFailed += r.readsFailed();
        r.faults().forEach((k, v) -> faults.merge(k, v, Integer::sum));
        r.coverage().forEach((k, v) -> coverage.merge(k, v, Long::sum));
        SessionClients.Stats st = r.sessions();
        if (st.clients() > 0) {
            sessionRuns++;
            sessionClients += st.clients();
            sessionAppends += st.appends();
            sessionAttempts += st.attempts();
            sessionRetries += st.retries();
            sessionRedirected += st.redirected();
            sessionDuplicates += st.duplicatesSkipped();
            sessionAcknowledged += st.acknowledged();
            sessionExpired += st.expired();
            sessionAbandoned += st.abandoned();
            sessionOpens += st.opens();
            sessionKeepAlives += st.keepAlives();
            sessionCloses += st.closes();
        }
        totalConvergence += r.convergenceMillis();
        if (r.events() > maxEvents) {
            maxEvents = r.events();
            maxEventsSeed = r.seed();
        }
        if (r.endMillis() > maxEndMillis) {
            maxEndMillis = r.endMillis();
            maxEndSeed = r.seed();
        }
        if (r.convergenceMillis() > maxConvergence) {
            maxConvergence = r.convergenceMillis();
            maxConvergenceSeed = r.seed();
        }
    }

    /** The failed seeds of a keep-going run, each with its property. */
    public java.util.List<String> failures() {
        return java.util.List.copyOf(failures);
    }

    public int runs() {
        return runs;
    }

    public long proposalsCommitted() {
        return proposalsCommitted;
    }

    public long readsReleased() {
        return readsReleased;
    }

    /** How often each guarded branch of the core was reached, over all runs (see {@link Coverage}). */
    Map<Coverage.Branch, Long> coverage() {
        return new java.util.EnumMap<>(coverage);
    }

    /** Sessions: seeds run with them, appends acknowledged, attempts retried, duplicates skipped. */
    public int sessionRuns() {
        return sessionRuns;
    }

    public long sessionAcknowledged() {
        return sessionAcknowledged;
    }

    public long sessionRetries() {
        return sessionRetries;
    }

    public long sessionDuplicates() {
        return sessionDuplicates;
    }

    /** The summary, followed by the branch coverage when {@code -Dkayak.sim.coverage=true}. */
    public String summary() {
        String summary = basicSummary() + sessionSummary();
        if (!failures.isEmpty()) {
            summary += String.format("%n  %d seeds FAILED:%n    %s", failures.size(), String.join("\n    ", failures));
        }
        return Boolean.getBoolean("kayak.sim.coverage") ? summary + "\n" + coverageTable() : summary;
    }

    String coverageTable() {
        StringBuilder out = new StringBuilder("  core branches reached with the guard deciding:");
        for (Coverage.Branch b : Coverage.Branch.values()) {
            out.append(String.format("%n  %,12d  %s", coverage.getOrDefault(b, 0L), b.description));
        }
        return out.toString();
    }

    private String sessionSummary() {
        if (sessionRuns == 0) {
            return "";
        }
        return String.format("%n  sessions: %d seeds with %,d clients: %,d appends in %,d attempts that entered a"
                        + " leader's log (%,d of them retries after an unknown outcome; %,d more refused at once by"
                        + " non-leaders), %,d acknowledged, each applied exactly once where its client was told; %,d duplicates"
                        + " skipped; %,d sessions expired by log time (%,d unanswered appends given up),"
                        + " %,d opens, %,d keep-alives, %,d closes; checked: exactly-once, acknowledged once,"
                        + " session tables agree (after every apply and in every snapshot)",
                sessionRuns, sessionClients, sessionAppends, sessionAttempts, sessionRetries, sessionRedirected,
                sessionAcknowledged,
                sessionDuplicates, sessionExpired, sessionAbandoned, sessionOpens, sessionKeepAlives, sessionCloses);
    }

    private String basicSummary() {
        return String.format("simulated %d seeds (members: %s) in %.1f s: %,d events, %,d messages (%,d dropped),"
                        + " %,d invariant checks passed%n"
                        + "  workload: %,d proposals (%,d committed), %,d linearizable reads released, %,d refused%n"
                        + "  faults injected: %s%n"
                        + "  checked after every step: election safety, election quorum (both halves of a joint"
                        + " configuration), log matching, leader completeness,"
                        + " state-machine safety, monotonic commit, apply only durable quorum-committed entries,"
                        + " promises (votes, acknowledgements) durable before they leave,"
                        + " no stale read%n"
                        + "  linearizability: %,d client operations checked; %d runs proven linearizable, %d undecided"
                        + " within the search budget, none refuted%n"
                        + "  liveness: within the budgets of events and time; after healing, every run elected a"
                        + " leader, converged, and (with pre-vote and check-quorum) stayed undisturbed in a quiet"
                        + " stretch; convergence mean %d ms,"
                        + " max %d ms (seed %d) of simulated time%n"
                        + "  per seed: at most %,d events (seed %d), at most %,d ms of simulated time (seed %d)",
                runs, runsBySize, wallMillis / 1000.0, events, messages, dropped, checks, proposals,
                proposalsCommitted, readsReleased, readsFailed, faults, historyOperations, linearizableRuns,
                runs - linearizableRuns, runs == 0 ? 0 : totalConvergence / runs,
                maxConvergence, maxConvergenceSeed, maxEvents, maxEventsSeed, maxEndMillis, maxEndSeed);
    }
}

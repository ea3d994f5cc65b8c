package io.kayak.core.sim;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the deterministic simulator over many seeds. {@code -Dkayak.sim.seeds=N} sets how many (the build's default
 * is in the root pom), {@code -Dkayak.sim.seed=S} runs exactly one, {@code -Dkayak.sim.base=B} moves the range.
 */
class SimulationTest {
    /** The build's seed set (root pom); the coverage promise below is made for it, or any larger one. */
    private static final int CI_SEEDS = 1200;

    /** One run of the configured seeds, shared by the tests that look at it (it is the expensive part). */
    private static SimulationReport report;
    /** A failing run fails every test that looks at it, without running the seeds again. */
    private static SimulationFailure failure;

    private static synchronized SimulationReport report() {
        if (failure != null) {
            throw failure;
        }
        if (report == null) {
            try {
                report = SimulationReport.runConfigured();
            } catch (SimulationFailure f) {
                failure = f;
                throw f;
            }
            System.out.println(report.summary());
        }
        return report;
    }

    @Test
    void everySeedKeepsTheInvariantsAndConverges() {
        SimulationReport r = report();
        assertThat(r.failures()).isEmpty();
        assertThat(r.runs()).isGreaterThan(0);
        assertThat(r.proposalsCommitted()).isGreaterThan(0);
        assertThat(r.readsReleased()).isGreaterThan(0);
    }

    @Test
    void theSeedSetReachesEveryGuardedBranchOfTheCore() {
        SimulationReport r = report();
        assumeTrue(r.runs() >= CI_SEEDS && SimulationReport.configuredBase() == 1,
                "branch coverage is promised for the build's seed set, seeds 1.." + CI_SEEDS);
        Map<Coverage.Branch, Long> coverage = r.coverage();
        assertThat(coverage).as(r.coverageTable()).hasSize(Coverage.Branch.values().length)
                .allSatisfy((branch, count) -> assertThat(count).as(branch.description).isPositive());
    }

    /**
     * Half of the build's seeds run clients with sessions (seed option {@code sessions}): their retries must reach
     * the log twice often enough that duplicates are skipped, not only acknowledged.
     */
    @Test
    void theSeedSetExercisesSessions() {
        SimulationReport r = report();
        String forced = System.getProperty("kayak.sim.sessions");
        assumeTrue(r.runs() >= CI_SEEDS && (forced == null || forced.isBlank()),
                "sessions are drawn for half of a large seed set");
        assertThat(r.sessionRuns()).isGreaterThan(r.runs() / 4);
        assertThat(r.sessionAcknowledged()).isPositive();
        assertThat(r.sessionRetries()).isPositive();
        assertThat(r.sessionDuplicates()).isPositive();
    }

    @Test
    void aSeedReplaysExactly() {
        for (long seed : new long[] {7, 1995, 4242}) {
            Simulation.Result first = new Simulation(Simulation.Settings.forSeed(seed)).run();
            Simulation.Result second = new Simulation(Simulation.Settings.forSeed(seed)).run();
            assertThat(second).isEqualTo(first);
            assertThat(first.events()).isGreaterThan(1000);
        }
    }
}

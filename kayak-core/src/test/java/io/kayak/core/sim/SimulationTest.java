package io.kayak.core.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the deterministic simulator over many seeds. {@code -Dkayak.sim.seeds=N} sets how many (the build's default
 * is in the root pom), {@code -Dkayak.sim.seed=S} runs exactly one, {@code -Dkayak.sim.base=B} moves the range.
 */
class SimulationTest {
    @Test
    void everySeedKeepsTheInvariantsAndConverges() {
        SimulationReport report = SimulationReport.runConfigured();
        System.out.println(report.summary());
        assertThat(report.runs()).isGreaterThan(0);
        assertThat(report.proposalsCommitted()).isGreaterThan(0);
        assertThat(report.readsReleased()).isGreaterThan(0);
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

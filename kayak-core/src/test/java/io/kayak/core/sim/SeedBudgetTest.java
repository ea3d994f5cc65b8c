package io.kayak.core.sim;

import io.kayak.core.Message;
import io.kayak.core.MemoryLogStore;
import io.kayak.core.RaftNode;
import io.kayak.core.RaftOptions;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A seed that runs away, or a core that throws, fails as a named property with its seed and replay command. */
class SeedBudgetTest {
    private static final long SEED = 7;

    @Test
    void aSeedOverItsEventBudgetIsALivenessFailure() {
        SeedBudget tiny = new SeedBudget(500, SeedBudget.DEFAULT_CONVERGE_MILLIS, SeedBudget.DEFAULT_WALL_MILLIS);
        assertThatThrownBy(() -> new Simulation(Simulation.Settings.forSeed(SEED), tiny).run())
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("liveness: event budget exceeded: 501 events by simulated time")
                .hasMessageContaining("seed " + SEED)
                .hasMessageContaining(Simulation.replayCommand(SEED));
    }

    @Test
    void aSeedThatDoesNotConvergeWithinItsSimulatedTimeIsALivenessFailure() {
        SeedBudget none = new SeedBudget(SeedBudget.DEFAULT_MAX_EVENTS, 0, SeedBudget.DEFAULT_WALL_MILLIS);
        assertThatThrownBy(() -> new Simulation(Simulation.Settings.forSeed(SEED), none).run())
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("liveness: simulated-time budget exceeded")
                .hasMessageContaining(Simulation.replayCommand(SEED));
    }

    @Test
    void aSeedStuckInsideOneStepIsStoppedByTheWatchdog() {
        CountDownLatch never = new CountDownLatch(1);
        assertThatThrownBy(() -> SeedWatchdog.within(SEED, 50, () -> {
            never.await();
            return null;
        }))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("liveness: wall-clock budget exceeded: seed " + SEED)
                .hasMessageContaining(Simulation.replayCommand(SEED));
    }

    @Test
    void aCompletedSeedReturnsItsResultThroughTheWatchdog() {
        Simulation.Result direct = new Simulation(Simulation.Settings.forSeed(SEED)).run();
        assertThat(SeedWatchdog.run(SEED, SeedBudget.configured())).isEqualTo(direct);
    }

    @Test
    void anExceptionOutOfTheCoreIsNamedAsOne() {
        RaftNode node = new RaftNode(RaftOptions.builder("n1").build(), new MemoryLogStore(),
                RaftNode.bootstrapHardState());
        IllegalArgumentException thrown = null;
        try {
            node.step(new Message.TimeoutNow("n2", "n3", 1));
        } catch (IllegalArgumentException e) {
            thrown = e;
        }
        assertThat(thrown).isNotNull();
        assertThat(FailureNames.describe(thrown)).startsWith("core threw: java.lang.IllegalArgumentException")
                .contains("RaftNode.step");
    }

    @Test
    void anExceptionOfTheJdkOnBehalfOfTheCoreIsNamedAsTheCores() {
        NullPointerException thrown = null;
        try {
            new RaftNode(null, new MemoryLogStore(), RaftNode.bootstrapHardState());
        } catch (NullPointerException e) {
            thrown = e;
        }
        assertThat(thrown).isNotNull();
        assertThat(thrown.getStackTrace()[0].getClassName()).startsWith("java.");
        assertThat(FailureNames.describe(thrown)).startsWith("core threw: java.lang.NullPointerException")
                .contains("RaftNode.<init>");
    }

    @Test
    void aViolationFoundByTheSimulatorKeepsItsOwnName() {
        IllegalStateException violation = new IllegalStateException("election safety: n1 and n2 both lead term 3");
        assertThat(FailureNames.describe(violation)).isEqualTo("election safety: n1 and n2 both lead term 3");
    }
}

package io.kayak.core.sim;

/**
 * Runs the simulator from the command line and prints what it checked. Seeds as in {@link SimulationTest}
 * ({@code -Dkayak.sim.seeds}, {@code -Dkayak.sim.seed}, {@code -Dkayak.sim.base}).
 */
public final class SimulatorMain {
    private SimulatorMain() {
    }

    public static void main(String[] args) {
        try {
            SimulationReport report = SimulationReport.runConfigured();
            System.out.println(report.summary());
            if (!report.failures().isEmpty()) {
                System.exit(1);
            }
        } catch (SimulationFailure f) {
            System.out.println(f.getMessage());
            System.exit(1);
        }
    }
}

package io.kayak.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seed options that steer runs toward Raft's rarer rules, each drawn from the seed (from a random stream of its
 * own, so the other draws of a seed do not move) and each forceable by a system property for replay or debugging:
 *
 * <ul>
 *   <li>{@code kayak.sim.conflictHints=false}: leaders back off one entry per rejection, so matching
 *       AppendEntries that stop short of a follower's stale suffix are common (the commit cap then decides);</li>
 *   <li>{@code kayak.sim.staleReplay=true}: the network keeps copies of AppendEntries and re-delivers some of them
 *       long after, when their sender may have been deposed;</li>
 *   <li>{@code kayak.sim.crashAfterConfig=true}: a leader often crashes right after it appends a configuration
 *       entry, so elections happen in joint configurations;</li>
 *   <li>{@code kayak.sim.replacements=true}: membership changes are mostly replacements (one voter removed and one
 *       added in one joint change), and come more often;</li>
 *   <li>{@code kayak.sim.sessions=true}: every application entry carries a session envelope, and clients with
 *       sessions retry their appends with the same sequence number until they see them applied (see
 *       {@link SessionClients}).</li>
 * </ul>
 */
record SeedOptions(boolean conflictHints, boolean staleReplay, boolean crashAfterConfig, boolean replacements,
                   boolean sessions) {
    private static final String PREFIX = "kayak.sim.";

    /**
     * The options of {@code seed}. With {@code keepHints} the conflict hint stays on unless forced off (see
     * {@link Simulation.Settings#forSeed}).
     */
    static SeedOptions forSeed(long seed, boolean keepHints) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + 0x5EED);
        boolean hints = r.nextInt(4) != 0 || keepHints;
        return new SeedOptions(
                forced("conflictHints", hints),
                forced("staleReplay", r.nextInt(3) == 0),
                forced("crashAfterConfig", r.nextInt(3) == 0),
                forced("replacements", r.nextInt(3) == 0),
                // Drawn last, so that the options above are drawn as they were before sessions existed.
                forced("sessions", r.nextInt(2) == 0));
    }

    private static boolean forced(String name, boolean drawn) {
        String value = System.getProperty(PREFIX + name);
        return value == null || value.isBlank() ? drawn : Boolean.parseBoolean(value.trim());
    }

    /** The system properties a replay must repeat: those that override what the seed drew. */
    static String replayFlags() {
        List<String> flags = new ArrayList<>();
        for (String name : List.of("conflictHints", "staleReplay", "crashAfterConfig", "replacements",
                "sessions")) {
            String value = System.getProperty(PREFIX + name);
            if (value != null && !value.isBlank()) {
                flags.add(" -D" + PREFIX + name + "=" + value.trim());
            }
        }
        return String.join("", flags);
    }

    @Override
    public String toString() {
        return (conflictHints ? "" : "no-conflict-hints ") + (staleReplay ? "stale-replay " : "")
                + (crashAfterConfig ? "crash-after-config " : "") + (replacements ? "replacements " : "")
                + (sessions ? "sessions " : "");
    }
}

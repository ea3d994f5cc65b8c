package io.kayak.chaos;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos schedule over real server processes (see {@link ChaosRun}). By default the bounded CI schedule: four
 * runs, one of each of the crash-pause, partition and membership mixes (45 s of faults each) and one of the sessions
 * mix (30 s: writes through client sessions, retried until decided, and the exactly-once counter check), fixed
 * seeds; {@code -Dkayak.chaos.mixes=everything} (or any list of mix names) selects others. Soaks: {@code
 * -Dkayak.chaos.seconds=600 -Dkayak.chaos.runs=12 -Dkayak.chaos.seed=N} (runs cycle through the mixes, each with its
 * own seed).
 */
class ChaosIT {
    /** The fault mixes, in the order runs cycle through them. */
    private static final List<Mix> MIXES = List.of(
            new Mix("crash-pause", 3, List.of(Fault.KILL, Fault.KILL_LEADER, Fault.PAUSE, Fault.PAUSE_LEADER,
                    Fault.PAUSE_LEADER), false, 45),
            new Mix("partition", 5, List.of(Fault.PARTITION_HALVES, Fault.ISOLATE_LEADER, Fault.BRIDGE, Fault.DELAY,
                    Fault.PAUSE_LEADER), false, 45),
            new Mix("membership", 3, List.of(Fault.MEMBERSHIP, Fault.MEMBERSHIP, Fault.KILL, Fault.PARTITION_HALVES,
                    Fault.ISOLATE_LEADER, Fault.PAUSE_LEADER), false, 45),
            // The faults that leave writes' outcomes open most often: a leader killed, paused or cut off.
            new Mix("sessions", 3, List.of(Fault.KILL_LEADER, Fault.PAUSE_LEADER, Fault.ISOLATE_LEADER, Fault.KILL,
                    Fault.PARTITION_HALVES), true, 30),
            // Soaks only: every fault, on five members.
            new Mix("everything", 5, List.of(Fault.values()), false, 45));

    /** The mixes the CI schedule cycles through: the first four (crash-pause, partition, membership, sessions). */
    private static final int CI_MIXES = 4;

    /** The CI schedule: four runs over the CI mixes. */
    private static final int CI_RUNS = 4;

    /**
     * A fault mix.
     *
     * @param sessions  whether its clients run in sessions mode
     * @param ciSeconds its seconds of faults unless {@code kayak.chaos.seconds} says otherwise
     */
    private record Mix(String name, int members, List<Fault> faults, boolean sessions, int ciSeconds) {
    }

    @Test
    void historiesStayLinearizableAndMembersConvergeUnderFaults() throws Exception {
        int runs = Integer.getInteger("kayak.chaos.runs", CI_RUNS);
        long seed = Long.getLong("kayak.chaos.seed", 1L);
        int clients = Integer.getInteger("kayak.chaos.clients", 4);
        Path home = Path.of(System.getProperty("kayak.server.home", "target"));
        String classpath = home.resolve("kayak-server.jar") + java.io.File.pathSeparator
                + home.resolve("lib") + java.io.File.separator + "*";
        assertThat(home.resolve("kayak-server.jar")).as("the packaged server jar").exists();

        // -Dkayak.chaos.mixes=partition,everything restricts the runs to those mixes (still cycling).
        List<String> only = List.of(System.getProperty("kayak.chaos.mixes", "").split(",")).stream()
                .map(String::strip).filter(m -> !m.isEmpty()).toList();
        List<Mix> mixes = only.isEmpty() ? MIXES.subList(0, CI_MIXES)
                : MIXES.stream().filter(m -> only.contains(m.name())).toList();
        assertThat(mixes).as("mixes " + only).isNotEmpty();

        List<RunReport> reports = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Mix mix = mixes.get(i % mixes.size());
            int seconds = Integer.getInteger("kayak.chaos.seconds", mix.ciSeconds());
            ChaosRun.Settings settings = new ChaosRun.Settings(mix.name(), seed + i, mix.members(), mix.faults(),
                    Duration.ofSeconds(seconds), clients, mix.sessions());
            RunReport report = new ChaosRun(settings, classpath, home.resolve("chaos")).run();
            System.out.println(report.summary());
            reports.add(report);
        }
        System.out.println(totals(reports));
        assertThat(reports).allSatisfy(r -> assertThat(r.passed()).as(r.summary()).isTrue());
    }

    private static String totals(List<RunReport> reports) {
        Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
        int ops = 0;
        int ok = 0;
        int fail = 0;
        int unknown = 0;
        int probes = 0;
        StringBuilder sessions = new StringBuilder();
        for (RunReport r : reports) {
            ops += r.operations();
            ok += r.ok();
            fail += r.failed();
            unknown += r.unknown();
            probes += r.probes();
            r.faults().forEach((k, v) -> faults.merge(k, v, Integer::sum));
            if (r.sessions() != null) {
                CounterCheck.Result c = r.sessions().counters();
                sessions.append("\nsessions mode (").append(r.name()).append(" seed=").append(r.seed()).append("): ")
                        .append(r.operations() + c.acknowledged() + c.unknown() + c.failed())
                        .append(" operations (history ").append(r.operations()).append(", increments ")
                        .append(c.acknowledged() + c.unknown() + c.failed()).append("), unknown outcomes left ")
                        .append(r.unknown() + c.unknown()).append(", duplicates found ").append(c.duplicates())
                        .append(", lost ").append(c.lost()).append(", ").append(r.sessions().retries())
                        .append(" copies sent again");
            }
        }
        long passed = reports.stream().filter(RunReport::passed).count();
        return "chaos total: " + reports.size() + " run(s), " + passed + " passed; " + ops + " operations (ok " + ok
                + ", fail " + fail + ", unknown " + unknown + "); "
                + faults.values().stream().mapToInt(Integer::intValue).sum() + " faults " + faults + "; " + probes
                + " stale-read probes" + sessions;
    }
}

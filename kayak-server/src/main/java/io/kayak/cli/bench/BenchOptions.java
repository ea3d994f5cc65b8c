package io.kayak.cli.bench;

import io.kayak.Completion;
import io.kayak.HostOptions;

/**
 * The coordinator's settings for one {@code kayak bench} invocation.
 *
 * @param workload      "w1" or "w2"
 * @param clients       outstanding appends (W1; W2 always uses 1)
 * @param seconds       measured seconds (W1)
 * @param warmupSeconds W1 warm-up, or seconds of C=1 load before each W2 kill
 * @param payload       bytes per append
 * @param repeat        W2 kills, each on a fresh cluster
 * @param members       cluster size
 * @param electionMs    election timeout override (0 = Kayak's default)
 * @param heap          -Xms/-Xmx of each replica JVM
 * @param keep          keep the run folder (logs, data)
 * @param jfr           record a JFR profile on every replica into the run folder (kept)
 * @param completion    where the replicas' append futures complete ({@link HostOptions#completion()})
 * @param sessions      W1 appends through one {@link io.kayak.Session} per client slot instead of
 *                      {@code Log.append} (always false for W2)
 */
public record BenchOptions(String workload, int clients, int seconds, int warmupSeconds, int payload, int repeat,
                           int members, int electionMs, String heap, boolean keep, boolean jfr,
                           Completion completion, boolean sessions) {
}

package io.kayak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * Test fixture: hosts in this JVM on one in-process {@link LocalNetwork}, each with a data directory under
 * {@code dir} and address {@code local:<id>}. Closes every host it still tracks when closed.
 */
final class InProcessCluster implements AutoCloseable {
    final LocalNetwork network = new LocalNetwork();
    private final Path dir;
    private final UnaryOperator<HostOptions.Builder> tweak;
    private final List<Host> hosts = new ArrayList<>();

    InProcessCluster(Path dir, UnaryOperator<HostOptions.Builder> tweak) {
        this.dir = dir;
        this.tweak = tweak;
    }

    HostOptions options(String id) {
        return tweak.apply(HostOptions.builder().id(id).listen("local:" + id).dataDir(dir.resolve(id))).build();
    }

    Host start(String id) {
        return track(network.start(options(id)));
    }

    Host join(String id, String via) {
        return track(network.join(options(id), List.of("local:" + via)));
    }

    /** Seeds a, joins b and c through it, and waits until all three vote and know a leader. */
    List<Host> three() {
        Host a = start("a");
        Host b = join("b", "a");
        Host c = join("c", "a");
        List<Host> all = List.of(a, b, c);
        await().atMost(Duration.ofSeconds(20)).until(() -> TcpCluster.voters(a).size() == 3
                && all.stream().allMatch(h -> h.leader().isPresent()));
        return all;
    }

    static Host leaderAmong(List<Host> hosts) {
        return hosts.stream().filter(TcpCluster::leads).findFirst().orElseThrow();
    }

    Host track(Host h) {
        hosts.add(h);
        return h;
    }

    /** Stops tracking {@code h} (the test closed it, or it left). */
    void forget(Host h) {
        hosts.remove(h);
    }

    @Override
    public void close() {
        hosts.forEach(Host::close);
        hosts.clear();
    }
}

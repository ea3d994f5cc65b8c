package io.kayak;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Test fixture: hosts in this JVM over real loopback TCP, each with its own data directory under {@code dir}.
 * Stops every host it started when closed.
 */
public final class TcpCluster implements AutoCloseable {
    private final Path dir;
    private final List<Host> hosts = new ArrayList<>();
    private final Map<String, String> addresses = new HashMap<>();

    public TcpCluster(Path dir) {
        this.dir = dir;
    }

    /**
     * The address member {@code id} advertises, as it reported it when first started here.
     *
     * @throws IllegalStateException if no host {@code id} was started here yet
     */
    public String address(String id) {
        String address = addresses.get(id);
        if (address == null) {
            throw new IllegalStateException("member " + id + " was never started");
        }
        return address;
    }

    /**
     * The address member {@code id} should listen on: port 0 the first time (the system picks a free port), then the
     * port it bound, since a restarted member is still known by the address in the configuration.
     */
    public String listen(String id) {
        return addresses.getOrDefault(id, "127.0.0.1:0");
    }

    /**
     * Options for member {@code id}. The election timeout is longer than the default: these tests share two cores
     * with whole builds, and a starved leader would otherwise lose its quorum check and make them flaky.
     */
    public HostOptions options(String id) {
        return HostOptions.builder().id(id).listen(listen(id)).dataDir(dir.resolve(id))
                .electionTimeout(java.time.Duration.ofSeconds(1)).build();
    }

    public Path dataDir(String id) {
        return dir.resolve(id);
    }

    public Host start(String id) {
        return track(Kayak.start(options(id)));
    }

    public Host join(String id, String via) {
        return track(Kayak.join(options(id), List.of(address(via))));
    }

    /** Stops {@code h} on {@link #close()}, and remembers the address it bound for {@link #listen} and restarts. */
    public Host track(Host h) {
        hosts.add(h);
        addresses.putIfAbsent(h.id(), h.address());
        return h;
    }

    public List<Host> hosts() {
        return hosts;
    }

    public static List<String> voters(Host h) {
        return h.roster().stream().filter(Member::voter).map(Member::id).sorted().collect(Collectors.toList());
    }

    public static boolean leads(Host h) {
        return h.leader().map(m -> m.id().equals(h.id())).orElse(false);
    }

    public static Host leaderAmong(List<Host> hs) {
        return hs.stream().filter(TcpCluster::leads).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        hosts.forEach(Host::close);
        hosts.clear();
    }
}

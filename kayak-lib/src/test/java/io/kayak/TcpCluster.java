package io.kayak;

import java.io.IOException;
import java.net.ServerSocket;
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

    /** The address of member {@code id} (a free loopback port, chosen once). */
    public String address(String id) {
        return addresses.computeIfAbsent(id, k -> "127.0.0.1:" + freePort());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Options for member {@code id}. The election timeout is longer than the default: these tests share two cores
     * with whole builds, and a starved leader would otherwise lose its quorum check and make them flaky.
     */
    public HostOptions options(String id) {
        return HostOptions.builder().id(id).listen(address(id)).dataDir(dir.resolve(id))
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

    public Host track(Host h) {
        hosts.add(h);
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

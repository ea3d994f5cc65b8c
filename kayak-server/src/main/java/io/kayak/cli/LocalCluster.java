package io.kayak.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A cluster of {@code kayak server} processes on this machine, on free loopback ports, each with a data directory
 * under one temporary directory. {@link #close()} kills every process and deletes the directory; it is also
 * registered as a shutdown hook, so Ctrl-C cleans up as well.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final String classpath;
    private final Path root;
    private final Map<String, ServerProcess> members = new LinkedHashMap<>();
    private final Thread cleanupHook = new Thread(this::cleanUp, "kayak-local-cluster-cleanup");
    private volatile boolean closed;
    private volatile List<String> serverArgs = List.of();

    /** A cluster whose servers run on {@code classpath} (the classpath of this module's jar and its libraries). */
    public LocalCluster(String classpath) throws IOException {
        this.classpath = classpath;
        this.root = Files.createTempDirectory("kayak-cluster-");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    public Path root() {
        return root;
    }

    /** Options added to the command line of every member started from now on (e.g. compaction thresholds). */
    public void serverArgs(List<String> args) {
        this.serverArgs = List.copyOf(args);
    }

    /** Starts member {@code id}: it seeds a new cluster when {@code join} is empty, else joins through it. */
    public ServerProcess start(String id, List<HostPort> join) throws IOException, InterruptedException {
        return start(id, join, UnaryOperator.identity());
    }

    /**
     * Starts member {@code id} advertising {@code advertise.apply(listen)} as its peer address instead of the address
     * it listens on: a test puts a proxy there (and starts it inside {@code advertise}) to cut or slow the member's
     * peer traffic.
     */
    public ServerProcess start(String id, List<HostPort> join, UnaryOperator<HostPort> advertise)
            throws IOException, InterruptedException {
        HostPort peer = freeAddress();
        HostPort advertised = advertise.apply(peer);
        HostPort http = freeAddress();
        HostPort resp = freeAddress();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, Main.class.getName(), "server", "--id", id,
                "--data", root.resolve(id).toString(), "--listen", peer.toString(), "--http", http.toString(),
                "--resp", resp.toString()));
        command.addAll(serverArgs);
        if (!advertised.equals(peer)) {
            command.add("--advertise");
            command.add(advertised.toString());
        }
        if (!join.isEmpty()) {
            command.add("--join");
            command.add(String.join(",", join.stream().map(HostPort::toString).toList()));
        }
        ServerProcess p = new ServerProcess(id, peer, http, resp, command, root.resolve(id + ".log"));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the cluster is closed");
            }
            members.put(id, p);
            p.start();
        }
        p.awaitReady(STARTUP);
        return p;
    }

    /** Restarts a stopped member with its original command line (it resumes from its data directory). */
    public ServerProcess restart(String id) throws IOException, InterruptedException {
        ServerProcess p = member(id);
        p.start();
        p.awaitReady(STARTUP);
        return p;
    }

    public synchronized ServerProcess member(String id) {
        ServerProcess p = members.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no member " + id);
        }
        return p;
    }

    /** Every member started so far, running or not. */
    public synchronized List<ServerProcess> members() {
        return List.copyOf(members.values());
    }

    public synchronized List<ServerProcess> running() {
        return members.values().stream().filter(ServerProcess::isAlive).toList();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A loopback address with a port that was free a moment ago. */
    public static HostPort freeAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new HostPort("127.0.0.1", s.getLocalPort());
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: nothing left to do
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (ServerProcess p : members.values()) {
            p.kill();
        }
        deleteRecursively(root);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}

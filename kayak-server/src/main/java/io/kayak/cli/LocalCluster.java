package io.kayak.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.Consumer;

/**
 * A cluster of {@code kayak server} processes on this machine, each with a data directory under one temporary
 * directory. Members start on loopback port 0 and are addressed by the ports they report binding (their ready line,
 * {@link ServerLines}), so no port is ever picked here that another process could take first. {@link #close()}
 * kills every process and deletes the directory; it is also registered as a shutdown hook, so Ctrl-C cleans up as
 * well.
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

    /**
     * Starts member {@code id} and returns once it is ready: it seeds a new cluster when {@code join} is empty, else
     * joins through it.
     */
    public ServerProcess start(String id, List<HostPort> join) throws IOException, InterruptedException {
        return start(id, join, null, bound -> { });
    }

    /**
     * Starts member {@code id} advertising {@code advertise} as its peer address instead of the address it listens
     * on, and returns once it is ready: a test puts a proxy there to cut or slow the member's peer traffic. The
     * member reports the peer port it bound to {@code listening} as soon as it is bound (at every start), before it
     * joins, so that the proxy can forward what the cluster sends it while it joins.
     */
    public ServerProcess start(String id, List<HostPort> join, HostPort advertise, Consumer<HostPort> listening)
            throws IOException, InterruptedException {
        String anyPort = "127.0.0.1:0";
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, Main.class.getName(), "server", "--id", id,
                "--data", root.resolve(id).toString(), "--listen", anyPort, "--http", anyPort, "--resp", anyPort));
        command.addAll(serverArgs);
        if (advertise != null) {
            command.add("--advertise");
            command.add(advertise.toString());
        }
        if (!join.isEmpty()) {
            command.add("--join");
            command.add(String.join(",", join.stream().map(HostPort::toString).toList()));
        }
        ServerProcess p = new ServerProcess(id, command, root.resolve(id + ".log"), listening);
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

    /**
     * Restarts a stopped member with its original command line, on the ports it bound before (it resumes from its
     * data directory, known to its peers and clients by those ports).
     */
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

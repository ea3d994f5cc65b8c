package io.kayak.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code kayak server} running as a separate {@code java} process, with its output in a log file. Killing it
 * also kills its descendants.
 */
public final class ServerProcess {
    private final String id;
    private final HostPort peer;
    private final HostPort http;
    private final HostPort resp;
    private final List<String> command;
    private final Path logFile;
    private Process process;

    ServerProcess(String id, HostPort peer, HostPort http, HostPort resp, List<String> command, Path logFile) {
        this.id = id;
        this.peer = peer;
        this.http = http;
        this.resp = resp;
        this.command = List.copyOf(command);
        this.logFile = logFile;
    }

    /** Starts (or restarts, with the same command line) the process. */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is already running");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    public String id() {
        return id;
    }

    public HostPort peer() {
        return peer;
    }

    public HostPort http() {
        return http;
    }

    public HostPort resp() {
        return resp;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, descendants first; waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /**
     * SIGTERM (a clean stop), then SIGKILL if it has not exited within {@code grace}. Returns whether it stopped on
     * SIGTERM alone.
     */
    public synchronized boolean terminate(Duration grace) {
        if (process == null) {
            return true;
        }
        process.destroy();
        if (waitFor(grace)) {
            return true;
        }
        kill();
        return false;
    }

    /** The exit code, once exited. */
    public synchronized int exitValue() {
        return process.exitValue();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the member answers its status over HTTP. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ClusterClient client = new ClusterClient(http);
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new CliException(id + " exited during startup; see " + logFile);
            }
            try {
                Map<String, Object> status = client.status();
                if (status.get("id") != null) {
                    return;
                }
            } catch (CliException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new CliException(id + " did not become ready within " + timeout + "; see " + logFile);
    }

    /** The last lines of the log file, for failure reports. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}

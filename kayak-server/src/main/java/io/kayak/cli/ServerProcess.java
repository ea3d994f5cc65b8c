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
    private boolean paused;

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
        paused = false;
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

    /** The operating system's id of the running (or last) process; -1 before the first start. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Whether {@link #pause()} stopped the process and {@link #resume()} has not continued it yet. */
    public synchronized boolean isPaused() {
        return paused && isAlive();
    }

    /** SIGSTOP: the process freezes (its sockets stay open, so peers see silence, not a closed connection). */
    public synchronized void pause() {
        if (isAlive() && !paused) {
            signal("-STOP");
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        if (paused && isAlive()) {
            signal("-CONT");
        }
        paused = false;
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new CliException("kill " + signal + " " + process.pid() + " failed for " + id);
            }
        } catch (IOException e) {
            throw new CliException("kill " + signal + " " + id + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    /** SIGKILL, descendants first; waits until the process is gone. A paused process is continued first. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        // SIGKILL ends a stopped process too, but continuing it first keeps no zombie state around on any platform.
        resume();
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

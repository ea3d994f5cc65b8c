package io.kayak.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code kayak server} running as a separate {@code java} process, with its output in a log file. Its ports are
 * the ones it reports on its ready line ({@link ServerLines}), so it may be started on port 0. Killing it also kills
 * its descendants.
 */
public final class ServerProcess {
    private final String id;
    private final List<String> command;
    private final Path logFile;
    private final Consumer<HostPort> listening;
    private Process process;
    /** Copies the running process's output to the log file and reads its listening and ready lines. */
    private Thread output;
    private CompletableFuture<ServerLines.Ready> readiness;
    /** What the last ready line said: the member's addresses. Null until it first got ready. */
    private volatile ServerLines.Ready ready;
    private boolean paused;

    /**
     * A process that runs {@code command} (a {@code kayak server} command line), writes its output to
     * {@code logFile}, and hands the peer address it bound to {@code listening} as soon as it reports it.
     */
    ServerProcess(String id, List<String> command, Path logFile, Consumer<HostPort> listening) {
        this.id = id;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.listening = listening;
    }

    /**
     * Starts the process; restarts it with the same command line, except that once it has been ready it listens
     * on the ports it reported then: it is known by them (its peers by the address in the configuration, clients
     * by its HTTP and RESP addresses), and a port 0 would bind others.
     */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is already running");
        }
        paused = false;
        ServerLines.Ready known = ready;
        List<String> line = known == null ? command : withOptions(command, known);
        process = new ProcessBuilder(line).redirectErrorStream(true).start();
        readiness = new CompletableFuture<>();
        output = copyOutput(process, readiness);
    }

    private static List<String> withOptions(List<String> command, ServerLines.Ready bound) {
        List<String> line = new ArrayList<>(command);
        for (int i = 0; i + 1 < line.size(); i++) {
            HostPort value = switch (line.get(i)) {
                case "--listen" -> bound.listen();
                case "--http" -> bound.http();
                case "--resp" -> bound.resp();
                default -> null;
            };
            if (value != null) {
                line.set(++i, value.toString());
            }
        }
        return line;
    }

    /**
     * A thread that appends every line the process prints to the log file, hands the peer address of its listening
     * line to {@link #listening}, and completes {@code readiness} with its ready line, or fails it when the output
     * ends first (the process exited).
     */
    private Thread copyOutput(Process p, CompletableFuture<ServerLines.Ready> readiness) {
        Thread t = new Thread(() -> {
            Writer log = openLog();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                // Read to the end whatever happens: a process whose output is not drained blocks on a full pipe.
                while ((line = in.readLine()) != null) {
                    log = append(log, line);
                    if (!readiness.isDone()) {
                        readLine(line, readiness);
                    }
                }
            } catch (IOException e) {
                readiness.completeExceptionally(new CliException("reading the output of " + id + " failed: " + e));
            } finally {
                closeQuietly(log);
                readiness.completeExceptionally(new CliException(id + " exited during startup; see " + logFile));
            }
        }, "kayak-output-" + id);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void readLine(String line, CompletableFuture<ServerLines.Ready> readiness) {
        try {
            ServerLines.parseListening(line).ifPresent(listening);
            ServerLines.parseReady(line).ifPresent(r -> {
                ready = r;
                readiness.complete(r);
            });
        } catch (RuntimeException e) {
            readiness.completeExceptionally(new CliException(id + " printed a malformed line: " + line
                    + " (" + e.getMessage() + ")"));
        }
    }

    private Writer openLog() {
        try {
            return Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            return null; // the output is still read (the process would block on a full pipe), just not kept
        }
    }

    /** Appends {@code line}, flushed, so the log is whole whenever it is read; returns null once writing failed. */
    private static Writer append(Writer log, String line) {
        if (log == null) {
            return null;
        }
        try {
            log.write(line);
            log.write('\n');
            log.flush();
            return log;
        } catch (IOException e) {
            closeQuietly(log);
            return null;
        }
    }

    private static void closeQuietly(Writer log) {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // nothing more to write anyway
            }
        }
    }

    public String id() {
        return id;
    }

    /** The peer address the other members dial (its {@code --advertise}, else the address it bound). */
    public HostPort peer() {
        return addresses().peers();
    }

    /** The peer address it bound. */
    public HostPort listen() {
        return addresses().listen();
    }

    public HostPort http() {
        return addresses().http();
    }

    /** The RESP address, or null when it runs without RESP. */
    public HostPort resp() {
        return addresses().resp();
    }

    private ServerLines.Ready addresses() {
        ServerLines.Ready r = ready;
        if (r == null) {
            throw new IllegalStateException(id + " has not been ready yet: its ports are not known");
        }
        return r;
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

    /** Waits until the process has exited and its output is all in the log file. */
    private boolean waitFor(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            // The output ends when the process does; what it printed last is then copied within moments.
            output.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the member prints its ready line (it then serves clients on the ports it names). */
    public void awaitReady(Duration timeout) throws InterruptedException {
        CompletableFuture<ServerLines.Ready> started;
        synchronized (this) {
            started = readiness;
        }
        if (started == null) {
            throw new IllegalStateException(id + " was never started");
        }
        try {
            started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CliException(id + " did not become ready within " + timeout + "; see " + logFile);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CliException c ? c : new CliException(id + ": " + e.getCause());
        }
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

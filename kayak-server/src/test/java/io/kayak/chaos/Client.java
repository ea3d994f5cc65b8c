package io.kayak.chaos;

import io.kayak.cli.HostPort;
import io.kayak.core.check.Command;
import io.kayak.core.check.Response;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One client process of the history: until told to stop, it picks a random member and a random key and reads,
 * writes (a value no one else writes), compare-and-sets (expecting a value seen recently) or deletes, one operation
 * at a time, and records each outcome exactly as the HTTP contract defines it.
 */
final class Client implements Runnable {
    private final int process;
    private final List<String> keys;
    private final Supplier<List<Target>> targets;
    private final KvHttp http;
    private final Recorder recorder;
    private final Map<String, String> recentValues;
    private final Random random;
    private final long deadlineNanos;
    private volatile boolean stop;
    private int counter;

    /**
     * A member a client may talk to.
     *
     * @param id   the member id
     * @param http its HTTP address
     */
    record Target(String id, HostPort http) {
    }

    Client(int process, List<String> keys, Supplier<List<Target>> targets, KvHttp http, Recorder recorder,
           Map<String, String> recentValues, long seed, long deadlineNanos) {
        this.process = process;
        this.keys = keys;
        this.targets = targets;
        this.http = http;
        this.recorder = recorder;
        this.recentValues = recentValues;
        this.random = new Random(seed);
        this.deadlineNanos = deadlineNanos;
    }

    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        while (!stop && System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
            List<Target> choices = targets.get();
            if (!choices.isEmpty()) {
                operate(choices.get(random.nextInt(choices.size())));
            }
            try {
                // A little think time keeps the history small enough to check exhaustively.
                Thread.sleep(5 + random.nextInt(20));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void operate(Target target) {
        String key = keys.get(random.nextInt(keys.size()));
        int dice = random.nextInt(100);
        Command command;
        if (dice < 45) {
            command = Command.read(key);
        } else if (dice < 75) {
            command = Command.write(key, nextValue());
        } else if (dice < 95) {
            String expected = recentValues.getOrDefault(key, nextValue());
            command = Command.cas(key, expected, nextValue());
        } else {
            command = Command.delete(key);
        }
        int id = recorder.invoke(process, command, target.id());
        try {
            KvHttp.Answer a = switch (command.kind()) {
                case READ -> http.read(target.http(), key, false);
                case WRITE -> http.write(target.http(), key, command.value());
                case CAS -> http.cas(target.http(), key, command.expected(), command.value());
                case DELETE -> http.delete(target.http(), key);
            };
            complete(id, command, a);
        } catch (ConnectException refused) {
            // Nothing reached the member, so nothing can have been written.
            recorder.fail(id, "connection refused");
        } catch (IOException e) {
            indefinite(id, command, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            indefinite(id, command, "interrupted");
            Thread.currentThread().interrupt();
        }
    }

    private void complete(int id, Command command, KvHttp.Answer a) {
        int s = a.status();
        String detail = "HTTP " + s + (s == 200 ? "" : " " + a.body().strip());
        switch (command.kind()) {
            case READ -> {
                if (s == 200 || s == 404) {
                    String value = s == 200 ? a.body() : null;
                    if (value != null) {
                        recentValues.put(command.key(), value);
                    }
                    recorder.ok(id, Response.read(value), detail);
                } else {
                    indefinite(id, command, detail);
                }
            }
            case WRITE -> {
                if (s == 200) {
                    recentValues.put(command.key(), command.value());
                    recorder.ok(id, Response.written(), detail);
                } else {
                    writeError(id, s, detail);
                }
            }
            case CAS -> {
                if (s == 200 || s == 412) {
                    if (s == 200) {
                        recentValues.put(command.key(), command.value());
                    }
                    recorder.ok(id, Response.cas(s == 200), detail);
                } else {
                    writeError(id, s, detail);
                }
            }
            case DELETE -> {
                if (s == 200 || s == 404) {
                    recorder.ok(id, Response.deleted(s == 200), detail);
                } else {
                    writeError(id, s, detail);
                }
            }
        }
    }

    /** 503 and the client errors mean nothing was written; anything else (504 above all) may have been. */
    private void writeError(int id, int status, String detail) {
        if (status == 503 || status == 400 || status == 405 || status == 413) {
            recorder.fail(id, detail);
        } else {
            recorder.unknown(id, detail);
        }
    }

    /** A read changes nothing, so a read without an answer is simply a failed read; a write may have happened. */
    private void indefinite(int id, Command command, String detail) {
        if (command.kind() == Command.Kind.READ) {
            recorder.fail(id, detail);
        } else {
            recorder.unknown(id, detail);
        }
    }

    private String nextValue() {
        return "p" + process + "-" + counter++;
    }
}

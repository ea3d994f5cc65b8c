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
 *
 * <p>In sessions mode ({@link Sessions}) every write goes through the client's session and is sent again until its
 * outcome is decided ({@link SessionRetrier}), and some operations increment counters instead, outside the history,
 * tallied for the exactly-once check ({@link CounterCheck}).
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
    private final Sessions sessions;
    private final SessionRetrier retrier;
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

    /**
     * Sessions mode.
     *
     * @param counters the keys only increments touch
     * @param check    where increments are tallied
     */
    record Sessions(List<String> counters, CounterCheck check) {
    }

    /**
     * A client; {@code sessions} is null in the plain mode (each write sent once, its outcome recorded as the HTTP
     * contract defines it).
     */
    Client(int process, List<String> keys, Supplier<List<Target>> targets, KvHttp http, Recorder recorder,
           Map<String, String> recentValues, long seed, long deadlineNanos, Sessions sessions) {
        this.process = process;
        this.keys = keys;
        this.targets = targets;
        this.http = http;
        this.recorder = recorder;
        this.recentValues = recentValues;
        this.random = new Random(seed);
        this.deadlineNanos = deadlineNanos;
        this.sessions = sessions;
        this.retrier = sessions == null ? null : new SessionRetrier(http, targets, random);
    }

    /** Copies sent again in sessions mode. */
    int retries() {
        return retrier == null ? 0 : retrier.retries();
    }

    /** Sessions opened in sessions mode. */
    int sessionsOpened() {
        return retrier == null ? 0 : retrier.opened();
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
        if (sessions != null && random.nextInt(100) < 18) {
            increment(target, sessions.counters().get(random.nextInt(sessions.counters().size())));
            return;
        }
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
        if (sessions != null && command.kind() != Command.Kind.READ) {
            writeInSession(id, command, target);
            return;
        }
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

    /** A write in the session, sent until decided: only a write given up on stays unknown. */
    private void writeInSession(int id, Command command, Target target) {
        try {
            SessionRetrier.Settled settled = retrier.write(target, (member, at) -> switch (command.kind()) {
                case WRITE -> http.write(member, command.key(), command.value(), at);
                case CAS -> http.cas(member, command.key(), command.expected(), command.value(), at);
                case DELETE -> http.delete(member, command.key(), at);
                case READ -> throw new IllegalArgumentException("a read is not a session write");
            });
            if (settled.answer() == null) {
                recorder.unknown(id, "gave up after " + settled.attempts() + " attempts: " + settled.detail());
            } else {
                complete(id, command, settled.answer(), " (attempt " + settled.attempts() + ")");
            }
        } catch (InterruptedException e) {
            indefinite(id, command, "interrupted");
            Thread.currentThread().interrupt();
        }
    }

    /** An increment of {@code counter} in the session, tallied rather than recorded in the history. */
    private void increment(Target target, String counter) {
        try {
            SessionRetrier.Settled settled = retrier.write(target, (member, at) -> http.increment(member, counter,
                    at));
            KvHttp.Answer a = settled.answer();
            if (a == null) {
                sessions.check().unknown(counter);
                recorder.event("p" + process + " incr(" + counter + ") unknown after " + settled.attempts()
                        + " attempts: " + settled.detail());
            } else if (a.status() == 200) {
                sessions.check().acknowledged(counter,
                        ((Number) io.kayak.server.Json.parseObject(a.body()).get("value")).longValue());
            } else if (a.status() == 422) {
                // Refused for good, yet an earlier copy may have applied: count it as unknown, and say so.
                sessions.check().unknown(counter);
                recorder.event("p" + process + " incr(" + counter + ") refused: " + a.body().strip());
            } else {
                sessions.check().failed(counter);
                recorder.event("p" + process + " incr(" + counter + ") HTTP " + a.status() + " " + a.body().strip());
            }
        } catch (InterruptedException e) {
            sessions.check().unknown(counter);
            Thread.currentThread().interrupt();
        }
    }

    private void complete(int id, Command command, KvHttp.Answer a) {
        complete(id, command, a, "");
    }

    private void complete(int id, Command command, KvHttp.Answer a, String note) {
        int s = a.status();
        String detail = "HTTP " + s + (s == 200 ? "" : " " + a.body().strip()) + note;
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

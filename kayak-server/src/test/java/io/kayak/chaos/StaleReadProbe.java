package io.kayak.chaos;

import io.kayak.cli.HostPort;
import io.kayak.core.check.Command;
import io.kayak.core.check.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Fires one linearizable read of every key at a deposed leader just before it is resumed or reconnected: the
 * requests wait in its socket buffers and reach it the instant it wakes up still believing it leads, which is
 * exactly when serving from local state would return a stale value. The reads go into the history, each as its own
 * process, so the checker judges them with everything else.
 */
final class StaleReadProbe {
    private final List<String> keys;
    private final KvHttp http;
    private final Recorder recorder;
    private final Function<String, HostPort> httpOf;
    private final List<Thread> threads = new ArrayList<>();
    private int nextProcess = 20_000;
    private int fired;

    StaleReadProbe(List<String> keys, KvHttp http, Recorder recorder, Function<String, HostPort> httpOf) {
        this.keys = keys;
        this.http = http;
        this.recorder = recorder;
        this.httpOf = httpOf;
    }

    /** Starts the reads against {@code member} and returns once they are (very likely) on the wire. */
    synchronized void fire(String member) throws InterruptedException {
        HostPort address = httpOf.apply(member);
        for (String key : keys) {
            int process = nextProcess++;
            Thread t = new Thread(() -> read(process, member, address, key), "stale-read-probe-" + process);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        fired += keys.size();
        Thread.sleep(150);
    }

    private void read(int process, String member, HostPort address, String key) {
        int id = recorder.invoke(process, Command.read(key), member + " (probe)");
        try {
            KvHttp.Answer a = http.read(address, key, false);
            if (a.status() == 200 || a.status() == 404) {
                recorder.ok(id, Response.read(a.status() == 200 ? a.body() : null), "probe");
            } else {
                recorder.fail(id, "probe HTTP " + a.status());
            }
        } catch (IOException e) {
            recorder.fail(id, "probe " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            recorder.fail(id, "probe interrupted");
            Thread.currentThread().interrupt();
        }
    }

    /** How many probe reads were fired. */
    synchronized int fired() {
        return fired;
    }

    /** Waits (bounded) for every probe read to finish. */
    void awaitAll(long millisEach) throws InterruptedException {
        List<Thread> copy;
        synchronized (this) {
            copy = List.copyOf(threads);
        }
        for (Thread t : copy) {
            t.join(millisEach);
        }
    }
}

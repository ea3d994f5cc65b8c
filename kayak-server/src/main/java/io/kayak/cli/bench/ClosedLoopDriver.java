package io.kayak.cli.bench;

import io.kayak.Host;
import io.kayak.Session;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Workload W1 inside the leader's JVM: keeps {@code clients} appends outstanding, each slot submitting a fresh
 * payload as soon as its previous one completed (committed and applied on this member), with no think time.
 * Latency goes to an HdrHistogram in microseconds; warm-up samples are dropped. With
 * {@link ReplicaSettings#sessions()} each slot appends through a {@link Session} of its own, opened before the
 * warm-up and closed after the drain, instead of through {@code Log.append}.
 */
public final class ClosedLoopDriver {
    private static final long MAX_LATENCY_US = TimeUnit.SECONDS.toMicros(120);

    private final Host host;
    private final ReplicaSettings settings;
    private final byte[] template;
    private final Recorder recorder = new Recorder(MAX_LATENCY_US, 3);
    private final AtomicLong okMeasured = new AtomicLong();
    private final AtomicLong errorsMeasured = new AtomicLong();
    private final AtomicLong okTotal = new AtomicLong();
    private final AtomicLong errorsTotal = new AtomicLong();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    /** Runs re-issues that must not happen on the caller's stack: after an error (back-off) or a synchronous completion. */
    private final ScheduledExecutorService reissue = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-driver-reissue");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private volatile boolean measuring;
    /** Slot i's session when appending through sessions, else null; set before the first append. */
    private Session[] sessions;

    public ClosedLoopDriver(Host host, ReplicaSettings settings) {
        this.host = host;
        this.settings = settings;
        this.template = new byte[settings.payload()];
        new Random(42).nextBytes(template);
    }

    private void issue(int slot) {
        if (!running) {
            return;
        }
        outstanding.incrementAndGet();
        long start = System.nanoTime();
        CompletableFuture<?> write;
        try {
            byte[] payload = template.clone();
            write = sessions == null ? host.log().append(payload) : sessions[slot].append(payload);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        if (write.isDone()) {
            // Completing inline would recurse through issue() on this stack: hand it over instead.
            CompletableFuture<?> done = write;
            reissue.execute(() -> done.whenComplete((r, e) -> completed(slot, start, e)));
        } else {
            write.whenComplete((r, e) -> completed(slot, start, e));
        }
    }

    private void completed(int slot, long start, Throwable failure) {
        long micros = (System.nanoTime() - start) / 1_000;
        outstanding.decrementAndGet();
        if (failure == null) {
            okTotal.incrementAndGet();
            if (measuring) {
                recorder.recordValue(Math.min(micros, MAX_LATENCY_US));
                okMeasured.incrementAndGet();
            }
            issue(slot);
        } else {
            errorsTotal.incrementAndGet();
            if (measuring) {
                errorsMeasured.incrementAndGet();
            }
            firstError.compareAndSet(null, String.valueOf(failure));
            if (running) {
                reissue.schedule(() -> issue(slot), 10, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Runs warm-up and measurement, drains, and returns the result fields (without the per-replica counts). */
    public Map<String, Object> run(List<Long> replicaPids) throws InterruptedException {
        try {
            if (settings.sessions()) {
                openSessions();
            }
            for (int i = 0; i < settings.clients(); i++) {
                issue(i);
            }
            Thread.sleep(settings.warmupSeconds() * 1_000L);
            long warmupOps = okTotal.get();
            recorder.getIntervalHistogram(); // drop the warm-up samples
            long[] cpuBefore = ProcCpu.ticks(replicaPids);
            long windowStart = System.nanoTime();
            measuring = true;
            Thread.sleep(settings.seconds() * 1_000L);
            measuring = false;
            long windowEnd = System.nanoTime();
            long[] cpuAfter = ProcCpu.ticks(replicaPids);
            Histogram h = recorder.getIntervalHistogram();
            running = false;
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
                Thread.sleep(5);
            }
            double seconds = (windowEnd - windowStart) / 1e9;
            long ops = okMeasured.get();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("peer", "kayak");
            r.put("workload", "w1");
            r.put("clients", settings.clients());
            r.put("sessions", settings.sessions());
            r.put("payload", settings.payload());
            r.put("warmup_s", settings.warmupSeconds());
            r.put("seconds", round(seconds));
            r.put("ops", ops);
            r.put("ops_per_s", round(ops / seconds));
            r.put("p50_us", h.getValueAtPercentile(50));
            r.put("p90_us", h.getValueAtPercentile(90));
            r.put("p99_us", h.getValueAtPercentile(99));
            r.put("p999_us", h.getValueAtPercentile(99.9));
            r.put("max_us", h.getMaxValue());
            r.put("mean_us", round(h.getMean()));
            putCpu(r, cpuBefore, cpuAfter, seconds, ops);
            r.put("errors", errorsMeasured.get());
            r.put("errors_total", errorsTotal.get());
            r.put("first_error", firstError.get());
            r.put("warmup_ops", warmupOps);
            r.put("undrained", outstanding.get());
            r.put("leader", settings.index());
            r.put("still_leader", BenchReplica.leads(host));
            r.put("driver", "in leader JVM (n" + settings.index() + ")");
            r.put("durable", true);
            r.put("java", System.getProperty("java.version"));
            r.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments().toString());
            r.put("settings", settings.describe());
            return r;
        } finally {
            running = false;
            reissue.shutdownNow();
            closeSessions();
        }
    }

    /** One session per client slot, each opened (committed) before the first append; the time is not measured. */
    private void openSessions() {
        long start = System.nanoTime();
        sessions = new Session[settings.clients()];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = host.log().openSession();
        }
        BenchCoordinator.note("opened " + sessions.length + " sessions in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }

    private void closeSessions() {
        if (sessions != null) {
            for (Session s : sessions) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static void putCpu(Map<String, Object> r, long[] before, long[] after, double seconds, long ops) {
        if (before == null || after == null) {
            return;
        }
        List<Object> perReplica = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < before.length; i++) {
            long delta = after[i] - before[i];
            total += delta;
            perReplica.add(round(delta / (double) ProcCpu.TICKS_PER_SECOND));
        }
        double cpuSeconds = total / (double) ProcCpu.TICKS_PER_SECOND;
        r.put("cpu_s_window", round(cpuSeconds));
        r.put("cpu_cores_busy", round(cpuSeconds / seconds));
        r.put("cpu_us_per_op", ops == 0 ? null : round(cpuSeconds * 1e6 / ops));
        r.put("cpu_s_per_replica", perReplica);
    }

    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}

package io.kayak.runtime;

import io.kayak.transport.TransportStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A host's meters, all tagged with {@code member}: {@code kayak.commits} (entries committed and applied here),
 * {@code kayak.commit.latency} (append to commit, for appends made on this member), {@code kayak.fsync.latency}
 * (one group commit), {@code kayak.leader.changes}, {@code kayak.term}, {@code kayak.appends.pending},
 * {@code kayak.follower.lag} (entries a follower is behind the leader, tagged {@code follower}, on the leader only)
 * and {@code kayak.storage.failures}; automatic compaction's {@code kayak.compactions},
 * {@code kayak.compaction.failures}, {@code kayak.compaction.latency} and {@code kayak.snapshot.index}; with the TCP
 * transport also its refused and failed connections. Without a registry they go to an empty composite registry,
 * which costs next to nothing.
 */
final class HostMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter commits;
    private final Timer commitLatency;
    private final Timer fsyncLatency;
    private final Counter leaderChanges;
    private final Counter storageFailures;
    private final Counter snapshotsInstalled;
    private final Counter compactions;
    private final Counter compactionFailures;
    private final Timer compactionLatency;
    private final AtomicLong term = new AtomicLong();
    private final Map<String, AtomicLong> followerLag = new ConcurrentHashMap<>();

    HostMetrics(MeterRegistry registry, String memberId) {
        this.registry = registry == null ? new CompositeMeterRegistry() : registry;
        this.tags = Tags.of("member", memberId);
        this.commits = Counter.builder("kayak.commits").description("entries committed and applied on this member")
                .tags(tags).register(this.registry);
        this.commitLatency = Timer.builder("kayak.commit.latency").description("from append to commit")
                .tags(tags).publishPercentiles(0.5, 0.99, 0.999).register(this.registry);
        this.fsyncLatency = Timer.builder("kayak.fsync.latency").description("one group commit of the log")
                .tags(tags).publishPercentiles(0.5, 0.99).register(this.registry);
        this.leaderChanges = Counter.builder("kayak.leader.changes").description("leaders seen by this member")
                .tags(tags).register(this.registry);
        this.storageFailures = Counter.builder("kayak.storage.failures")
                .description("storage errors (each stops the member)").tags(tags).register(this.registry);
        this.snapshotsInstalled = Counter.builder("kayak.snapshots.installed")
                .description("snapshots received from the leader that replaced this member's log").tags(tags)
                .register(this.registry);
        this.compactions = Counter.builder("kayak.compactions").description("automatic compactions completed")
                .tags(tags).register(this.registry);
        this.compactionFailures = Counter.builder("kayak.compaction.failures")
                .description("automatic compactions that failed (each is retried later)").tags(tags)
                .register(this.registry);
        this.compactionLatency = Timer.builder("kayak.compaction.latency")
                .description("one automatic compaction: capture, snapshot written and synced, log compacted")
                .tags(tags).register(this.registry);
        Gauge.builder("kayak.term", term, AtomicLong::get).tags(tags).register(this.registry);
    }

    /** Reports how many appends wait for their outcome (given once the host's log exists). */
    void pendingAppends(LongSupplier pendingAppends) {
        Gauge.builder("kayak.appends.pending", pendingAppends::getAsLong).tags(tags).register(registry);
    }

    /**
     * Publishes the transport's counters of refused and failed connections: {@code kayak.transport.protocol.errors},
     * {@code kayak.transport.tls.failures}, {@code kayak.transport.handshakes.rejected},
     * {@code kayak.transport.connections.refused} and {@code kayak.transport.oversize.frames}, so hostile or
     * misconfigured peers show up in monitoring; and {@code kayak.transport.oversize.dropped}, frames this member
     * could not send for their size.
     */
    void transport(TransportStats stats) {
        FunctionCounter.builder("kayak.transport.protocol.errors", stats, TransportStats::protocolErrors)
                .description("connections closed because the peer broke the protocol").tags(tags)
                .register(registry);
        FunctionCounter.builder("kayak.transport.tls.failures", stats, TransportStats::tlsFailures)
                .description("connections closed because TLS failed").tags(tags).register(registry);
        FunctionCounter.builder("kayak.transport.handshakes.rejected", stats, TransportStats::handshakesRejected)
                .description("inbound handshakes refused (another cluster, wrong member)").tags(tags)
                .register(registry);
        FunctionCounter.builder("kayak.transport.connections.refused", stats, TransportStats::connectionsRefused)
                .description("inbound connections closed at the connection limit").tags(tags).register(registry);
        FunctionCounter.builder("kayak.transport.oversize.frames", stats, TransportStats::oversizeFrames)
                .description("connections closed because the peer sent a frame above the frame limit").tags(tags)
                .register(registry);
        FunctionCounter.builder("kayak.transport.oversize.dropped", stats, TransportStats::oversizeFramesDropped)
                .description("frames not sent because they exceed the frame limit").tags(tags).register(registry);
    }

    void committed(int entries) {
        commits.increment(entries);
    }

    void commitLatency(long nanos) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void fsync(long nanos) {
        fsyncLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void leaderChanged(long newTerm) {
        leaderChanges.increment();
        term.set(newTerm);
    }

    void term(long value) {
        term.set(value);
    }

    void storageFailed() {
        storageFailures.increment();
    }

    void snapshotInstalled() {
        snapshotsInstalled.increment();
    }

    void compacted(long nanos) {
        compactions.increment();
        compactionLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void compactionFailed() {
        compactionFailures.increment();
    }

    /** Publishes the last index of the newest snapshot as {@code kayak.snapshot.index}. */
    void snapshotIndex(LongSupplier index) {
        Gauge.builder("kayak.snapshot.index", index::getAsLong).description("last index of the newest snapshot")
                .tags(tags).register(registry);
    }

    /**
     * Publishes the session table's gauges: {@code kayak.sessions.open}, and {@code kayak.sessions.duplicates} and
     * {@code kayak.sessions.refused}, the session appends this member skipped since it started (retried copies of
     * committed appends, and appends of sessions that were gone).
     */
    void sessions(SessionApplier sessions) {
        Gauge.builder("kayak.sessions.open", sessions::openSessions).description("open client sessions")
                .tags(tags).register(registry);
        Gauge.builder("kayak.sessions.duplicates", sessions::duplicates)
                .description("retried copies of committed session appends skipped").tags(tags).register(registry);
        Gauge.builder("kayak.sessions.refused", sessions::refused)
                .description("session appends refused because their session was gone").tags(tags).register(registry);
    }

    /** Updates the lag of each follower (leader only); followers that left are reported as 0. */
    void followerLag(Map<String, Long> matches, long lastIndex) {
        for (Map.Entry<String, AtomicLong> e : followerLag.entrySet()) {
            if (!matches.containsKey(e.getKey())) {
                e.getValue().set(0);
            }
        }
        for (Map.Entry<String, Long> e : matches.entrySet()) {
            followerLag.computeIfAbsent(e.getKey(), follower -> {
                AtomicLong lag = new AtomicLong();
                Gauge.builder("kayak.follower.lag", lag, AtomicLong::get).tags(tags.and("follower", follower))
                        .register(registry);
                return lag;
            }).set(Math.max(0, lastIndex - e.getValue()));
        }
    }

    MeterRegistry registry() {
        return registry;
    }
}

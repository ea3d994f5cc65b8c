package io.kayak;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Automatic compaction on one member with a data directory: the entry and byte thresholds, turning it off, the
 * trailing window, and providers that fail or capture state the application has not acknowledged.
 */
class AutoCompactionTest {
    private static final int SEGMENT = 8 << 10;

    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();
    private final List<CountingApp> apps = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    @TempDir
    Path dir;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (CountingApp app : apps) {
            app.close();
        }
        hosts.forEach(Host::close);
    }

    private Host start(UnaryOperator<HostOptions.Builder> options) {
        String address = "local:a";
        Host h = network.start(options.apply(HostOptions.builder().id("a").listen(address).dataDir(dir.resolve("a"))
                .segmentCapacity(SEGMENT).meterRegistry(registry)).build());
        hosts.add(h);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.leader().isPresent());
        return h;
    }

    private CountingApp app(Host h) {
        CountingApp app = new CountingApp(h);
        apps.add(app);
        return app;
    }

    /** Appends {@code n} payloads of {@code size} bytes, pipelined, and waits until all are committed. */
    private static long append(Host h, int n, int size) throws Exception {
        List<CompletableFuture<Entry>> pending = new ArrayList<>();
        long last = 0;
        for (int i = 0; i < n; i++) {
            byte[] payload = new byte[size];
            payload[0] = (byte) i;
            pending.add(h.log().append(payload));
            if (pending.size() == 256) {
                last = Math.max(last, drain(pending));
            }
        }
        return Math.max(last, drain(pending));
    }

    private static long drain(List<CompletableFuture<Entry>> pending) throws Exception {
        long last = 0;
        for (CompletableFuture<Entry> f : pending) {
            last = Math.max(last, f.get(10, TimeUnit.SECONDS).index());
        }
        pending.clear();
        return last;
    }

    private double compactions() {
        return registry.get("kayak.compactions").tag("member", "a").counter().count();
    }

    private double failures() {
        return registry.get("kayak.compaction.failures").tag("member", "a").counter().count();
    }

    @Test
    void moreEntriesThanTheThresholdBeyondTheSnapshotTriggerACompaction() throws Exception {
        Host h = start(o -> o.compactAfterEntries(200).compactAfterBytes(Long.MAX_VALUE).compactTrailingEntries(0));
        CountingApp app = app(h);
        h.log().snapshotProvider(app.provider());
        long last = append(h, 150, 16);
        // At most 150 entries (plus the seed's two) beyond no snapshot: below the threshold, nothing happens.
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> h.log().snapshotIndex() == 0);
        last = append(h, 100, 16);
        long appended = last;
        // The provider captures what the application has applied when the threshold is passed, which may lag the
        // commit index that passed it: the snapshot is at some index up to what was appended.
        await().atMost(Duration.ofSeconds(10)).until(() -> h.log().snapshotIndex() > 0);
        assertThat(h.log().snapshotIndex()).isLessThanOrEqualTo(appended);
        assertThat(compactions()).isEqualTo(1);
        // Whole segments go, so how much of the log is dropped depends on where the snapshot fell; never beyond it.
        assertThat(h.log().compacted()).isLessThanOrEqualTo(h.log().snapshotIndex());
        assertThat(registry.get("kayak.snapshot.index").gauge().value()).isEqualTo(h.log().snapshotIndex());
    }

    @Test
    void moreBytesThanTheThresholdBeyondTheSnapshotTriggerACompaction() throws Exception {
        Host h = start(o -> o.compactAfterEntries(1_000_000).compactAfterBytes(32 << 10).compactTrailingEntries(0));
        CountingApp app = app(h);
        h.log().snapshotProvider(app.provider());
        append(h, 20, 1024); // about 21 KiB of records: below the threshold
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> h.log().snapshotIndex() == 0);
        long last = append(h, 20, 1024);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.log().snapshotIndex() > 0);
        // The snapshot covers what the application had applied when the threshold was crossed: on a busy machine
        // that may lag the log by many entries, so only its bounds are certain.
        assertThat(h.log().snapshotIndex()).isPositive().isLessThanOrEqualTo(last);
        assertThat(h.log().compacted()).isPositive();
    }

    @Test
    void turnedOffTheLogIsNeverCompactedButManualCompactionStillWorks() throws Exception {
        Host h = start(o -> o.autoCompact(false).compactAfterEntries(10).compactAfterBytes(1024));
        CountingApp app = app(h);
        AtomicInteger captures = new AtomicInteger();
        h.log().snapshotProvider(() -> {
            captures.incrementAndGet();
            return app.capture();
        });
        long last = append(h, 300, 64);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> h.log().snapshotIndex() == 0 && h.log().compacted() == 0);
        assertThat(captures).hasValue(0);
        await().until(() -> app.applied() >= last);
        try (CapturedState state = app.capture()) {
            h.log().compact(state.until(), state.events(), state.count());
        }
        assertThat(h.log().snapshotIndex()).isGreaterThanOrEqualTo(last);
        assertThat(captures).hasValue(0);
    }

    @Test
    void theTrailingWindowStaysInTheLogForLaggingFollowers() throws Exception {
        long trailing = 300;
        Host h = start(o -> o.compactAfterEntries(500).compactAfterBytes(Long.MAX_VALUE)
                .compactTrailingEntries(trailing));
        CountingApp app = app(h);
        h.log().snapshotProvider(app.provider());
        append(h, 1_600, 64); // about 90 records per 8 KiB segment: many segments
        await().atMost(Duration.ofSeconds(10)).until(() -> compactions() >= 1);
        long snapshot = h.log().snapshotIndex();
        long compacted = h.log().compacted();
        assertThat(compacted).isPositive().isLessThanOrEqualTo(snapshot - trailing);
        // Whole segments only: at most one segment's worth (about 90 entries) more than the window stays.
        assertThat(compacted).isGreaterThan(snapshot - trailing - 200);
        // A follower (or listener) lagging by the window still reads the entries from the log.
        try (Listener l = h.log().listen(snapshot - trailing + 1, 64)) {
            for (long i = snapshot - trailing + 1; i <= snapshot; i++) {
                assertThat(l.poll(Duration.ofSeconds(5)).index()).isEqualTo(i);
            }
        }
    }

    @Test
    void aFailingProviderIsRetriedAndNeverStopsTheHost() throws Exception {
        Host h = start(o -> o.compactAfterEntries(50).compactTrailingEntries(0));
        CountingApp app = app(h);
        AtomicInteger calls = new AtomicInteger();
        h.log().snapshotProvider(() -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("the application cannot capture yet");
            }
            return app.capture();
        });
        append(h, 100, 16);
        await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 1);
        assertThat(h.stopped()).isNotDone();
        assertThat(h.log().append(new byte[] {1}).get(5, TimeUnit.SECONDS).index()).isPositive();
        // Retried with back-off (1 s, then 2 s) until the provider works.
        await().atMost(Duration.ofSeconds(15)).until(() -> h.log().snapshotIndex() > 0);
        assertThat(failures()).isEqualTo(2);
        assertThat(compactions()).isEqualTo(1);
    }

    @Test
    void aProviderCapturingStateTheApplicationHasNotAcknowledgedFailsClearlyAndIsRetried() throws Exception {
        Host h = start(o -> o.compactAfterEntries(50).compactTrailingEntries(0));
        // No applier here: the test acknowledges by hand, and the provider claims everything committed.
        long last = append(h, 100, 16);
        h.sync().ack(10);
        List<Long> released = new ArrayList<>();
        h.log().snapshotProvider(() -> {
            long until = h.log().committed();
            return CapturedState.of(until, 1, List.of(new byte[] {7}).iterator(), () -> released.add(until));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 1);
        assertThat(released).containsExactly(last); // released although refused
        assertThat(h.log().snapshotIndex()).isZero();
        assertThat(h.stopped()).isNotDone();
        h.sync().ack(last);
        // Retried after the back-off; the same claim now holds.
        await().atMost(Duration.ofSeconds(10)).until(() -> h.log().snapshotIndex() == last);
        assertThat(failures()).isEqualTo(1);
        assertThat(released).containsExactly(last, last);
    }

    @Test
    void stoppingTheHostAbandonsASnapshotBeingWritten() throws Exception {
        Host h = start(o -> o.compactAfterEntries(20));
        CountDownLatch streaming = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        h.sync().ack(Long.MAX_VALUE / 2);
        long last = append(h, 40, 16);
        h.log().snapshotProvider(() -> CapturedState.of(last, Long.MAX_VALUE, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public byte[] next() {
                streaming.countDown();
                try {
                    stopping.await(10, TimeUnit.SECONDS); // hold the snapshot open until the host stops
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new byte[8];
            }
        }));
        assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
        stopping.countDown();
        long start = System.nanoTime();
        h.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        try (Stream<Path> files = Files.list(dir.resolve("a").resolve("snapshots"))) {
            assertThat(files.map(p -> p.getFileName().toString())).isEmpty();
        }
        assertThat(h.log().snapshotIndex()).isZero();
        assertThatThrownBy(() -> h.log().snapshotProvider(() -> null)).isInstanceOf(ClosedException.class);
    }

    @Test
    void anInMemoryMemberAcceptsAProviderAndNeverCallsIt() throws Exception {
        String address = "local:m";
        Host h = network.start(HostOptions.builder().id("m").listen(address).compactAfterEntries(5).build());
        hosts.add(h);
        AtomicInteger captures = new AtomicInteger();
        h.log().snapshotProvider(() -> {
            captures.incrementAndGet();
            return null;
        });
        h.sync().ack(Long.MAX_VALUE / 2);
        append(h, 20, 16);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> captures.get() == 0);
        assertThat(h.log().snapshotIndex()).isZero();
    }

    @Test
    void aRestartedMemberRebuildsFromItsAutomaticSnapshotAndTheTrailingLog() throws Exception {
        Host h = start(o -> o.compactAfterEntries(300).compactTrailingEntries(100));
        CountingApp app = app(h);
        h.log().snapshotProvider(app.provider());
        long last = append(h, 1_000, 32);
        await().atMost(Duration.ofSeconds(10)).until(() -> compactions() >= 1 && app.applied() >= last);
        long count = app.count();
        long checksum = app.checksum();
        app.close();
        apps.clear();
        h.close();
        hosts.clear();
        Host again = start(o -> o.compactAfterEntries(300).compactTrailingEntries(100));
        assertThat(again.log().compacted()).isPositive();
        CountingApp rebuilt = app(again);
        await().atMost(Duration.ofSeconds(10)).until(() -> rebuilt.applied() >= last);
        assertThat(rebuilt.count()).isEqualTo(count).isEqualTo(1_000);
        assertThat(rebuilt.checksum()).isEqualTo(checksum);
    }

    static long size(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}

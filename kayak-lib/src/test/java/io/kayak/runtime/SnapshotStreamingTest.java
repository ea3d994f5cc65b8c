package io.kayak.runtime;

import io.kayak.core.Configuration;
import io.kayak.storage.DataDirectory;
import io.kayak.storage.SnapshotFile;
import io.kayak.storage.SnapshotMetadata;
import io.kayak.storage.SnapshotWriter;
import io.kayak.transport.SnapshotFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The snapshot streaming protocol between a {@link SnapshotSender} and a {@link SnapshotReceiver} over a channel
 * that loses, duplicates, delays (so reorders) and damages frames, with small chunks so that a transfer has many.
 */
class SnapshotStreamingTest {
    private static final int CHUNK = 16 << 10;
    private static final long WINDOW = 4L * CHUNK;
    private static final long TERM = 3;

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<ScheduledExecutorService> executors = new ArrayList<>();
    /** How long the sender waits for an acknowledgement before it resends: short, so lossy channels recover fast. */
    private long stallNanos = TimeUnit.MILLISECONDS.toNanos(50);

    @AfterEach
    void close() throws Exception {
        executors.forEach(ScheduledExecutorService::shutdownNow);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private ScheduledExecutorService executor(String name) {
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executors.add(e);
        return e;
    }

    private DataDirectory open(String name) {
        DataDirectory d = DataDirectory.open(dir.resolve(name));
        closing.add(d);
        return d;
    }

    /** A leader's snapshot of {@code events} events of 10 KiB, different in every byte position. */
    private static SnapshotMetadata writeSnapshot(DataDirectory d, int events) {
        Configuration config = Configuration.ofVoters(Map.of("leader", "l:1", "follower", "f:1"));
        Random random = new Random(events);
        try (SnapshotWriter w = d.snapshots().begin(1000, TERM, config)) {
            for (int i = 0; i < events; i++) {
                byte[] e = new byte[10 << 10];
                random.nextBytes(e);
                w.write(e);
            }
            return w.commit();
        }
    }

    /** What the test observes of one transfer. */
    private static final class Run {
        final List<SnapshotMetadata> installed = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicLong chunkBytes = new AtomicLong();
        final AtomicLong maxAhead = new AtomicLong();
        final AtomicLong bestAck = new AtomicLong();
        DataDirectory leader;
        DataDirectory follower;
    }

    /**
     * Wires a sender on a leader store to a receiver on a follower store through a channel with the given loss,
     * duplication and damage rates (per frame), delaying each frame by up to {@code maxDelayMillis}.
     */
    private Run transfer(long seed, double loss, double duplicate, double damage, int maxDelayMillis,
                         UnaryOperator<SnapshotFrame.Chunk> tamper) {
        return transfer(seed, loss, duplicate, damage, maxDelayMillis, tamper, c -> false);
    }

    private Run transfer(long seed, double loss, double duplicate, double damage, int maxDelayMillis,
                         UnaryOperator<SnapshotFrame.Chunk> tamper, Predicate<SnapshotFrame.Chunk> lose) {
        DataDirectory leader = open("leader-" + seed);
        DataDirectory follower = open("follower-" + seed);
        writeSnapshot(leader, 60);
        Run run = new Run();
        Random random = new Random(seed);
        ScheduledExecutorService channel = executor("channel");
        SnapshotReceiver[] receiver = new SnapshotReceiver[1];
        SnapshotSender[] sender = new SnapshotSender[1];
        java.util.function.BiConsumer<SnapshotFrame, Runnable> carry = (frame, deliver) -> {
            synchronized (random) {
                if (random.nextDouble() < loss) {
                    return;
                }
                int copies = random.nextDouble() < duplicate ? 2 : 1;
                for (int i = 0; i < copies; i++) {
                    channel.schedule(deliver, random.nextInt(maxDelayMillis + 1), TimeUnit.MILLISECONDS);
                }
            }
        };
        sender[0] = new SnapshotSender("leader", leader.snapshots(), (address, frame) -> {
            SnapshotFrame.Chunk c = tamper.apply((SnapshotFrame.Chunk) frame);
            run.chunkBytes.addAndGet(c.data().length);
            run.maxAhead.accumulateAndGet(c.offset() + c.data().length - run.bestAck.get(), Math::max);
            boolean damaged;
            synchronized (random) {
                damaged = random.nextDouble() < damage;
            }
            SnapshotFrame.Chunk sent = damaged ? damaged(c) : c;
            if (lose.test(sent)) {
                return;
            }
            carry.accept(sent, () -> receiver[0].onChunk(sent));
        }, member -> run.failures.incrementAndGet(), executor("sender"), System::nanoTime,
                stallNanos, TimeUnit.SECONDS.toNanos(20), CHUNK, WINDOW);
        receiver[0] = new SnapshotReceiver("follower", follower.snapshots(), ack -> {
            if (ack.status() == SnapshotFrame.Status.RECEIVING) {
                run.bestAck.accumulateAndGet(ack.nextOffset(), Math::max);
            }
            carry.accept(ack, () -> sender[0].onAck(ack));
        }, (from, term, metadata) -> run.installed.add(metadata), () -> TERM, executor("receiver"),
                System::nanoTime, TimeUnit.SECONDS.toNanos(60));
        sender[0].send("follower", "f:1", TERM);
        run.follower = follower;
        run.leader = leader;
        return run;
    }

    private static SnapshotFrame.Chunk damaged(SnapshotFrame.Chunk c) {
        byte[] data = c.data().clone();
        data[data.length / 2] ^= 0x40;
        return new SnapshotFrame.Chunk(c.from(), c.to(), c.term(), c.snapshotIndex(), c.snapshotTerm(), c.transfer(),
                c.round(), c.offset(), data, c.dataCrc(), c.totalSize(), c.totalCrc());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void aLossyDuplicatingReorderingChannelDeliversTheSameSnapshotOnce(long seed) {
        Run run = transfer(seed, 0.1, 0.05, 0.03, 5, c -> c);
        await().atMost(Duration.ofSeconds(30)).until(() -> !run.installed.isEmpty());
        // Late duplicates of the last chunk are answered, not installed again.
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(run.installed).hasSize(1);
        assertThat(run.failures).hasValue(0);
        try (SnapshotFile sent = run.leader.snapshots().openLatestFile().orElseThrow();
             SnapshotFile received = run.follower.snapshots().openLatestFile().orElseThrow()) {
            assertThat(received.metadata()).isEqualTo(sent.metadata());
            assertThat(received.size()).isEqualTo(sent.size());
            assertThat(received.crc32c()).isEqualTo(sent.crc32c());
            // Bounded memory: never more than a window beyond what the receiver acknowledged.
            assertThat(run.maxAhead.get()).isLessThanOrEqualTo(WINDOW + CHUNK);
            // Delays reorder chunks here, which TCP does not, so resends are far more frequent than on a real
            // connection; still a small multiple of the file.
            assertThat(run.chunkBytes.get()).isLessThan(sent.size() * 5);
        }
    }

    @Test
    void aCleanChannelSendsEveryByteOnce() {
        // Nothing is lost on a clean channel, so nothing needs resending; a resend timer short enough to fire on a
        // busy machine (a descheduled receiver) would resend for no fault of the protocol.
        stallNanos = TimeUnit.SECONDS.toNanos(60);
        Run run = transfer(7, 0, 0, 0, 0, c -> c);
        await().atMost(Duration.ofSeconds(30)).until(() -> !run.installed.isEmpty());
        try (SnapshotFile sent = run.leader.snapshots().openLatestFile().orElseThrow()) {
            assertThat(run.chunkBytes.get()).isEqualTo(sent.size());
        }
    }

    @Test
    void aLostChunkIsResentFromTheAcknowledgedOffsetNotFromTheStart() {
        AtomicInteger losses = new AtomicInteger();
        Run run = transfer(8, 0, 0, 0, 0, c -> c, c -> c.offset() == 20L * CHUNK && losses.getAndIncrement() == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> !run.installed.isEmpty());
        assertThat(losses.get()).isGreaterThanOrEqualTo(1);
        try (SnapshotFile sent = run.leader.snapshots().openLatestFile().orElseThrow()) {
            // The chunks after the lost one that were in flight are resent; nothing before it is.
            assertThat(run.chunkBytes.get()).isLessThanOrEqualTo(sent.size() + WINDOW);
        }
    }

    @Test
    void aWholeFileThatDoesNotMatchItsChecksumIsRefusedAndReportedAndNotInstalled() {
        Run run = transfer(9, 0, 0, 0, 0, c -> new SnapshotFrame.Chunk(c.from(), c.to(), c.term(), c.snapshotIndex(),
                c.snapshotTerm(), c.transfer(), c.round(), c.offset(), c.data(), c.dataCrc(), c.totalSize(),
                c.totalCrc() ^ 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> run.failures.get() == 1);
        assertThat(run.installed).isEmpty();
        assertThat(run.follower.snapshots().latest()).isEmpty();
    }

    @Test
    void aChunkOfAStaleTermIsRefused() {
        DataDirectory follower = open("follower");
        List<SnapshotFrame.Ack> acks = new CopyOnWriteArrayList<>();
        SnapshotReceiver receiver = new SnapshotReceiver("follower", follower.snapshots(), acks::add,
                (from, term, metadata) -> { }, () -> TERM + 1, executor("receiver"), System::nanoTime,
                TimeUnit.SECONDS.toNanos(60));
        receiver.onChunk(new SnapshotFrame.Chunk("leader", "follower", TERM, 10, 1, 5, 0, 0, new byte[]{1}, 0, 10, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> !acks.isEmpty());
        assertThat(acks.get(0).status()).isEqualTo(SnapshotFrame.Status.REFUSED);
        assertThat(acks.get(0).term()).isEqualTo(TERM + 1);
    }
}

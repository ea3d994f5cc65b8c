package io.kayak.server;

import io.kayak.ClosedException;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.Listener;
import io.kayak.OutOfBoundsException;
import io.kayak.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The key-value state machine with snapshots, on one member with a data directory: a restart after automatic
 * compaction rebuilds the same store from the snapshot and the trailing log, and a listener that meets a compacted
 * index (as after installing a leader's snapshot) rebuilds from the snapshot and answers the skipped writes as
 * "outcome unknown", except session writes, whose results the snapshot carries.
 */
class StateMachineSnapshotTest {
    @TempDir
    Path dir;
    private Host host;
    private StateMachine machine;
    /** Port 0 at first; a restart listens where the first run bound, the address its configuration holds. */
    private String peerAddress = "127.0.0.1:0";

    @AfterEach
    void stop() {
        if (machine != null) {
            machine.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private void start(UnaryOperator<HostOptions.Builder> options, java.util.function.LongFunction<Listener> listen) {
        host = Kayak.start(options.apply(HostOptions.builder().id("a").listen(peerAddress)
                .dataDir(dir.resolve("a")).segmentCapacity(16 << 10)).build());
        peerAddress = host.address();
        await().atMost(Duration.ofSeconds(5)).until(() -> host.leader().isPresent());
        machine = listen == null ? new StateMachine(host) : new StateMachine(host, listen);
    }

    private KvService kv() {
        return new KvService(host, machine, Limits.DEFAULT, Duration.ofSeconds(5));
    }

    /** The store's keys and values, its member directory and its session results, read through a snapshot view. */
    private static Map<String, String> contents(KvStore store) {
        Map<String, String> out = new HashMap<>();
        KvStore.View view = store.view();
        Iterator<byte[]> events = view.events();
        while (events.hasNext()) {
            Command c = Command.decode(events.next());
            if (c instanceof Command.Put p) {
                out.put(p.key().utf8(), p.value().utf8());
            } else if (c instanceof Command.Register r) {
                out.put("member:" + r.memberId(), r.http() + "," + r.resp());
            } else if (c instanceof Command.Remembered m) {
                out.put("session:" + m.session() + "/" + m.sequence(), m.outcome().toString());
            }
        }
        assertThat(out).hasSize((int) view.count());
        return out;
    }

    @Test
    void aRestartAfterAutomaticCompactionRebuildsTheSameStoreFromTheSnapshotAndTheLog() throws Exception {
        UnaryOperator<HostOptions.Builder> compactOften = o -> o.compactAfterEntries(300).compactTrailingEntries(50);
        start(compactOften, null);
        KvService kv = kv();
        kv.register("127.0.0.1:1", "").get(5, TimeUnit.SECONDS);
        long session = host.log().openClientSession();
        Random random = new Random(42);
        List<CompletableFuture<Outcome>> writes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Bytes key = Bytes.utf8("k" + random.nextInt(200));
            // Every other write in a session; the client has every answer of the batches before this one.
            SessionSequence at = i % 2 == 0 ? null : new SessionSequence(session, i, Math.max(1, i - i % 100));
            switch (random.nextInt(4)) {
                case 0 -> writes.add(kv.delete(key, at));
                case 1 -> writes.add(kv.increment(Bytes.utf8("counter" + random.nextInt(5)), at));
                case 2 -> writes.add(kv.compareAndSet(key, Bytes.utf8("v" + (i - 1)), Bytes.utf8("cas" + i), at));
                default -> writes.add(kv.put(key, Bytes.utf8("v" + i), at));
            }
            if (writes.size() == 100) { // pipelined, so captures run while entries are being applied
                for (CompletableFuture<Outcome> w : writes) {
                    w.get(10, TimeUnit.SECONDS);
                }
                writes.clear();
            }
        }
        long last = host.log().committed();
        await().atMost(Duration.ofSeconds(10)).until(() -> machine.applied() >= last
                && host.log().snapshotIndex() > 1_000);
        assertThat(host.log().compacted()).isPositive();
        Map<String, String> before = contents(machine.store());
        assertThat(machine.store().rememberedResults()).isEqualTo(50); // the last batch's
        long snapshot = host.log().snapshotIndex();
        machine.close();
        host.close();

        start(compactOften, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> machine.applied() >= last);
        assertThat(machine.rebuiltFrom()).isGreaterThanOrEqualTo(snapshot);
        assertThat(contents(machine.store())).isEqualTo(before);
        assertThat(machine.store().endpoints("a")).contains(new KvStore.Endpoints("127.0.0.1:1", ""));
        // Applying goes on after the rebuild.
        Outcome next = kv().put(Bytes.utf8("after"), Bytes.utf8("restart")).get(5, TimeUnit.SECONDS);
        assertThat(next.index()).isGreaterThan(last);
        assertThat(machine.store().get(Bytes.utf8("after"))).contains(Bytes.utf8("restart"));
    }

    @Test
    void aListenerThatMeetsACompactedIndexRebuildsFromTheSnapshotAndSkippedWritesAreUnknown() throws Exception {
        Gate gate = new Gate();
        start(o -> o.autoCompact(false), from -> gate.wrap(host.log().listen(from, 1024)));
        KvService kv = kv();
        kv.put(Bytes.utf8("a"), Bytes.utf8("1")).get(5, TimeUnit.SECONDS);
        kv.put(Bytes.utf8("b"), Bytes.utf8("2")).get(5, TimeUnit.SECONDS);

        gate.hold();
        CompletableFuture<Outcome> skipped = kv.put(Bytes.utf8("a"), Bytes.utf8("3"));
        Entry appended = host.log().append(new Command.Put(Bytes.utf8("c"), Bytes.utf8("4")).encode())
                .get(5, TimeUnit.SECONDS);
        long until = appended.index();
        assertThat(machine.applied()).isLessThan(until);
        assertThat(skipped).isNotDone();

        // What installing the leader's snapshot does to this member: a snapshot covering `until` (here written
        // locally, so acknowledged by hand), and the listener told its position was compacted.
        host.sync().ack(until);
        List<byte[]> events = List.of(new Command.Put(Bytes.utf8("a"), Bytes.utf8("3")).encode(),
                new Command.Put(Bytes.utf8("b"), Bytes.utf8("2")).encode(),
                new Command.Put(Bytes.utf8("c"), Bytes.utf8("4")).encode());
        host.log().compact(until, events.iterator(), events.size());
        gate.releaseOutOfBounds();

        await().atMost(Duration.ofSeconds(5)).until(() -> machine.rebuiltFrom() == until);
        assertThat(contents(machine.store())).isEqualTo(Map.of("a", "3", "b", "2", "c", "4"));
        assertThatThrownBy(() -> skipped.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(Failure.class,
                        f -> assertThat(f.kind()).isEqualTo(Failure.Kind.OUTCOME_UNKNOWN));
        assertThat(machine.outcome(until).handle((o, e) -> e).get(5, TimeUnit.SECONDS))
                .isInstanceOf(io.kayak.OutcomeUnknownException.class);
        // Applying continues from the snapshot's last index + 1.
        Outcome after = kv.put(Bytes.utf8("d"), Bytes.utf8("5")).get(5, TimeUnit.SECONDS);
        assertThat(after.index()).isGreaterThan(until);
        assertThat(contents(machine.store())).containsEntry("d", "5").containsEntry("a", "3");
    }

    @Test
    void aSessionWriteARebuildSkipsIsAnsweredWithTheResultTheSnapshotCarries() throws Exception {
        Gate gate = new Gate();
        start(o -> o.autoCompact(false), from -> gate.wrap(host.log().listen(from, 1024)));
        KvService kv = kv();
        long session = host.log().openClientSession();
        kv.put(Bytes.utf8("a"), Bytes.utf8("1")).get(5, TimeUnit.SECONDS);

        gate.hold();
        SessionSequence at = new SessionSequence(session, 1, 1);
        CompletableFuture<Outcome> skipped = kv.compareAndSet(Bytes.utf8("a"), Bytes.utf8("0"), Bytes.utf8("2"), at);
        Entry appended = host.log().append(new Command.Put(Bytes.utf8("c"), Bytes.utf8("4")).encode())
                .get(5, TimeUnit.SECONDS);
        long until = appended.index();
        long casIndex = until - 1;
        assertThat(skipped).isNotDone();

        // The leader's snapshot covers the compare-and-set, which did not swap there, and carries its result.
        host.sync().ack(until);
        List<byte[]> events = List.of(new Command.Put(Bytes.utf8("a"), Bytes.utf8("1")).encode(),
                new Command.Put(Bytes.utf8("c"), Bytes.utf8("4")).encode(),
                new Command.Remembered(session, 1, new Outcome(casIndex, Outcome.Status.NOT_SWAPPED, 0)).encode());
        host.log().compact(until, events.iterator(), events.size());
        gate.releaseOutOfBounds();

        assertThat(skipped.get(5, TimeUnit.SECONDS))
                .isEqualTo(new Outcome(casIndex, Outcome.Status.NOT_SWAPPED, 0));
        assertThat(machine.rebuiltFrom()).isEqualTo(until);
        // A retry is answered alike.
        assertThat(kv.compareAndSet(Bytes.utf8("a"), Bytes.utf8("0"), Bytes.utf8("2"), at).get(5, TimeUnit.SECONDS))
                .isEqualTo(new Outcome(casIndex, Outcome.Status.NOT_SWAPPED, 0));
    }

    /**
     * Wraps the state machine's listeners: while held, an entry read is kept back; released, it is dropped and
     * {@link OutOfBoundsException} thrown instead, as after a snapshot install moved the log past the listener.
     */
    private static final class Gate {
        private volatile CountDownLatch held;
        private volatile boolean outOfBounds;

        void hold() {
            held = new CountDownLatch(1);
        }

        void releaseOutOfBounds() {
            outOfBounds = true;
            CountDownLatch h = held;
            held = null;
            h.countDown();
        }

        Listener wrap(Listener delegate) {
            return new Listener() {
                @Override
                public Entry next() throws InterruptedException {
                    return check(delegate.next());
                }

                @Override
                public Entry poll(Duration timeout) throws InterruptedException {
                    Entry e = delegate.poll(timeout);
                    return e == null ? null : check(e);
                }

                private Entry check(Entry e) throws InterruptedException {
                    CountDownLatch h = held;
                    if (h != null && !h.await(30, TimeUnit.SECONDS)) {
                        throw new ClosedException("the test never released the gate");
                    }
                    if (outOfBounds) {
                        outOfBounds = false;
                        throw new OutOfBoundsException("entry " + e.index() + " was compacted");
                    }
                    return e;
                }

                @Override
                public long position() {
                    return delegate.position();
                }

                @Override
                public void close() {
                    delegate.close();
                }
            };
        }
    }
}

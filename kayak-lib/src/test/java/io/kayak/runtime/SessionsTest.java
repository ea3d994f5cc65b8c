package io.kayak.runtime;

import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Listener;
import io.kayak.LocalNetwork;
import io.kayak.Session;
import io.kayak.SessionExpiredException;
import io.kayak.core.session.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Sessions seen from inside the host: a second copy of a session's append (what a retry produces when the first
 * copy's answer was lost) commits, is recognised on every member, reaches listeners as {@link EntryKind#SESSION}
 * and answers with the first copy's index, also after a restart and from a snapshot; sessions expire by log time.
 */
class SessionsTest {
    @TempDir
    Path dir;
    private final LocalNetwork network = new LocalNetwork();
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeAll() {
        hosts.forEach(Host::close);
    }

    private Host start(UnaryOperator<HostOptions.Builder> tweak) {
        Host h = network.start(tweak.apply(HostOptions.builder().id("a").listen("local:a").dataDir(dir.resolve("a")))
                .build());
        hosts.add(h);
        await().atMost(Duration.ofSeconds(20)).until(() -> h.leader().isPresent());
        return h;
    }

    private static io.kayak.core.Entry attempt(Host h, byte[] entry) {
        return ((HostLog) h.log()).attempt(entry).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static List<Entry> read(Host h, long from, long to) throws InterruptedException {
        List<Entry> out = new ArrayList<>();
        try (Listener l = h.log().listen(from, 64)) {
            while (out.size() < to - from + 1) {
                out.add(l.next());
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSecondCopyOfACommittedAppendIsSkippedAndAnswersWithTheFirstIndex() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Host h = start(b -> b.meterRegistry(registry));
        try (Session s = h.log().openSession()) {
            byte[] copy = Envelope.append(s.id(), 1, 1, bytes("once"));
            io.kayak.core.Entry first = attempt(h, copy.clone());
            long before = h.log().head();
            io.kayak.core.Entry second = attempt(h, copy.clone());
            assertThat(second.index()).isEqualTo(first.index());
            assertThat(h.log().head()).isGreaterThan(before); // the copy did commit, as its own entry

            List<Entry> seen = read(h, first.index(), h.log().head());
            assertThat(seen.get(0).kind()).isEqualTo(EntryKind.NORMAL);
            assertThat(seen.get(0).payload()).isEqualTo(bytes("once"));
            assertThat(seen.stream().filter(e -> e.kind() == EntryKind.NORMAL)).hasSize(1);
            assertThat(seen.get(seen.size() - 1).kind()).isEqualTo(EntryKind.SESSION);
            assertThat(registry.get("kayak.sessions.duplicates").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("kayak.sessions.open").gauge().value()).isEqualTo(1.0);
        }
    }

    @Test
    void theSessionAnswersAppendsWithTheirEntryAndListenersSeeOnlyThePayload() throws Exception {
        Host h = start(b -> b);
        try (Session s = h.log().openSession()) {
            Entry e = s.append(bytes("hello")).get(20, TimeUnit.SECONDS);
            assertThat(e.kind()).isEqualTo(EntryKind.NORMAL);
            assertThat(e.payload()).isEqualTo(bytes("hello"));
            assertThat(read(h, e.index(), e.index()).get(0)).isEqualTo(e);
            Entry plain = h.log().append(bytes("plain")).get(20, TimeUnit.SECONDS);
            assertThat(read(h, plain.index(), plain.index()).get(0).payload()).isEqualTo(bytes("plain"));
        }
    }

    @Test
    void aClosedSessionOrHostRefusesAppendsWithClosedException() throws Exception {
        Host h = start(b -> b);
        Session s = h.log().openSession();
        s.close();
        assertThatThrownBy(() -> s.append(bytes("late")).get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(io.kayak.ClosedException.class);
        Session open = h.log().openSession();
        h.close();
        assertThatThrownBy(() -> open.append(bytes("late")).get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(io.kayak.ClosedException.class);
        assertThatThrownBy(() -> h.log().openSession()).isInstanceOf(io.kayak.ClosedException.class);
    }

    @Test
    void theTableSurvivesARestartAndASnapshot() throws Exception {
        Host h = start(b -> b);
        Session s = h.log().openSession();
        byte[] copy = Envelope.append(s.id(), 1, 1, bytes("once"));
        long first = attempt(h, copy.clone()).index();
        h.close();
        hosts.remove(h);

        Host restarted = start(b -> b);
        assertThat(attempt(restarted, copy.clone()).index()).as("replayed from the log").isEqualTo(first);
        long head = restarted.log().committed();
        restarted.sync().ack(head);
        restarted.log().compact(head, List.<byte[]>of().iterator(), 0);
        assertThat(restarted.log().snapshot().orElseThrow().next()).as("the library's section is not the"
                + " application's").isNull();
        restarted.close();
        hosts.remove(restarted);

        Host fromSnapshot = start(b -> b);
        assertThat(attempt(fromSnapshot, copy.clone()).index()).as("from the snapshot's section").isEqualTo(first);
    }

    @Test
    void aClientOutsideTheProcessRetriesThroughAnotherMemberAndItTakesEffectOnce() throws Exception {
        Host a = start(b -> b);
        Host b = network.join(HostOptions.builder().id("b").listen("local:b").dataDir(dir.resolve("b")).build(),
                List.of("local:a"));
        hosts.add(b);
        long session = b.log().openClientSession();
        Entry first = a.log().appendInSession(session, 1, 1, bytes("x")).get(20, TimeUnit.SECONDS);
        Entry again = b.log().appendInSession(session, 1, 1, bytes("x")).get(20, TimeUnit.SECONDS);
        assertThat(again.index()).isEqualTo(first.index());
        assertThat(again.term()).isEqualTo(first.term());
        // The client has the answer to 1 and says so with 2: a late copy of 1 is refused, never applied.
        b.log().appendInSession(session, 2, 2, bytes("y")).get(20, TimeUnit.SECONDS);
        assertThatThrownBy(() -> a.log().appendInSession(session, 1, 1, bytes("x")).get(20, TimeUnit.SECONDS))
                .hasCauseExactlyInstanceOf(io.kayak.KayakException.class)
                .hasMessageContaining("answered and acknowledged already");
        List<Entry> seen = read(b, first.index(), b.log().committed());
        assertThat(seen.stream().filter(e -> e.kind() == EntryKind.NORMAL).map(Entry::payload))
                .containsExactly(bytes("x"), bytes("y"));
        assertThatThrownBy(() -> a.log().appendInSession(session, 3, 4, bytes("z")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSessionSilentForItsTimeoutOfLogTimeExpires() throws Exception {
        Duration timeout = Duration.ofMillis(1_500);
        Host h = start(b -> b.requestTimeout(Duration.ofSeconds(1)).sessionTimeout(timeout));
        long silent = attempt(h, Envelope.open(timeout.toMillis(), 100)).index(); // opened, never kept alive
        long silentSince = System.currentTimeMillis();
        try (Session busy = h.log().openSession()) {
            // Log time only moves with stamped entries: drive it with the busy session until it has passed the
            // silent one's timeout by the leader's clock.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                busy.append(bytes("tick")).get(20, TimeUnit.SECONDS);
                return System.currentTimeMillis() - silentSince > timeout.toMillis() + 200;
            });
            busy.append(bytes("tick")).get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> attempt(h, Envelope.append(silent, 1, 1, bytes("late"))))
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(SessionExpiredException.class);
            assertThat(busy.append(bytes("still open")).get(20, TimeUnit.SECONDS).index()).isPositive();
        }
    }
}

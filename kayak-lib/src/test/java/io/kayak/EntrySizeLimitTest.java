package io.kayak;

import io.kayak.transport.EntryFraming;
import io.kayak.transport.TransportOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The entry size limit end to end, over real TCP where frames matter: an entry at the limit reaches every member by
 * every path (forwarded by a follower, replicated, read back after a restart, carried in a snapshot); one byte more
 * is refused at once, wherever it is appended, and leaves nothing behind; a peer that sends a frame above the frame
 * limit anyway is cut off and counted.
 */
class EntrySizeLimitTest {
    @TempDir
    Path dir;
    private TcpCluster cluster;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private TcpCluster cluster() {
        if (cluster == null) {
            cluster = new TcpCluster(dir);
        }
        return cluster;
    }

    /** Like {@link TcpCluster#options}, with room for a 16 MiB entry to be written to three disks, and a tweak. */
    private HostOptions options(String id, UnaryOperator<HostOptions.Builder> tweak) {
        return tweak.apply(HostOptions.builder().id(id).listen(cluster().listen(id)).dataDir(cluster().dataDir(id))
                .electionTimeout(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(30))).build();
    }

    private Host start(String id, UnaryOperator<HostOptions.Builder> tweak) {
        Host h = cluster().track(Kayak.start(options(id, tweak)));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.leader().isPresent());
        return h;
    }

    private Host join(String id, String via, UnaryOperator<HostOptions.Builder> tweak) {
        return cluster().track(Kayak.join(options(id, tweak), List.of(cluster().address(via))));
    }

    @Test
    void anEntryAtTheLargestLimitReachesEveryReplicaSurvivesARestartAndTravelsInASnapshot() throws Exception {
        int limit = EntryFraming.maxPayloadBytes(TransportOptions.DEFAULT_MAX_FRAME_BYTES);
        // Segments that hold one such entry exactly: the entry meets the frame bound and the segment bound at once.
        UnaryOperator<HostOptions.Builder> largest = o -> o.maxEntryBytes(limit).segmentCapacity(limit + 32 + 25 + 33);
        Host a = start("a", largest);
        Host b = join("b", "a", largest);
        Host c = join("c", "a", largest);
        await().atMost(Duration.ofSeconds(30)).until(() -> TcpCluster.voters(a).equals(List.of("a", "b", "c")));
        byte[] payload = randomBytes(limit);

        // A follower forwards it to the leader, which replicates it to both followers.
        Entry entry = b.log().append(payload).get(60, TimeUnit.SECONDS);
        for (Host h : List.of(a, b, c)) {
            assertSameBytes(read(h, entry.index()), payload, "the entry on " + h.id());
        }
        // One byte more would fit a frame but not a segment: refused, where it used to stop the leader's storage.
        CompletableFuture<Entry> oneMore = b.log().append(Arrays.copyOf(payload, limit + 1));
        assertThat(oneMore).isCompletedExceptionally();
        assertThat(cause(oneMore).limit()).isEqualTo(limit);

        // Read back from disk after a restart; the restarted member takes part again.
        c.close();
        cluster().hosts().remove(c);
        Host c2 = cluster().track(Kayak.start(options("c", largest)));
        assertSameBytes(read(c2, entry.index()), payload, "the entry on c after its restart");
        await().atMost(Duration.ofSeconds(30)).until(() -> c2.leader().isPresent());
        long until = c2.log().append(bytes("after the restart")).get(60, TimeUnit.SECONDS).index();

        // Compacted away on the leader: a newcomer receives it in the leader's snapshot.
        await().atMost(Duration.ofSeconds(30)).until(() -> a.log().committed() >= until);
        List<byte[]> state = normalPayloads(a, until);
        a.sync().ack(until);
        a.log().compact(until, state.iterator(), state.size());
        assertThat(a.log().compacted()).isGreaterThanOrEqualTo(entry.index());
        Host d = join("d", "a", largest);
        await().atMost(Duration.ofSeconds(60)).until(() -> d.log().snapshotIndex() >= until);
        try (Snapshot snapshot = d.log().snapshot().orElseThrow()) {
            assertThat(snapshot.lastIndex()).isEqualTo(until);
            assertSameBytes(snapshot.next(), payload, "the entry in d's snapshot");
            assertThat(snapshot.next()).isEqualTo(bytes("after the restart"));
            assertThat(snapshot.next()).isNull();
        }

        // Everybody goes on committing.
        long last = d.log().append(bytes("after the snapshot")).get(60, TimeUnit.SECONDS).index();
        for (Host h : List.of(a, b, c2, d)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> h.log().committed() >= last);
        }
    }

    @Test
    void onePastTheLimitIsRefusedAtOnceOnTheLeaderAndOnAFollowerAndNothingIsAppended() throws Exception {
        Host a = start("a", o -> o.meterRegistry(registry));
        Host b = join("b", "a", UnaryOperator.identity());
        await().atMost(Duration.ofSeconds(30)).until(() -> TcpCluster.voters(a).equals(List.of("a", "b"))
                && b.log().head() == a.log().head() && b.leader().isPresent());
        int limit = HostOptions.DEFAULT_MAX_ENTRY_BYTES;
        long head = a.log().head();

        for (Host h : List.of(a, b)) {
            CompletableFuture<Entry> refused = h.log().append(new byte[limit + 1]);
            assertThat(refused).as("refused on %s before append returns", h.id()).isCompletedExceptionally();
            EntryTooLargeException e = cause(refused);
            assertThat(e.size()).isEqualTo(limit + 1);
            assertThat(e.limit()).isEqualTo(limit);
            assertThat(e.getMessage()).contains(String.valueOf(limit + 1), String.valueOf(limit), "maxEntryBytes",
                    h.id());
        }
        // What used to be retransmitted in vain forever, past the frame limit, and wedged the cluster.
        CompletableFuture<Entry> huge = b.log().append(new byte[17 << 20]);
        assertThat(huge).isCompletedExceptionally();
        assertThat(cause(huge).size()).isEqualTo(17 << 20);

        assertThat(a.log().head()).isEqualTo(head);
        assertThat(b.log().head()).isEqualTo(head);
        assertThat(registry.get("kayak.appends.pending").tag("member", "a").gauge().value()).isZero();

        // Exactly at the limit, from either member, and anything after, still commits.
        Entry atLimit = b.log().append(new byte[limit]).get(30, TimeUnit.SECONDS);
        assertThat(atLimit.index()).isGreaterThan(head);
        a.log().append(new byte[limit]).get(30, TimeUnit.SECONDS);
        long last = b.log().append(bytes("after")).get(30, TimeUnit.SECONDS).index();
        await().atMost(Duration.ofSeconds(30)).until(() -> a.log().committed() >= last);
    }

    @Test
    void aLeaderRefusesAForwardedAppendAboveItsOwnLimit() throws Exception {
        int leaderLimit = 1 << 20;
        Host a = start("a", o -> o.maxEntryBytes(leaderLimit));
        Host b = join("b", "a", UnaryOperator.identity()); // the default limit, four times the leader's
        await().atMost(Duration.ofSeconds(30)).until(() -> TcpCluster.voters(a).equals(List.of("a", "b"))
                && b.log().head() == a.log().head() && b.leader().isPresent());
        assertThat(TcpCluster.leads(a)).isTrue();
        long head = a.log().head();

        CompletableFuture<Entry> refused = b.log().append(new byte[leaderLimit + 1]);
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        EntryTooLargeException e = cause(refused);
        assertThat(e.size()).isEqualTo(leaderLimit + 1);
        assertThat(e.limit()).isEqualTo(leaderLimit);
        assertThat(e.getMessage()).contains(String.valueOf(leaderLimit + 1), String.valueOf(leaderLimit),
                "maxEntryBytes", "on a");
        assertThat(a.log().head()).isEqualTo(head);
        assertThat(b.log().head()).isEqualTo(head);

        Entry atLeaderLimit = b.log().append(new byte[leaderLimit]).get(30, TimeUnit.SECONDS);
        assertThat(atLeaderLimit.index()).isEqualTo(head + 1);
    }

    @Test
    void aNullPayloadIsRefusedOnTheCallersThread() {
        Host a = start("a", o -> o.meterRegistry(registry));
        assertThatThrownBy(() -> a.log().append(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("payload");
        assertThat(registry.get("kayak.appends.pending").tag("member", "a").gauge().value()).isZero();
    }

    @Test
    void aPeerSendingAFrameAboveTheLimitIsCutOffAndCounted() throws Exception {
        Host a = start("a", o -> o.meterRegistry(registry));
        String[] hostPort = a.address().split(":");
        try (Socket raw = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            raw.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(TransportOptions.DEFAULT_MAX_FRAME_BYTES + 1);
            out.write(new byte[1024]);
            out.flush();
            assertClosedByPeer(raw.getInputStream());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> counter("kayak.transport.oversize.frames") == 1);
        assertThat(counter("kayak.transport.protocol.errors")).isEqualTo(1);
        assertThat(counter("kayak.transport.oversize.dropped")).isZero();
        a.log().append(bytes("still serving")).get(30, TimeUnit.SECONDS);
    }

    private double counter(String name) {
        return registry.get(name).tag("member", "a").functionCounter().count();
    }

    private static void assertClosedByPeer(InputStream in) throws IOException {
        try {
            assertThat(in.read()).as("the member must close the connection without answering").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the member kept the connection open", e);
        } catch (IOException reset) {
            // a reset is a close too: the member closed with our bytes unread
        }
    }

    private static EntryTooLargeException cause(CompletableFuture<Entry> refused) {
        try {
            refused.getNow(null);
        } catch (java.util.concurrent.CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(EntryTooLargeException.class);
            return (EntryTooLargeException) e.getCause();
        }
        throw new AssertionError("the append was not refused: " + refused);
    }

    /** The payload of the entry at {@code index} of {@code h}'s log, once it is committed there. */
    private static byte[] read(Host h, long index) throws InterruptedException {
        try (Listener listener = h.log().listen(index, 1)) {
            Entry e = listener.poll(Duration.ofSeconds(60));
            assertThat(e).as("entry %d on %s", index, h.id()).isNotNull();
            assertThat(e.index()).isEqualTo(index);
            return e.payload();
        }
    }

    /** The payloads of the normal entries of {@code h}'s log up to {@code until}: the state a snapshot carries. */
    private static List<byte[]> normalPayloads(Host h, long until) throws InterruptedException {
        List<byte[]> payloads = new ArrayList<>();
        try (Listener listener = h.log().listen(1, 4)) {
            for (long i = 1; i <= until; i++) {
                Entry e = listener.poll(Duration.ofSeconds(30));
                assertThat(e).isNotNull();
                if (e.kind() == EntryKind.NORMAL) {
                    payloads.add(e.payload());
                }
            }
        }
        return payloads;
    }

    private static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as(what + ": first differing byte").isEqualTo(-1);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.kayak.server;

import io.kayak.HostOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes in client sessions over HTTP ({@code Kayak-Session}/{@code Kayak-Sequence}): a write sent again with the
 * same numbers is answered with the first copy's status and body and applies once, through another member, after a
 * restart and after the log holding it was compacted away; an unknown or evicted session is 410, a sequence the
 * client declared answered is 422, malformed headers are 400.
 */
class SessionWritesTest {
    @TempDir
    Path dir;
    private final List<TestServer> servers = new ArrayList<>();
    /** The peer address of the member with a data directory: port 0 at first, then the one it bound. */
    private String address = "127.0.0.1:0";

    /** A status and a body: what a retry must repeat exactly. */
    private record Answer(int status, String body) {
        static Answer of(HttpResponse<String> r) {
            return new Answer(r.statusCode(), r.body());
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    /** A one-member cluster with a data directory (so it can restart), its options changed by {@code tweak}. */
    private TestServer start(UnaryOperator<HostOptions.Builder> tweak) {
        TestServer s = TestServer.seed("s", b -> tweak.apply(b.listen(address).dataDir(dir.resolve("s"))));
        servers.add(s);
        address = s.host.address();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.host.leader().isPresent());
        return s;
    }

    private TestServer restart(TestServer s, UnaryOperator<HostOptions.Builder> tweak) {
        s.close();
        servers.remove(s);
        return start(tweak);
    }

    private static long openSession(TestServer s) throws Exception {
        HttpResponse<String> opened = s.send("POST", "/v1/sessions", null);
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        return (Long) Json.parseObject(opened.body()).get("session");
    }

    /** A write in {@code session}, reporting {@code sequence} itself as the first unanswered (the default). */
    private static Answer write(TestServer s, String method, String path, String body, long session, long sequence)
            throws Exception {
        return Answer.of(s.send(method, path, body, SessionHeaders.SESSION, Long.toString(session),
                SessionHeaders.SEQUENCE, Long.toString(sequence)));
    }

    /** A write in {@code session} whose client still waits for the answers from {@code firstUnanswered} on. */
    private static Answer write(TestServer s, String method, String path, String body, long session, long sequence,
                                long firstUnanswered) throws Exception {
        return Answer.of(s.send(method, path, body, SessionHeaders.SESSION, Long.toString(session),
                SessionHeaders.SEQUENCE, Long.toString(sequence), SessionHeaders.FIRST_UNANSWERED,
                Long.toString(firstUnanswered)));
    }

    private static String value(TestServer s, String key) throws Exception {
        HttpResponse<String> r = s.send("GET", "/v1/kv/" + key, null);
        return r.statusCode() == 404 ? null : r.body();
    }

    @Test
    void aRetriedIncrementIsAnsweredAsTheFirstCopyWasAndCountsOnce() throws Exception {
        TestServer s = start(b -> b);
        long session = openSession(s);
        Answer first = write(s, "POST", "/v1/kv/n?op=increment", null, session, 1);
        assertThat(first.status()).isEqualTo(200);
        assertThat(Json.parseObject(first.body())).containsEntry("value", 1L).containsKey("index");
        for (int retry = 0; retry < 3; retry++) {
            assertThat(write(s, "POST", "/v1/kv/n?op=increment", null, session, 1)).isEqualTo(first);
        }
        assertThat(value(s, "n")).isEqualTo("1");
        Answer second = write(s, "POST", "/v1/kv/n?op=increment", null, session, 2);
        assertThat(Json.parseObject(second.body())).containsEntry("value", 2L);
        assertThat(value(s, "n")).isEqualTo("2");
    }

    @Test
    void aRetriedCompareAndSetKeepsItsFirstResultWhateverTheValueIsNow() throws Exception {
        TestServer s = start(b -> b);
        long session = openSession(s);
        s.send("PUT", "/v1/kv/k", "a");
        Answer swapped = write(s, "PUT", "/v1/kv/k?prevValue=a", "b", session, 1);
        assertThat(swapped.status()).isEqualTo(200);
        // Without a session the same request sent again would now fail (412): the value is b.
        assertThat(write(s, "PUT", "/v1/kv/k?prevValue=a", "b", session, 1)).isEqualTo(swapped);
        assertThat(s.send("PUT", "/v1/kv/k?prevValue=a", "b").statusCode()).isEqualTo(412);

        Answer refused = write(s, "PUT", "/v1/kv/k?prevValue=a", "c", session, 2);
        assertThat(refused.status()).isEqualTo(412);
        s.send("PUT", "/v1/kv/k", "a");
        // Now the value is a, so a fresh compare-and-set would swap; the retry must not.
        assertThat(write(s, "PUT", "/v1/kv/k?prevValue=a", "c", session, 2)).isEqualTo(refused);
        assertThat(value(s, "k")).isEqualTo("a");
    }

    @Test
    void aRetriedDeleteKeepsItsFirstResult() throws Exception {
        TestServer s = start(b -> b);
        long session = openSession(s);
        s.send("PUT", "/v1/kv/d", "x");
        Answer deleted = write(s, "DELETE", "/v1/kv/d", null, session, 1);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(write(s, "DELETE", "/v1/kv/d", null, session, 1)).isEqualTo(deleted);

        Answer absent = write(s, "DELETE", "/v1/kv/e", null, session, 2);
        assertThat(absent.status()).isEqualTo(404);
        s.send("PUT", "/v1/kv/e", "y");
        assertThat(write(s, "DELETE", "/v1/kv/e", null, session, 2)).isEqualTo(absent);
        assertThat(value(s, "e")).isEqualTo("y");
    }

    @Test
    void retriesAreAnsweredAlikeAfterARestart() throws Exception {
        TestServer s = start(b -> b);
        long session = openSession(s);
        s.send("PUT", "/v1/kv/k", "a");
        Answer incremented = write(s, "POST", "/v1/kv/n?op=increment", null, session, 1, 1);
        Answer refused = write(s, "PUT", "/v1/kv/k?prevValue=z", "c", session, 2, 1);
        Answer put = write(s, "PUT", "/v1/kv/p", "v", session, 3, 1);
        assertThat(List.of(incremented.status(), refused.status(), put.status())).containsExactly(200, 412, 200);
        s.send("PUT", "/v1/kv/k", "z");

        s = restart(s, b -> b);
        assertThat(write(s, "POST", "/v1/kv/n?op=increment", null, session, 1, 1)).isEqualTo(incremented);
        assertThat(write(s, "PUT", "/v1/kv/k?prevValue=z", "c", session, 2, 1)).isEqualTo(refused);
        assertThat(write(s, "PUT", "/v1/kv/p", "v", session, 3, 1)).isEqualTo(put);
        assertThat(value(s, "n")).isEqualTo("1");
        assertThat(value(s, "k")).isEqualTo("z");
    }

    @Test
    void retriesAreAnsweredAlikeOnceTheLogHoldingTheWritesIsCompactedAndAfterARestartFromTheSnapshot()
            throws Exception {
        UnaryOperator<HostOptions.Builder> compactOften = b -> b.compactAfterEntries(100).compactTrailingEntries(10)
                .segmentCapacity(16 << 10);
        TestServer s = start(compactOften);
        long session = openSession(s);
        Answer incremented = write(s, "POST", "/v1/kv/n?op=increment", null, session, 1, 1);
        Answer absent = write(s, "DELETE", "/v1/kv/never", null, session, 2, 1);
        long written = (Long) Json.parseObject(incremented.body()).get("index");
        for (int i = 0; i < 400; i++) {
            s.send("PUT", "/v1/kv/filler" + (i % 20), "f" + i);
        }
        TestServer compacting = s;
        await().atMost(Duration.ofSeconds(20)).until(() -> compacting.host.log().compacted() > written + 2);
        // The entries are gone from the log: the answer can only come from the remembered results.
        assertThat(write(s, "POST", "/v1/kv/n?op=increment", null, session, 1, 1)).isEqualTo(incremented);

        s = restart(s, compactOften);
        TestServer restarted = s;
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.server.stateMachine().rebuiltFrom() > written);
        assertThat(write(s, "POST", "/v1/kv/n?op=increment", null, session, 1, 1)).isEqualTo(incremented);
        assertThat(write(s, "DELETE", "/v1/kv/never", null, session, 2, 1)).isEqualTo(absent);
        assertThat(value(s, "n")).isEqualTo("1");
    }

    @Test
    void aRetryThroughAnotherMemberIsAnsweredAlike() throws Exception {
        TestServer a = TestServer.seed("a", Duration.ofSeconds(5));
        servers.add(a);
        TestServer b = TestServer.join("b", a, Duration.ofSeconds(5));
        servers.add(b);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.host.roster().stream().filter(m -> m.voter()).count()
                == 2);
        long session = openSession(b);
        Answer viaA = write(a, "POST", "/v1/kv/n?op=increment", null, session, 1);
        assertThat(viaA.status()).isEqualTo(200);
        assertThat(write(b, "POST", "/v1/kv/n?op=increment", null, session, 1)).isEqualTo(viaA);
        assertThat(value(b, "n")).isEqualTo("1");
    }

    @Test
    void anUnknownOrEvictedSessionIs410AndTheWriteTakesNoEffect() throws Exception {
        TestServer s = start(b -> b.maxSessions(1));
        HttpResponse<String> unknown = s.send("PUT", "/v1/kv/k", "v", SessionHeaders.SESSION, "999999",
                SessionHeaders.SEQUENCE, "1");
        assertThat(unknown.statusCode()).isEqualTo(410);
        assertThat(Json.parseObject(unknown.body())).containsKeys("error", "leader");
        assertThat(value(s, "k")).isNull();

        long first = openSession(s);
        assertThat(write(s, "PUT", "/v1/kv/k", "1", first, 1).status()).isEqualTo(200);
        long second = openSession(s); // one session at most: the first is evicted
        assertThat(write(s, "PUT", "/v1/kv/k", "2", first, 2).status()).isEqualTo(410);
        assertThat(value(s, "k")).isEqualTo("1");
        assertThat(write(s, "PUT", "/v1/kv/k", "3", second, 1).status()).isEqualTo(200);
    }

    @Test
    void aSequenceTheClientDeclaredAnsweredIs422() throws Exception {
        TestServer s = start(b -> b);
        long session = openSession(s);
        assertThat(write(s, "PUT", "/v1/kv/k", "1", session, 1).status()).isEqualTo(200);
        assertThat(s.send("PUT", "/v1/kv/k", "2", SessionHeaders.SESSION, Long.toString(session),
                SessionHeaders.SEQUENCE, "2", SessionHeaders.FIRST_UNANSWERED, "2").statusCode()).isEqualTo(200);
        assertThat(write(s, "PUT", "/v1/kv/k", "3", session, 3).status()).isEqualTo(200); // 1 and 2 answered
        Answer late = write(s, "PUT", "/v1/kv/k", "1", session, 2);
        assertThat(late.status()).isEqualTo(422);
        assertThat(Json.parseObject(late.body()).get("error").toString()).contains("answered");
        assertThat(value(s, "k")).isEqualTo("3");
    }

    @Test
    void malformedSessionHeadersAre400AndOpeningNeedsPost() throws Exception {
        TestServer s = start(b -> b);
        assertThat(s.send("PUT", "/v1/kv/k", "v", SessionHeaders.SESSION, "1").statusCode()).isEqualTo(400);
        assertThat(s.send("PUT", "/v1/kv/k", "v", SessionHeaders.SEQUENCE, "1").statusCode()).isEqualTo(400);
        assertThat(s.send("PUT", "/v1/kv/k", "v", SessionHeaders.SESSION, "x", SessionHeaders.SEQUENCE, "1")
                .statusCode()).isEqualTo(400);
        assertThat(s.send("PUT", "/v1/kv/k", "v", SessionHeaders.SESSION, "1", SessionHeaders.SEQUENCE, "1",
                SessionHeaders.FIRST_UNANSWERED, "2").statusCode()).isEqualTo(400);
        assertThat(s.send("PUT", "/v1/kv/k", "v", SessionHeaders.SESSION, "0", SessionHeaders.SEQUENCE, "1")
                .statusCode()).isEqualTo(400);
        assertThat(s.send("POST", "/v1/kv/k?op=decrement", null).statusCode()).isEqualTo(400);
        assertThat(s.send("GET", "/v1/sessions", null).statusCode()).isEqualTo(405);
        assertThat(value(s, "k")).isNull();
    }

    @Test
    void anIncrementWithoutASessionWorksAndRefusesANonNumberWith409() throws Exception {
        TestServer s = start(b -> b);
        HttpResponse<String> one = s.send("POST", "/v1/kv/c?op=increment", null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(Json.parseObject(one.body())).containsEntry("value", 1L);
        s.send("PUT", "/v1/kv/word", "hello");
        assertThat(s.send("POST", "/v1/kv/word?op=increment", null).statusCode()).isEqualTo(409);
        assertThat(value(s, "word")).isEqualTo("hello");
    }
}

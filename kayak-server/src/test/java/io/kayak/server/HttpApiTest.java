package io.kayak.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP API on a one-member cluster: each operation and each bad input with its documented answer. */
class HttpApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.seed("solo", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.host.leader().isPresent());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void putThenGetReturnsTheRawValueAndTheIndex() throws Exception {
        HttpResponse<String> put = server.send("PUT", "/v1/kv/greeting", "hello world");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(Json.parseObject(put.body()).get("index")).isInstanceOf(Long.class);
        assertThat(server.send("GET", "/v1/kv/greeting", null).body()).isEqualTo("hello world");
        assertThat(server.send("GET", "/v1/kv/greeting?consistency=local", null).body()).isEqualTo("hello world");
    }

    @Test
    void aWriteLargerThanALogEntryIsRefusedWith413AndNothingIsApplied() throws Exception {
        try (TestServer small = TestServer.seed("small", b -> b.maxEntryBytes(64 << 10))) {
            String value = "v".repeat(100 << 10); // within the server's value limit, above the log's entry limit
            HttpResponse<String> put = small.send("PUT", "/v1/kv/big", value);
            assertThat(put.statusCode()).isEqualTo(413);
            assertThat(put.body()).contains("maxEntryBytes");
            assertThat(small.send("GET", "/v1/kv/big", null).statusCode()).isEqualTo(404);
            assertThat(small.send("PUT", "/v1/kv/small", "fits").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void absentKeysAre404ForGetAndDelete() throws Exception {
        assertThat(server.send("GET", "/v1/kv/never-written", null).statusCode()).isEqualTo(404);
        assertThat(server.send("DELETE", "/v1/kv/never-written", null).statusCode()).isEqualTo(404);
    }

    @Test
    void deleteRemovesTheKey() throws Exception {
        server.send("PUT", "/v1/kv/doomed", "x");
        assertThat(server.send("DELETE", "/v1/kv/doomed", null).statusCode()).isEqualTo(200);
        assertThat(server.send("GET", "/v1/kv/doomed", null).statusCode()).isEqualTo(404);
    }

    @Test
    void compareAndSetSwapsOnlyTheExpectedValue() throws Exception {
        server.send("PUT", "/v1/kv/counter", "1");
        assertThat(server.send("PUT", "/v1/kv/counter?prevValue=1", "2").statusCode()).isEqualTo(200);
        HttpResponse<String> stale = server.send("PUT", "/v1/kv/counter?prevValue=1", "3");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(Json.parseObject(stale.body())).containsKey("error");
        assertThat(server.send("PUT", "/v1/kv/no-such-counter?prevValue=1", "2").statusCode()).isEqualTo(412);
        assertThat(server.send("GET", "/v1/kv/counter", null).body()).isEqualTo("2");
    }

    @Test
    void keysArePercentDecodedUtf8() throws Exception {
        assertThat(server.send("PUT", "/v1/kv/caf%C3%A9%20%2F%20bar", "v").statusCode()).isEqualTo(200);
        assertThat(server.send("GET", "/v1/kv/caf%C3%A9%20%2F%20bar", null).body()).isEqualTo("v");
    }

    @Test
    void oversizedKeysAndValuesAre413() throws Exception {
        HttpResponse<String> longKey = server.send("PUT", "/v1/kv/" + "k".repeat(1025), "v");
        assertThat(longKey.statusCode()).isEqualTo(413);
        assertThat(Json.parseObject(longKey.body()).get("error").toString()).contains("key");
        assertThat(server.send("PUT", "/v1/kv/" + "k".repeat(1024), "v").statusCode()).isEqualTo(200);
        HttpResponse<String> bigValue = server.send("PUT", "/v1/kv/big", "v".repeat((1 << 20) + 1));
        assertThat(bigValue.statusCode()).isEqualTo(413);
        assertThat(Json.parseObject(bigValue.body())).containsKey("error");
        assertThat(server.send("PUT", "/v1/kv/big", "v".repeat(1 << 20)).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        assertThat(server.raw("GET /v1/kv/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(server.send("GET", "/v1/kv/", null).statusCode()).isEqualTo(400);
        assertThat(server.send("GET", "/v1/kv/a?consistency=eventual", null).statusCode()).isEqualTo(400);
        assertThat(server.send("PUT", "/v1/kv/a?prevValue=1&prevValue=2", "x").statusCode()).isEqualTo(400);
        HttpResponse<String> bad = server.send("GET", "/v1/kv/a?consistency=eventual", null);
        assertThat(Json.parseObject(bad.body())).containsKeys("error", "leader");
    }

    @Test
    void wrongMethodsAre405AndUnknownPaths404() throws Exception {
        assertThat(server.send("POST", "/v1/kv/a", "x").statusCode()).isEqualTo(405);
        assertThat(server.send("DELETE", "/v1/status", null).statusCode()).isEqualTo(405);
        assertThat(server.send("GET", "/v2/nothing", null).statusCode()).isEqualTo(404);
    }

    @Test
    void garbageOnTheWireIsRefusedAndTheServerKeepsServing() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.server.httpAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("\u0000\u0001GARBAGE / HTTP/9.9\r\nno colon header\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).startsWith("HTTP/1.1 400");
        }
        assertThat(server.send("GET", "/v1/status", null).statusCode()).isEqualTo(200);
    }

    @Test
    void statusReportsThisMemberAndTheMembers() throws Exception {
        Map<String, Object> status = Json.parseObject(server.send("GET", "/v1/status", null).body());
        assertThat(status).containsEntry("id", "solo").containsEntry("role", "leader").containsEntry("leader", "solo")
                .containsKeys("term", "commit", "applied", "members");
        assertThat(status.get("members").toString()).contains("solo");
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> metrics = server.send("GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(metrics.body()).contains("# TYPE kayak_commits");
    }

    @Test
    void theStatusPageIsServed() throws Exception {
        HttpResponse<String> page = server.send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<table id=\"members\"");
    }
}

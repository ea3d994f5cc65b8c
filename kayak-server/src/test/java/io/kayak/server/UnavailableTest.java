package io.kayak.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A two-member cluster that lost one member has no quorum: reads are refused with 503 and Retry-After (nothing
 * happened), while writes that were appended but cannot commit answer 504 "outcome unknown" (they may still commit).
 */
class UnavailableTest {
    private TestServer a;
    private TestServer b;

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void withoutQuorumReadsAre503AndWritesAreOutcomeUnknown() throws Exception {
        Duration timeout = Duration.ofMillis(800);
        a = TestServer.seed("a", timeout);
        b = TestServer.join("b", a, timeout);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.host.roster().stream().filter(m -> m.voter()).count() == 2);
        assertThat(a.send("PUT", "/v1/kv/k", "v").statusCode()).isEqualTo(200);
        b.close();
        b = null;

        HttpResponse<String> write = a.send("PUT", "/v1/kv/k", "w");
        assertThat(write.statusCode()).isEqualTo(504);
        assertThat(Json.parseObject(write.body())).containsEntry("error", "outcome unknown");

        HttpResponse<String> read = a.send("GET", "/v1/kv/k", null);
        assertThat(read.statusCode()).isEqualTo(503);
        assertThat(read.headers().firstValue("retry-after")).isPresent();
        Map<String, Object> error = Json.parseObject(read.body());
        assertThat(error).containsKeys("error", "leader");

        assertThat(a.send("GET", "/v1/kv/k?consistency=local", null).body()).isEqualTo("v");
    }
}

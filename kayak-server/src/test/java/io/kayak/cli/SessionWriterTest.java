package io.kayak.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The command line's retrying writes against a scripted server: the same session and sequence on every copy, the
 * next member after one that does not answer, a new session after 410, a definite answer at once, the last
 * undecided answer at the deadline.
 */
class SessionWriterTest {
    private final java.util.List<Socket> heldPorts = new java.util.ArrayList<>();
    private HttpServer server;
    private HostPort address;
    /** The statuses the next writes are answered with (then 200). */
    private final Deque<Integer> script = new ArrayDeque<>();
    /** Each write's session and sequence headers, as received. */
    private final List<String> writes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> progress = new ArrayList<>();
    private int sessions;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/sessions", e -> answer(e, 200, "{\"session\":" + (100 + ++sessions) + "}"));
        server.createContext("/v1/kv/", e -> {
            writes.add(e.getRequestHeaders().getFirst("Kayak-Session") + "/"
                    + e.getRequestHeaders().getFirst("Kayak-Sequence") + "/"
                    + e.getRequestHeaders().getFirst("Kayak-First-Unanswered"));
            Integer status = script.poll();
            answer(e, status == null ? 200 : status, status == null ? "{\"index\":7}" : "{\"error\":\"x\"}");
        });
        server.start();
        address = new HostPort("127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        for (Socket held : heldPorts) {
            try {
                held.close();
            } catch (IOException ignored) {
                // closing a socket that never connected
            }
        }
    }

    private static void answer(HttpExchange e, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.sendResponseHeaders(status, bytes.length);
        e.getResponseBody().write(bytes);
        e.close();
    }

    private SessionWriter writer(List<HostPort> members, Duration retryFor) {
        return new SessionWriter(members, ClusterClient::new, retryFor, progress::add);
    }

    private static ClusterClient.Write put() {
        return new ClusterClient.Write.Put("k", "v".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUndecidedWriteIsSentAgainWithTheSameSessionAndSequence() {
        script.addAll(List.of(504, 503, 504));
        ClusterClient.Reply reply = writer(List.of(address), Duration.ofSeconds(10)).write(put());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(writes).containsExactly("101/1/1", "101/1/1", "101/1/1", "101/1/1");
        assertThat(progress).hasSize(3);
    }

    @Test
    void aMemberThatDoesNotAnswerIsSkippedForTheNext() throws IOException {
        HostPort dead;
        dead = new HostPort("127.0.0.1", refusingPort());
        ClusterClient.Reply reply = writer(List.of(dead, address), Duration.ofSeconds(10)).write(put());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(progress.get(0)).contains("cannot reach " + dead);
    }

    @Test
    void anExpiredSessionNeverAppliedTheWriteSoANewOneSendsIt() {
        script.add(410);
        ClusterClient.Reply reply = writer(List.of(address), Duration.ofSeconds(10)).write(put());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(writes).containsExactly("101/1/1", "102/1/1");
    }

    @Test
    void aDefiniteAnswerIsReturnedAtOnce() {
        script.add(412);
        assertThat(writer(List.of(address), Duration.ofSeconds(10)).write(put()).status()).isEqualTo(412);
        assertThat(writes).hasSize(1);
    }

    @Test
    void atTheDeadlineTheLastUndecidedAnswerIsReturned() throws IOException {
        for (int i = 0; i < 100; i++) {
            script.add(504);
        }
        assertThat(writer(List.of(address), Duration.ofSeconds(2)).write(put()).status()).isEqualTo(504);
        assertThat(writes.size()).isBetween(2, 20);

        HostPort dead;
        dead = new HostPort("127.0.0.1", refusingPort());
        HostPort unreachable = dead;
        assertThatThrownBy(() -> writer(List.of(unreachable), Duration.ofMillis(300)).write(put()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2));
    }

    /**
     * A port held bound but not listening, for the test's lifetime: connecting to it is refused, and no other
     * process can take it meanwhile (a port closed again right away could be).
     */
    private int refusingPort() throws IOException {
        Socket held = new Socket();
        held.bind(new InetSocketAddress("127.0.0.1", 0));
        heldPorts.add(held);
        return held.getLocalPort();
    }
}

package io.kayak.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the HTTP and RESP ports of a running member with random and mutated requests over real sockets. Each
 * try writes its bytes, half-closes and reads whatever comes back; afterwards the member must still answer a
 * valid request on both ports. Budget: 1,500 connections per protocol, a few seconds each run (the CI budget). Exceptions inside the server cannot escape to the test, so "no crash" is shown by the server staying
 * up and correct after every batch.
 */
class ClientProtocolFuzzTest {
    private static TestServer server;

    private static final List<String> HTTP_SEEDS = List.of(
            "GET /v1/kv/k HTTP/1.1\r\nHost: x\r\n\r\n",
            "PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
            "PUT /v1/kv/k?prevValue=abc HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz",
            "DELETE /v1/kv/%41%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/kv/a?consistency=local HTTP/1.1\r\n\r\n",
            "POST /v1/members/x/remove HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "GET /metrics HTTP/1.0\r\n\r\n");

    private static final List<String> RESP_SEEDS = List.of(
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
            "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
            "*4\r\n$3\r\nCAS\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nw\r\n",
            "PING hello\r\nINCR n\r\n",
            "*2\r\n$3\r\nDEL\r\n$-1\r\n",
            "*-1\r\n*0\r\n$999999999\r\n",
            ":12\r\n+OK\r\n-ERR x\r\n");

    @BeforeContainer
    static void start() {
        server = TestServer.seed("fuzz", Duration.ofSeconds(2));
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 1500)
    void httpPortSurvivesAnyRequest(@ForAll("httpRequests") byte[] request) throws Exception {
        exchange(server.server.httpAddress().getPort(), request);
    }

    @Property(tries = 1500)
    void respPortSurvivesAnyRequest(@ForAll("respRequests") byte[] request) throws Exception {
        exchange(server.respPort(), request);
    }

    @Property(tries = 5)
    void afterTheFuzzBothPortsStillAnswerCorrectly(@ForAll("httpRequests") byte[] noise) throws Exception {
        exchange(server.server.httpAddress().getPort(), noise);
        assertThat(server.send("PUT", "/v1/kv/after", "ok").statusCode()).isEqualTo(200);
        assertThat(server.send("GET", "/v1/kv/after", null).body()).isEqualTo("ok");
        byte[] ping = exchange(server.respPort(), "PING\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(ping, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
    }

    @Provide
    Arbitrary<byte[]> httpRequests() {
        return requests(HTTP_SEEDS);
    }

    @Provide
    Arbitrary<byte[]> respRequests() {
        return requests(RESP_SEEDS);
    }

    /** A third random bytes, two thirds seeds mutated by flips, insertions, duplications and truncation. */
    private static Arbitrary<byte[]> requests(List<String> seeds) {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> mutated = Arbitraries.of(seeds).flatMap(seed -> {
            byte[] base = seed.getBytes(StandardCharsets.ISO_8859_1);
            return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(4).map(r -> mutate(base, r));
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(2, mutated));
    }

    private static byte[] mutate(byte[] base, List<Integer> r) {
        byte[] out = base.clone();
        switch (r.get(0) % 5) {
            case 0 -> out[r.get(1) % out.length] ^= (byte) (1 + r.get(2) % 255);
            case 1 -> out = java.util.Arrays.copyOf(out, r.get(1) % out.length);
            case 2 -> {
                int at = r.get(1) % out.length;
                byte[] inserted = new byte[out.length + 1 + r.get(3) % 16];
                System.arraycopy(out, 0, inserted, 0, at);
                for (int i = at; i < at + inserted.length - out.length; i++) {
                    inserted[i] = (byte) (r.get(2) >>> (i % 24));
                }
                System.arraycopy(out, at, inserted, at + inserted.length - out.length, out.length - at);
                out = inserted;
            }
            case 3 -> {
                byte[] twice = new byte[out.length * 2];
                System.arraycopy(out, 0, twice, 0, out.length);
                System.arraycopy(out, 0, twice, out.length, out.length);
                out = twice;
            }
            default -> out[r.get(1) % out.length] = (byte) r.get(2).intValue();
        }
        return out;
    }

    /** Writes {@code request}, half-closes, and returns what the server answered before closing. */
    private static byte[] exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            if (new String(request, StandardCharsets.US_ASCII).equals("PING\r\n")) {
                byte[] pong = new byte[7];
                int read = 0;
                InputStream in = socket.getInputStream();
                while (read < pong.length) {
                    int n = in.read(pong, read, pong.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                return java.util.Arrays.copyOf(pong, read);
            }
            socket.shutdownOutput();
            try {
                return socket.getInputStream().readAllBytes();
            } catch (SocketTimeoutException | java.net.SocketException closed) {
                return new byte[0];
            }
        }
    }
}

package io.kayak.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The RESP front end over a plain socket: each command and each bad input with its documented reply. */
class RespApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.seed("resp", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.host.leader().isPresent());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A RESP connection that sends commands as arrays of bulk strings and reads one reply line each. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        Connection() throws IOException {
            socket = new Socket("127.0.0.1", server.respPort());
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String call(String... args) throws IOException {
            StringBuilder b = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            return send(b.toString());
        }

        String send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = in.readLine();
            if (line != null && line.startsWith("$") && !line.equals("$-1")) {
                return in.readLine();
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void basicCommands() throws IOException {
        try (Connection c = new Connection()) {
            assertThat(c.call("PING")).isEqualTo("+PONG");
            assertThat(c.call("SET", "name", "kayak")).isEqualTo("+OK");
            assertThat(c.call("GET", "name")).isEqualTo("kayak");
            assertThat(c.call("GET", "missing")).isEqualTo("$-1");
            assertThat(c.call("EXISTS", "name", "missing")).isEqualTo(":1");
            assertThat(c.call("DEL", "name", "missing")).isEqualTo(":1");
            assertThat(c.call("GET", "name")).isEqualTo("$-1");
        }
    }

    @Test
    void incrementAndCompareAndSet() throws IOException {
        try (Connection c = new Connection()) {
            assertThat(c.call("INCR", "hits")).isEqualTo(":1");
            assertThat(c.call("INCR", "hits")).isEqualTo(":2");
            c.call("SET", "word", "abc");
            assertThat(c.call("INCR", "word")).startsWith("-ERR value is not an integer");
            assertThat(c.call("CAS", "word", "abc", "def")).isEqualTo(":1");
            assertThat(c.call("CAS", "word", "abc", "xyz")).isEqualTo(":0");
            assertThat(c.call("GET", "word")).isEqualTo("def");
        }
    }

    @Test
    void inlineCommandsWork() throws IOException {
        try (Connection c = new Connection()) {
            assertThat(c.send("PING\r\n")).isEqualTo("+PONG");
        }
    }

    @Test
    void badInputGetsErrorsAndNeverCrashesTheServer() throws IOException {
        try (Connection c = new Connection()) {
            assertThat(c.call("FLUSHALL")).startsWith("-ERR unknown command");
            assertThat(c.call("GET")).startsWith("-ERR wrong number of arguments");
            assertThat(c.call("SET", "k", "v", "EX", "10")).startsWith("-ERR");
            assertThat(c.call("GET", "k".repeat(1025))).startsWith("-ERR key of 1025 bytes");
        }
        try (Connection c = new Connection()) {
            assertThat(c.send("*1\r\n$2000000\r\n")).startsWith("-ERR");
        }
        try (Connection c = new Connection()) {
            assertThat(c.send("*x\r\n")).startsWith("-ERR");
        }
        try (Connection c = new Connection()) {
            assertThat(c.call("PING")).isEqualTo("+PONG");
        }
    }
}

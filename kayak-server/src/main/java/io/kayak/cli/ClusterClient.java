package io.kayak.cli;

import io.kayak.server.Json;
import io.kayak.server.SessionHeaders;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** The command line's HTTP client for one server. Every call has a timeout. */
public final class ClusterClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final String base;

    /**
     * An HTTP answer.
     *
     * @param status the HTTP status
     * @param body   the raw body
     */
    public record Reply(int status, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The {@code error} of a JSON error body (or the raw body when it is not one). */
        public String error() {
            try {
                Map<String, Object> json = Json.parseObject(text());
                Object leader = json.get("leader");
                return json.get("error") + (leader != null ? " (leader " + leader + ")" : "");
            } catch (IllegalArgumentException notJson) {
                return text();
            }
        }
    }

    /** A write of the HTTP API. */
    public sealed interface Write {
        /** {@code PUT /v1/kv/{key}}. */
        record Put(String key, byte[] value) implements Write {
        }

        /** {@code PUT /v1/kv/{key}?prevValue=expected}. */
        record Cas(String key, String expected, byte[] value) implements Write {
        }

        /** {@code DELETE /v1/kv/{key}}. */
        record Delete(String key) implements Write {
        }

        /** {@code POST /v1/kv/{key}?op=increment}. */
        record Increment(String key) implements Write {
        }
    }

    public ClusterClient(HostPort server) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        this.base = "http://" + server;
    }

    /** A client speaking HTTPS with {@code tls} (which holds the client certificate, if the server asks one). */
    public ClusterClient(HostPort server, SSLContext tls) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).sslContext(tls).build();
        this.base = "https://" + server;
    }

    public Reply get(String key, boolean local) {
        return send(HttpRequest.newBuilder(kv(key, local ? "consistency=local" : null)).GET());
    }

    public Reply put(String key, byte[] value) {
        return send(request(new Write.Put(key, value)));
    }

    public Reply compareAndSet(String key, String expected, byte[] value) {
        return send(request(new Write.Cas(key, expected, value)));
    }

    public Reply delete(String key) {
        return send(request(new Write.Delete(key)));
    }

    /** {@code POST /v1/sessions}. */
    public Reply openSession() throws IOException {
        return trySend(HttpRequest.newBuilder(URI.create(base + "/v1/sessions"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Sends {@code write} as write {@code sequence} of {@code session} (whose client has every answer below
     * {@code firstUnanswered}): the same numbers sent again, through any member, take effect at most once.
     *
     * @throws IOException when the member cannot be reached or does not answer in time
     */
    public Reply write(Write write, long session, long sequence, long firstUnanswered) throws IOException {
        return trySend(request(write).header(SessionHeaders.SESSION, Long.toString(session))
                .header(SessionHeaders.SEQUENCE, Long.toString(sequence))
                .header(SessionHeaders.FIRST_UNANSWERED, Long.toString(firstUnanswered)));
    }

    private HttpRequest.Builder request(Write write) {
        if (write instanceof Write.Put p) {
            return HttpRequest.newBuilder(kv(p.key(), null)).PUT(HttpRequest.BodyPublishers.ofByteArray(p.value()));
        } else if (write instanceof Write.Cas c) {
            return HttpRequest.newBuilder(kv(c.key(), "prevValue=" + encode(c.expected())))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(c.value()));
        } else if (write instanceof Write.Delete d) {
            return HttpRequest.newBuilder(kv(d.key(), null)).DELETE();
        }
        Write.Increment i = (Write.Increment) write;
        return HttpRequest.newBuilder(kv(i.key(), "op=increment")).POST(HttpRequest.BodyPublishers.noBody());
    }

    public Reply remove(String memberId) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/members/" + encode(memberId) + "/remove"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Reply transferLeadership(String memberId) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/members/" + encode(memberId)
                + "/transfer-leadership")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code GET /v1/status}, parsed. */
    public Map<String, Object> status() {
        Reply r = send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).GET());
        if (r.status() != 200) {
            throw new CliException("status: HTTP " + r.status() + ": " + r.error());
        }
        return Json.parseObject(r.text());
    }

    private URI kv(String key, String query) {
        return URI.create(base + "/v1/kv/" + encode(key) + (query == null ? "" : "?" + query));
    }

    private static String encode(String s) {
        // URLEncoder writes form encoding; a path segment needs %20 for spaces.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Reply trySend(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(request.timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            return trySend(request);
        } catch (IOException e) {
            throw new CliException("cannot reach " + base + ": " + e.getMessage(), 2);
        }
    }
}

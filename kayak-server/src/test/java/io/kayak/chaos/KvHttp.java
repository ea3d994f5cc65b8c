package io.kayak.chaos;

import io.kayak.cli.HostPort;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The harness's HTTP client for the members' key-value API, with short timeouts: a paused member must cost a client
 * a bounded wait, which the history then records as an unknown outcome.
 */
final class KvHttp {
    /**
     * An HTTP answer.
     *
     * @param status the status code
     * @param body   the body as UTF-8 text
     */
    record Answer(int status, String body) {
    }

    /**
     * A write's place in a client session (see docs/server.md, "Exactly-once writes"); the client has every answer
     * below {@code sequence}.
     *
     * @param session  the session's id
     * @param sequence the write's number in it
     */
    record InSession(long session, long sequence) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final Duration timeout;

    KvHttp(Duration timeout) {
        this.timeout = timeout;
    }

    Answer read(HostPort member, String key, boolean local) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(kv(member, key, local ? "consistency=local" : null)).GET());
    }

    Answer write(HostPort member, String key, String value) throws IOException, InterruptedException {
        return write(member, key, value, null);
    }

    /** A put, in session write {@code at} unless it is {@code null}. */
    Answer write(HostPort member, String key, String value, InSession at) throws IOException, InterruptedException {
        return send(in(at, HttpRequest.newBuilder(kv(member, key, null)).PUT(body(value))));
    }

    Answer cas(HostPort member, String key, String expected, String value) throws IOException, InterruptedException {
        return cas(member, key, expected, value, null);
    }

    /** A compare-and-set, in session write {@code at} unless it is {@code null}. */
    Answer cas(HostPort member, String key, String expected, String value, InSession at)
            throws IOException, InterruptedException {
        return send(in(at, HttpRequest.newBuilder(kv(member, key, "prevValue=" + encode(expected)))
                .PUT(body(value))));
    }

    Answer delete(HostPort member, String key) throws IOException, InterruptedException {
        return delete(member, key, null);
    }

    /** A delete, in session write {@code at} unless it is {@code null}. */
    Answer delete(HostPort member, String key, InSession at) throws IOException, InterruptedException {
        return send(in(at, HttpRequest.newBuilder(kv(member, key, null)).DELETE()));
    }

    /** {@code POST /v1/kv/{key}?op=increment}, in session write {@code at} unless it is {@code null}. */
    Answer increment(HostPort member, String key, InSession at) throws IOException, InterruptedException {
        return send(in(at, HttpRequest.newBuilder(kv(member, key, "op=increment"))
                .POST(HttpRequest.BodyPublishers.noBody())));
    }

    /** {@code POST /v1/sessions}. */
    Answer openSession(HostPort member) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + member + "/v1/sessions"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpRequest.Builder in(InSession at, HttpRequest.Builder request) {
        return at == null ? request : request.header(SessionHeaders.SESSION, Long.toString(at.session()))
                .header(SessionHeaders.SEQUENCE, Long.toString(at.sequence()));
    }

    Answer remove(HostPort member, String id) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + member + "/v1/members/" + encode(id) + "/remove"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code GET /v1/status?members=false}, parsed; empty when the member does not answer 200 in time. */
    Map<String, Object> status(HostPort member) {
        try {
            Answer a = send(HttpRequest.newBuilder(URI.create("http://" + member + "/v1/status?members=false"))
                    .GET());
            return a.status() == 200 ? Json.parseObject(a.body()) : Map.of();
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /**
     * The ids of the member's configuration (the {@code members} rows of {@code GET /v1/status}); empty when the
     * member does not answer 200 in time.
     */
    @SuppressWarnings("unchecked")
    Optional<Set<String>> roster(HostPort member) {
        try {
            Answer a = send(HttpRequest.newBuilder(URI.create("http://" + member + "/v1/status")).GET());
            if (a.status() != 200 || !(Json.parseObject(a.body()).get("members") instanceof List<?> rows)) {
                return Optional.empty();
            }
            Set<String> ids = new TreeSet<>();
            for (Object row : rows) {
                ids.add(String.valueOf(((Map<String, Object>) row).get("id")));
            }
            return Optional.of(ids);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(r.statusCode(), r.body());
    }

    private static HttpRequest.BodyPublisher body(String value) {
        return HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8);
    }

    private static URI kv(HostPort member, String key, String query) {
        return URI.create("http://" + member + "/v1/kv/" + encode(key) + (query == null ? "" : "?" + query));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package io.kayak.server;

import io.kayak.Host;
import io.kayak.Member;
import io.kayak.transport.TlsContexts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks every other member for its own status once a second over HTTP (their addresses come from the replicated
 * member directory), so any member can show the whole cluster's progress. Kayak does not expose per-follower
 * progress through its API, so the table is built from what each member says of itself; "last contact" is the age
 * of the last answer this member received.
 */
final class PeerPoller implements AutoCloseable {
    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final Host host;
    private final KvStore store;
    private final SelfStatus self;
    private final String scheme;
    /** Null for plaintext. */
    private final TlsContexts tls;
    /** Rebuilt when the certificates are reloaded; touched only on the timer thread. */
    private HttpClient client;
    private long tlsGeneration;
    private final ScheduledExecutorService timer;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(Map<String, Object> status, long atNanos) {
    }

    /** Polls over HTTPS, presenting this member's certificate, when {@code tls} is not {@code null}. */
    PeerPoller(Host host, KvStore store, SelfStatus self, TlsContexts tls) {
        this.host = host;
        this.store = store;
        this.self = self;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kv-peer-poller");
            t.setDaemon(true);
            return t;
        });
        this.tls = tls;
        this.scheme = tls == null ? "http://" : "https://";
        this.client = newClient();
        timer.scheduleWithFixedDelay(this::pollAll, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private HttpClient newClient() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(PERIOD).executor(timer);
        if (tls != null) {
            tlsGeneration = tls.generation();
            builder.sslContext(tls.jdkClientContext());
        }
        return builder.build();
    }

    private void pollAll() {
        if (tls != null && tls.generation() != tlsGeneration) {
            // Rotated certificates: present the new one from now on.
            client = newClient();
        }
        for (Member m : host.roster()) {
            if (m.id().equals(host.id())) {
                continue;
            }
            store.endpoints(m.id()).ifPresent(endpoints -> poll(m.id(), endpoints.http()));
        }
        seen.keySet().removeIf(id -> host.roster().stream().noneMatch(m -> m.id().equals(id)));
    }

    private void poll(String id, String http) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + http + "/v1/status?members=false"))
                .timeout(PERIOD).GET().build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            if (response.statusCode() == 200) {
                seen.put(id, new Seen(Json.parseObject(response.body()), System.nanoTime()));
            }
        }).exceptionally(unreachable -> null);
    }

    /** One row per member of the roster: what it last said about itself, with lag and last contact. */
    List<Map<String, Object>> members() {
        Map<String, Object> mine = self.toMap();
        long now = System.nanoTime();
        List<Map<String, Object>> rows = new ArrayList<>();
        long highestCommit = 0;
        for (Member m : host.roster()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", m.id());
            row.put("address", m.address());
            row.put("voter", m.voter());
            row.put("http", store.endpoints(m.id()).map(KvStore.Endpoints::http).orElse(null));
            Map<String, Object> status = null;
            Long contactMillis = null;
            if (m.id().equals(host.id())) {
                status = mine;
                contactMillis = 0L;
            } else {
                Seen s = seen.get(m.id());
                if (s != null) {
                    status = s.status();
                    contactMillis = TimeUnit.NANOSECONDS.toMillis(now - s.atNanos());
                }
            }
            for (String field : List.of("role", "term", "commit", "applied", "snapshot")) {
                row.put(field, status == null ? null : status.get(field));
            }
            if (status != null && status.get("commit") instanceof Long c) {
                highestCommit = Math.max(highestCommit, c);
            }
            row.put("lastContactMillis", contactMillis);
            rows.add(row);
        }
        for (Map<String, Object> row : rows) {
            row.put("lag", row.get("applied") instanceof Long a ? Math.max(0, highestCommit - a) : null);
        }
        return rows;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

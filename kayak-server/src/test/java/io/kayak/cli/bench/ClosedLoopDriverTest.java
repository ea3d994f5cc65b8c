package io.kayak.cli.bench;

import io.kayak.Completion;
import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.Listener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** W1's driver on a one-member, in-memory host: one second of closed loop, through the log or through sessions. */
class ClosedLoopDriverTest {
    private static final int CLIENTS = 3;

    private Host host;

    @BeforeEach
    void startHost() {
        host = Kayak.start(HostOptions.builder().id("n0").listen("127.0.0.1:0")
                .completion(Completion.EVENT_LOOP).build());
        await().atMost(30, TimeUnit.SECONDS).until(() -> BenchReplica.leads(host));
    }

    @AfterEach
    void stopHost() {
        host.close();
    }

    private Map<String, Object> drive(boolean sessions) throws InterruptedException {
        ReplicaSettings settings = new ReplicaSettings(0, 1, Path.of("."), "w1", CLIENTS, 0, 1, 16, 0,
                Completion.EVENT_LOOP, sessions);
        return new ClosedLoopDriver(host, settings).run(List.of(ProcessHandle.current().pid()));
    }

    /** The kinds of every committed entry so far. */
    private List<EntryKind> committedKinds() throws InterruptedException {
        long committed = host.log().committed();
        List<EntryKind> kinds = new java.util.ArrayList<>();
        try (Listener listener = host.log().listen(1, 1024)) {
            while (listener.position() <= committed) {
                Entry e = listener.poll(Duration.ofSeconds(10));
                assertThat(e).as("entry " + listener.position()).isNotNull();
                kinds.add(e.kind());
            }
        }
        return kinds;
    }

    @Test
    void withSessionsEverySlotOpensItsOwnSessionAndAppendsThroughIt() throws Exception {
        Map<String, Object> result = drive(true);
        assertThat(result).containsEntry("sessions", true).containsEntry("clients", CLIENTS)
                .containsEntry("errors", 0L);
        assertThat((Long) result.get("ops")).isPositive();
        // Each opening reaches listeners as a SESSION entry; the appends through the sessions as NORMAL ones.
        List<EntryKind> kinds = committedKinds();
        assertThat(kinds.stream().filter(k -> k == EntryKind.SESSION).count()).isGreaterThanOrEqualTo(CLIENTS);
        assertThat(kinds.stream().filter(k -> k == EntryKind.NORMAL).count()).isGreaterThanOrEqualTo(
                (Long) result.get("ops"));
    }

    @Test
    void withoutSessionsTheSlotsAppendThroughTheLogAndOpenNone() throws Exception {
        Map<String, Object> result = drive(false);
        assertThat(result).containsEntry("sessions", false).containsEntry("errors", 0L);
        assertThat((Long) result.get("ops")).isPositive();
        assertThat(committedKinds()).doesNotContain(EntryKind.SESSION);
    }
}

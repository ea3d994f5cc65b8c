package io.kayak;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Members listening on port 0: each advertises the port it bound, and a cluster forms and replicates over them. */
class EphemeralPortTest {
    @TempDir
    Path dir;
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void stopAll() {
        hosts.forEach(Host::close);
    }

    private HostOptions options(String id) {
        // A longer election timeout than the default: the tests share two cores with whole builds.
        return HostOptions.builder().id(id).listen("127.0.0.1:0").dataDir(dir.resolve(id))
                .electionTimeout(Duration.ofSeconds(1)).build();
    }

    private Host track(Host h) {
        hosts.add(h);
        return h;
    }

    @Test
    void aSeedAndAJoinerOnPortZeroAdvertiseTheirBoundPortsAndReplicate() throws Exception {
        Host a = track(Kayak.start(options("a")));
        assertThat(a.address()).matches("127\\.0\\.0\\.1:[1-9][0-9]*");
        // The seed's configuration entry names the bound address, not port 0: that is what the others dial.
        assertThat(a.roster()).extracting(Member::id, Member::address).containsExactly(tuple("a", a.address()));

        Host b = track(Kayak.join(options("b"), List.of(a.address())));
        assertThat(b.address()).matches("127\\.0\\.0\\.1:[1-9][0-9]*").isNotEqualTo(a.address());
        // The JOIN request carried the joiner's bound address into the configuration.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(a.roster())
                .extracting(Member::id, Member::address, Member::voter)
                .containsExactlyInAnyOrder(tuple("a", a.address(), true), tuple("b", b.address(), true)));

        Entry written = a.log().append("over port 0".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
        try (Listener replicated = b.log().listen(written.index(), 16)) {
            Entry seen = replicated.poll(Duration.ofSeconds(20));
            assertThat(seen).as("the entry on b").isNotNull();
            assertThat(seen.index()).isEqualTo(written.index());
            assertThat(new String(seen.payload(), StandardCharsets.UTF_8)).isEqualTo("over port 0");
        }
    }

    @Test
    void anAdvertisedAddressWithPortZeroTakesTheBoundPortAndKeepsItsHost() {
        Host a = track(Kayak.start(HostOptions.builder().id("a").listen("127.0.0.1:0").advertise("localhost:0")
                .dataDir(dir.resolve("a")).build()));
        assertThat(a.address()).matches("localhost:[1-9][0-9]*");
        assertThat(a.roster()).extracting(Member::address).containsExactly(a.address());
    }
}

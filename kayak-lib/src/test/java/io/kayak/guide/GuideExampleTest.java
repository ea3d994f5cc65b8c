package io.kayak.guide;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.LocalNetwork;
import io.kayak.Member;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the guide's worked example, and checks that the guide shows exactly the code that runs here. */
class GuideExampleTest {
    @Test
    void theReplicatedMapWorksOnEveryMember() throws Exception {
        LocalNetwork network = new LocalNetwork();
        Host a = network.start(options(network, "a"));
        Host b = network.join(options(network, "b"), List.of("local:a"));
        Host c = network.join(options(network, "c"), List.of("local:b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.roster().stream().filter(Member::voter).count() == 3);
        try (ReplicatedMap ma = new ReplicatedMap(a); ReplicatedMap mb = new ReplicatedMap(b);
             ReplicatedMap mc = new ReplicatedMap(c)) {
            mb.put("colour", "blue").get(5, TimeUnit.SECONDS);
            assertThat(mc.get("colour").get(5, TimeUnit.SECONDS)).isEqualTo("blue");
            mc.put("colour", "green").get(5, TimeUnit.SECONDS);
            assertThat(ma.get("colour").get(5, TimeUnit.SECONDS)).isEqualTo("green");
            assertThat(mb.get("colour").get(5, TimeUnit.SECONDS)).isEqualTo("green");
        } finally {
            for (Host h : List.of(a, b, c)) {
                h.close();
            }
        }
    }

    private static HostOptions options(LocalNetwork network, String id) {
        return HostOptions.builder().id(id).listen("local:" + id)
                .build();
    }

    @Test
    void theGuideShowsTheCodeThatRuns() throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path root = Files.exists(module.resolve("docs")) ? module : module.getParent();
        String guide = Files.readString(root.resolve("docs/guide.md"));
        String source = Files.readString(root.resolve("kayak-lib/src/test/java/io/kayak/guide/ReplicatedMap.java"));
        String body = source.substring(source.indexOf("/** A string map"));
        assertThat(guide).contains(body.strip());
    }
}

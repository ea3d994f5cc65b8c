package io.kayak.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The live status page in headless Chromium (skipped where Chromium is not installed). */
class StatusPageIT {
    private static final int HEADER_BLUE = 0x2b6cb0;
    private static final int LEADER_TINT = 0xe6fffa;

    private LocalCluster cluster;
    private ServerProcess a;
    private String chromium;

    @BeforeEach
    void start() throws Exception {
        chromium = Processes.onPath("chromium") ? "chromium"
                : Processes.onPath("chromium-browser") ? "chromium-browser" : null;
        assumeTrue(chromium != null, "chromium is not installed");
        cluster = new LocalCluster(Processes.serverClasspath());
        a = cluster.start("a", List.of());
        ServerProcess b = cluster.start("b", List.of(a.peer()));
        cluster.start("c", List.of(a.peer()));
        new ClusterClient(b.http()).put("k", "v".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // The page shows what a's poller has gathered: wait until it has heard from everyone.
        await().atMost(Duration.ofSeconds(30)).until(this::everyMemberReported);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @SuppressWarnings("unchecked")
    private boolean everyMemberReported() {
        List<Object> members = (List<Object>) new ClusterClient(a.http()).status().get("members");
        return members.size() == 3 && members.stream().allMatch(m -> ((Map<String, Object>) m).get("role") != null);
    }

    private Processes.Result chromium(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + cluster.root().resolve("chrome"),
                "--virtual-time-budget=4000"));
        command.addAll(List.of(args));
        command.add("http://" + a.http() + "/");
        return Processes.run(command, 120);
    }

    @Test
    void thePageRendersEveryMemberWithItsRole() throws Exception {
        Processes.Result dom = chromium("--dump-dom");
        assertThat(dom.exitCode()).as(dom.output()).isZero();
        assertThat(dom.output()).contains("data-loaded=\"true\"")
                .contains("data-member=\"a\"").contains("data-member=\"b\"").contains("data-member=\"c\"")
                .contains("<td>leader</td>").contains("<td>follower</td>");
    }

    @Test
    void theScreenshotShowsTheStyledTableWithALeaderRow() throws Exception {
        Path png = cluster.root().resolve("status.png");
        Processes.Result shot = chromium("--screenshot=" + png, "--window-size=1000,480");
        assertThat(shot.exitCode()).as(shot.output()).isZero();
        assertThat(png).exists();
        BufferedImage image = ImageIO.read(Files.newInputStream(png));
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(480);
        assertThat(countPixels(image, HEADER_BLUE)).as("table header pixels").isGreaterThan(1000);
        assertThat(countPixels(image, LEADER_TINT)).as("highlighted leader row pixels").isGreaterThan(1000);
    }

    private static int countPixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}

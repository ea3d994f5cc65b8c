package io.kayak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot several times larger than the heap is written, streamed to a joining member over TCP, installed and
 * verified, in a JVM limited to {@value #HEAP_MIB} MiB of heap: snapshots never need to fit in memory. The size is
 * {@code -Dkayak.snapshot.bigMiB} (default 256; run it with 4096 for a multi-GiB snapshot).
 */
class BigSnapshotTest {
    private static final int HEAP_MIB = 64;

    @TempDir
    Path dir;

    @Test
    void aSnapshotMuchLargerThanTheHeapIsStreamedAndInstalled() throws Exception {
        int mebibytes = Integer.getInteger("kayak.snapshot.bigMiB", 256);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx" + HEAP_MIB + "m", "-XX:MaxDirectMemorySize=64m",
                "-cp", System.getProperty("java.class.path"), BigSnapshotMain.class.getName(), dir.toString(),
                Integer.toString(mebibytes)))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        String result = out.lines().filter(l -> l.startsWith("big snapshot:")).findFirst().orElse("");
        System.out.println(result);
        assertThat(finished).as("finished in time; output:%n%s", tail(out)).isTrue();
        assertThat(p.exitValue()).as("exit status; output:%n%s", tail(out)).isZero();
        assertThat(result).contains(mebibytes + " MiB written");
    }

    private static String tail(String out) {
        return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
    }
}

package io.kayak.storage;

import io.kayak.StorageLockedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory has one user at a time: a second open, in this JVM or another process, is refused. */
class DirectoryLockTest {
    @TempDir
    Path dataDir;

    @Test
    void aSecondOpenInTheSameProcessIsRefusedUntilTheFirstCloses() {
        DataDirectory first = DataDirectory.open(dataDir);
        assertThatThrownBy(() -> DataDirectory.open(dataDir))
                .isInstanceOf(StorageLockedException.class)
                .hasMessageContaining("already open in this process")
                .hasMessageContaining(dataDir.resolve("lock").toString());
        first.close();
        DataDirectory.open(dataDir).close();
    }

    @Test
    void anOpenByAnotherProcessIsRefused() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo(LockHolder.READY);
            assertThatThrownBy(() -> DataDirectory.open(dataDir))
                    .isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("another process holds it");
        } finally {
            holder.getOutputStream().close(); // tells the holder to exit
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        DataDirectory.open(dataDir).close();
    }

    /** Holds a data directory open in a separate JVM until its standard input closes. */
    public static final class LockHolder {
        static final String READY = "holding";

        public static void main(String[] args) throws Exception {
            try (DataDirectory directory = DataDirectory.open(Path.of(args[0]))) {
                System.out.println(directory.log().failed() ? "failed" : READY);
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close our input
                }
            }
        }
    }
}

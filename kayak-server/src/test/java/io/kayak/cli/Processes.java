package io.kayak.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers for the end-to-end tests, which run the packaged server as real processes. */
final class Processes {
    private Processes() {
    }

    /** The packaged jar plus its libraries (failsafe runs after {@code package}). */
    static String serverClasspath() {
        Path home = Path.of(System.getProperty("kayak.server.home", "target"));
        Path jar = home.resolve("kayak-server.jar");
        assertThat(jar).as("the packaged server jar").exists();
        return jar + java.io.File.pathSeparator + home.resolve("lib") + java.io.File.separator + "*";
    }

    /**
     * The result of a finished command.
     *
     * @param exitCode its exit code
     * @param output   stdout and stderr together
     */
    record Result(int exitCode, String output) {
    }

    /** Runs {@code command} to completion (killing it after {@code timeoutSeconds}). */
    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path output = Files.createTempFile("kayak-it-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(output, StandardCharsets.UTF_8) + "\n(timed out)");
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** {@code java -cp <server> io.kayak.cli.Main args...}. */
    static List<String> kayak(String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", serverClasspath(),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Whether {@code binary} is on the PATH. */
    static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}

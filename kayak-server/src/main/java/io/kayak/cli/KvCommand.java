package io.kayak.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kayak kv get|put|cas|delete|incr}: client commands over the HTTP API. Writes go through a client session
 * ({@link SessionWriter}), so they retry by themselves, safely, across members. Exit codes: 0 success, 1 not found or
 * compare-and-set refused, 2 unreachable, 3 unavailable or outcome unknown, 4 bad request.
 */
@Command(name = "kv", mixinStandardHelpOptions = true, description = "Reads and writes keys.",
        subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Cas.class, KvCommand.Delete.class,
                KvCommand.Incr.class})
public final class KvCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("choose get, put, cas, delete or incr (kayak kv --help)");
    }

    /** Options every kv command takes. */
    static class ServerOption {
        @Option(names = "--server", required = true, split = ",", paramLabel = "HOST:PORT",
                converter = HostPort.Converter.class,
                description = "HTTP address of any member; writes try the others given (comma-separated) and those"
                        + " it lists when one does not answer")
        List<HostPort> servers;

        @Mixin
        ClientTlsOptions tls;
    }

    /** Options of the writes. */
    static class WriteOptions extends ServerOption {
        @Option(names = "--retry-for", paramLabel = "SECONDS", defaultValue = "30",
                description = "how long a write whose outcome is open (503, 504, no answer) is sent again, in the"
                        + " same session, before giving up (default: ${DEFAULT-VALUE}, at most 45)")
        int retryFor;

        /** Makes {@code write} through a session, retrying; prints the answer and returns the exit code. */
        int write(ClusterClient.Write write) {
            if (retryFor < 0 || retryFor > SessionWriter.MAX_RETRY_SECONDS) {
                throw new CliException("--retry-for must be between 0 and " + SessionWriter.MAX_RETRY_SECONDS
                        + " seconds", 4);
            }
            SessionWriter writer = new SessionWriter(servers, tls::client, Duration.ofSeconds(retryFor),
                    line -> System.err.println("kayak: " + line));
            return report(writer.write(write), false);
        }
    }

    /** Prints a reply body or its error and turns the status into the exit code. */
    static int report(ClusterClient.Reply reply, boolean printBody) {
        PrintStream out = System.out;
        if (reply.status() == 200) {
            if (printBody) {
                out.write(reply.body(), 0, reply.body().length);
                out.println();
            } else {
                out.println(reply.text());
            }
            return 0;
        }
        System.err.println("HTTP " + reply.status() + ": " + reply.error());
        return switch (reply.status()) {
            case 404, 412 -> 1;
            case 503, 504 -> 3;
            default -> 4;
        };
    }

    /** {@code kayak kv get KEY}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints the value of KEY.")
    static final class Get extends ServerOption implements Callable<Integer> {
        @Parameters(paramLabel = "KEY")
        String key;

        @Option(names = "--local", description = "read this member's state, possibly stale (default: linearizable)")
        boolean local;

        @Override
        public Integer call() {
            return report(tls.client(servers.get(0)).get(key, local), true);
        }
    }

    /** {@code kayak kv put KEY VALUE}. */
    @Command(name = "put", mixinStandardHelpOptions = true, description = "Sets KEY to VALUE.")
    static final class Put extends WriteOptions implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        public Integer call() {
            return write(new ClusterClient.Write.Put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** {@code kayak kv cas KEY EXPECTED VALUE}. */
    @Command(name = "cas", mixinStandardHelpOptions = true,
            description = "Sets KEY to VALUE only if it currently holds EXPECTED (exit code 1 if not).")
    static final class Cas extends WriteOptions implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "EXPECTED")
        String expected;

        @Parameters(index = "2", paramLabel = "VALUE")
        String value;

        @Override
        public Integer call() {
            return write(new ClusterClient.Write.Cas(key, expected, value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** {@code kayak kv delete KEY}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Removes KEY (exit code 1 if absent).")
    static final class Delete extends WriteOptions implements Callable<Integer> {
        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return write(new ClusterClient.Write.Delete(key));
        }
    }

    /** {@code kayak kv incr KEY}. */
    @Command(name = "incr", mixinStandardHelpOptions = true,
            description = "Adds one to the decimal number at KEY (absent counts as 0) and prints the new value.")
    static final class Incr extends WriteOptions implements Callable<Integer> {
        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return write(new ClusterClient.Write.Increment(key));
        }
    }
}

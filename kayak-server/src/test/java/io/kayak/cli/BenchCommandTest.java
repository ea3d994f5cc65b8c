package io.kayak.cli;

import io.kayak.cli.bench.BenchOptions;
import io.kayak.cli.bench.ReplicaCluster;
import io.kayak.cli.bench.ReplicaSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kayak bench}'s options, from its command line to the settings each replica process reads from its own. */
class BenchCommandTest {
    private static BenchOptions parse(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    /** What replica {@code index} reads from the arguments the coordinator starts it with. */
    private static ReplicaSettings replicaSettings(int index, BenchOptions options) {
        List<String> args = ReplicaCluster.replicaArguments(index, options, Path.of("/tmp/run/n" + index),
                Path.of("/tmp/run/out"), 60);
        BenchReplicaCommand replica = new BenchReplicaCommand();
        new CommandLine(replica).parseArgs(args.toArray(String[]::new));
        return replica.settings();
    }

    @Test
    void sessionsAreOffUnlessAsked() {
        BenchOptions options = parse("w1", "--clients", "16");
        assertThat(options.sessions()).isFalse();
        ReplicaSettings settings = replicaSettings(1, options);
        assertThat(settings.sessions()).isFalse();
        assertThat(settings.describe()).containsEntry("sessions", false);
        assertThat((String) settings.describe().get("write_path")).startsWith("Host.log().append");
    }

    @Test
    void sessionsReachEveryReplicaWithTheOtherW1Settings() {
        BenchOptions options = parse("w1", "--sessions", "--clients", "4", "--seconds", "3", "--completion", "dispatch");
        assertThat(options.sessions()).isTrue();
        for (int i = 0; i < options.members(); i++) {
            ReplicaSettings settings = replicaSettings(i, options);
            assertThat(settings.sessions()).isTrue();
            assertThat(settings.index()).isEqualTo(i);
            assertThat(settings.clients()).isEqualTo(4);
            assertThat(settings.seconds()).isEqualTo(3);
            assertThat(settings.completion()).isEqualTo(options.completion());
            assertThat(settings.describe()).containsEntry("sessions", true);
            assertThat((String) settings.describe().get("write_path")).startsWith("Session.append");
        }
    }

    @Test
    void w2RunsWithoutSessionsAndOneClientWhateverTheCommandLineSays() {
        BenchOptions options = parse("w2", "--sessions", "--clients", "8");
        assertThat(options.sessions()).isFalse();
        assertThat(options.clients()).isEqualTo(1);
        assertThat(replicaSettings(0, options).sessions()).isFalse();
    }
}

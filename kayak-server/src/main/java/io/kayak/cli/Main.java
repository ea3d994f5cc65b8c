package io.kayak.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kayak} command: a replicated key-value server and the tools around it. */
@Command(name = "kayak", mixinStandardHelpOptions = true, version = "kayak 0.1.0",
        description = "Kayak's reference replicated key-value server and its command line.",
        subcommands = {ServerCommand.class, CertsCommand.class, DemoCommand.class, StatusCommand.class, KvCommand.class,
                MemberCommand.class, BenchCommand.class, BenchReplicaCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("kayak: " + e.getMessage());
            return e instanceof CliException c ? c.exitCode() : 1;
        }).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

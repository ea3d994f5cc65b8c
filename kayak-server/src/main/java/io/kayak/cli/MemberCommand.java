package io.kayak.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kayak member add|remove|transfer-leader}: administration of one cluster. Adding is done by the newcomer (it is the new
 * process that joins), so {@code member add} runs a new member that joins the cluster of {@code --server}.
 */
@Command(name = "member", mixinStandardHelpOptions = true, description = "Adds or removes members.",
        subcommands = {MemberCommand.Add.class, MemberCommand.Remove.class, MemberCommand.TransferLeader.class})
public final class MemberCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("choose add, remove or transfer-leader (kayak member --help)");
    }

    /** {@code kayak member remove --server HOST:PORT --id ID}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes member ID from the cluster (e.g. to evict a dead one).")
    static final class Remove implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
                converter = HostPort.Converter.class, description = "HTTP address of any member")
        HostPort server;

        @Mixin
        ClientTlsOptions tls;

        @Option(names = "--id", required = true, description = "the member to remove")
        String id;

        @Override
        public Integer call() {
            return KvCommand.report(tls.client(server).remove(id), false);
        }
    }

    /** {@code kayak member transfer-leader --server HOST:PORT --id ID}. */
    @Command(name = "transfer-leader", mixinStandardHelpOptions = true,
            description = "Hands leadership to voter ID; returns once ID leads.")
    static final class TransferLeader implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
                converter = HostPort.Converter.class, description = "HTTP address of any member")
        HostPort server;

        @Mixin
        ClientTlsOptions tls;

        @Option(names = "--id", required = true, description = "the voter that should lead")
        String id;

        @Override
        public Integer call() {
            return KvCommand.report(tls.client(server).transferLeadership(id), false);
        }
    }

    /**
     * {@code kayak member add --server HOST:PORT <server options>}: runs a new member here, in the foreground,
     * joining the cluster that {@code --server} belongs to. The same as {@code kayak server --join} with the
     * cluster's peer addresses looked up for you.
     */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Runs a new member in the foreground that joins the cluster of --server.",
                    "Takes the options of 'kayak server' (except --join)."})
    static final class Add implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
                converter = HostPort.Converter.class, description = "HTTP address of any member")
        HostPort server;

        @CommandLine.Unmatched
        List<String> serverOptions = new ArrayList<>();

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            List<String> peers = new ArrayList<>();
            // With TLS, the new member's own certificate (from its server options) also opens the lookup.
            ClientTlsOptions tls = new ClientTlsOptions();
            tls.cert = pathOption("--tls-cert");
            tls.key = pathOption("--tls-key");
            tls.ca = pathOption("--tls-ca");
            for (Object m : (List<Object>) tls.client(server).status().get("members")) {
                peers.add(String.valueOf(((Map<String, Object>) m).get("address")));
            }
            List<String> args = new ArrayList<>(serverOptions);
            args.add("--join");
            args.add(String.join(",", peers));
            return new CommandLine(new ServerCommand()).execute(args.toArray(String[]::new));
        }

        private java.nio.file.Path pathOption(String name) {
            for (int i = 0; i < serverOptions.size(); i++) {
                String arg = serverOptions.get(i);
                if (arg.equals(name) && i + 1 < serverOptions.size()) {
                    return java.nio.file.Path.of(serverOptions.get(i + 1));
                }
                if (arg.startsWith(name + "=")) {
                    return java.nio.file.Path.of(arg.substring(name.length() + 1));
                }
            }
            return null;
        }
    }
}

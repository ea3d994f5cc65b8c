package io.kayak.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code kayak status}: the members table, once or refreshed every second. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the members: id, address, role, term, commit, applied, lag, last contact.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "HTTP address of any member")
    HostPort server;

    @Mixin
    ClientTlsOptions tls;

    @Option(names = "--watch", description = "refresh every second until interrupted")
    boolean watch;

    @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N refreshes "
            + "(default: 86400, a day)")
    int count = 86_400;

    @Override
    public Integer call() throws InterruptedException {
        ClusterClient client = tls.client(server);
        if (!watch) {
            System.out.print(StatusTable.render(client.status()));
            return 0;
        }
        for (int i = 0; i < count; i++) {
            String table;
            try {
                table = StatusTable.render(client.status());
            } catch (CliException unreachable) {
                table = unreachable.getMessage() + "\n";
            }
            // Clear the screen and home the cursor, then redraw.
            System.out.print("\033[H\033[2J" + table);
            System.out.flush();
            Thread.sleep(1000);
        }
        return 0;
    }
}

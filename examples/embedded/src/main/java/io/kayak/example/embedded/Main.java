package io.kayak.example.embedded;

import io.kayak.Host;
import io.kayak.HostOptions;
import io.kayak.Kayak;
import io.kayak.Role;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One member of a replicated key-value store, driven from standard input:
 * <pre>
 * Main DATA_DIR LISTEN_ADDRESS [PEER_ADDRESS...]
 * </pre>
 * Without peers it seeds a new cluster; with peers it joins the cluster they belong to. Either way, when
 * {@code DATA_DIR} already holds a member, that member resumes (same id, log and place in the cluster), so the same
 * command line restarts it. {@code LISTEN_ADDRESS} may name port 0 for a new member, which prints the address it
 * bound; restart it on that address, the one its peers know.
 * Then it reads the commands of {@link Shell}, one per line, until {@code quit} or the end of input.
 */
public final class Main {
    private Main() {
    }

    /** Runs the member until {@code quit}, {@code leave} or the end of input, then closes it. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Main DATA_DIR LISTEN_ADDRESS [PEER_ADDRESS...]");
            System.exit(2);
        }
        HostOptions options = HostOptions.builder().dataDir(Path.of(args[0])).listen(args[1]).build();
        List<String> peers = Arrays.asList(args).subList(2, args.length);
        try (Host host = peers.isEmpty() ? Kayak.start(options) : Kayak.join(options, peers);
             KeyValueStore store = new KeyValueStore(host)) {
            System.out.println("member " + host.id() + " listens on " + host.address());
            Shell shell = new Shell(host, store);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals("quit")) {
                if (!line.isBlank()) {
                    System.out.println(shell.execute(line));
                }
                if (host.status().role() == Role.STOPPED) {
                    break; // it left the cluster, or a disk failure stopped it
                }
            }
        }
    }
}

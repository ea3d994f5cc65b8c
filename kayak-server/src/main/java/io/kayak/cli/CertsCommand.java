package io.kayak.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kayak certs}: a development CA and one certificate per member (and one for command-line clients) in
 * one command, so that a TLS cluster is this plus {@code kayak server --tls-...}. Running it again on the same
 * directory keeps the CA and issues the named certificates afresh, which is how members are added.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Creates a development CA and certificates for members and clients (PEM files).",
                "For development and tests; production clusters use their own CA (see docs/security.md)."})
public final class CertsCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "directory for ca.pem, ca-key.pem and NAME.pem / NAME-key.pem (created if missing; an "
                    + "existing CA there is reused)")
    Path out;

    @Option(names = "--members", required = true, split = ",", paramLabel = "NAME",
            description = "certificates to issue, one per member (e.g. m1,m2,m3)")
    List<String> members = new ArrayList<>();

    @Option(names = "--client", paramLabel = "NAME", defaultValue = "client",
            description = "also issue a client certificate of this name (default: ${DEFAULT-VALUE}); empty for none")
    String client;

    @Option(names = "--hosts", split = ",", paramLabel = "HOST", defaultValue = "localhost,127.0.0.1,::1",
            description = "host names and IP addresses the certificates name (default: ${DEFAULT-VALUE})")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--days", defaultValue = "365", description = "validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--cluster", defaultValue = "kayak", description = "the CA's name (default: ${DEFAULT-VALUE})")
    String cluster;

    @Override
    public Integer call() throws Exception {
        if (days < 1) {
            throw new CliException("--days must be positive");
        }
        Duration validity = Duration.ofDays(days);
        DevCa ca = DevCa.openOrCreate(out, cluster + " development CA", validity);
        List<String> names = new ArrayList<>(members);
        if (!client.isEmpty()) {
            names.add(client);
        }
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9._-]+") || name.equals("ca")) {
                throw new CliException("invalid certificate name '" + name + "': use letters, digits, . _ -");
            }
            ca.issue(name, hosts, validity);
        }
        System.out.println("CA: " + ca.certificateFile() + " (keep " + out.resolve(DevCa.CA_KEY_FILE)
                + " private)");
        for (String name : names) {
            System.out.println(name + ": " + out.resolve(name + ".pem") + ", " + out.resolve(name + "-key.pem"));
        }
        if (!members.isEmpty()) {
            String m = members.get(0);
            System.out.println("Start a member with: kayak server ... --tls-cert " + out.resolve(m + ".pem")
                    + " --tls-key " + out.resolve(m + "-key.pem") + " --tls-ca " + ca.certificateFile());
        }
        return 0;
    }
}

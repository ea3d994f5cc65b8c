package io.kayak.cli;

import io.kayak.transport.TlsContexts;
import io.kayak.TlsFiles;
import io.netty.handler.ssl.ClientAuth;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The TLS options of the client commands ({@code kv}, {@code status}, {@code member}): with them the command
 * talks HTTPS to the server, presenting this certificate (e.g. the {@code client} one of {@code kayak certs}).
 */
final class ClientTlsOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "client certificate chain (PEM): use HTTPS")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the client certificate's private key (PEM)")
    Path key;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "the CA that issued the server's certificate")
    Path ca;

    /** A client of {@code server}, over HTTPS when the TLS options are given. */
    ClusterClient client(HostPort server) {
        int given = (cert == null ? 0 : 1) + (key == null ? 0 : 1) + (ca == null ? 0 : 1);
        if (given == 0) {
            return new ClusterClient(server);
        }
        if (given < 3) {
            throw new CliException("TLS needs all of --tls-cert, --tls-key and --tls-ca", 4);
        }
        try {
            return new ClusterClient(server, TlsContexts.forClients(new TlsFiles(cert, key, ca), ClientAuth.NONE)
                    .jdkClientContext());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 4);
        }
    }
}

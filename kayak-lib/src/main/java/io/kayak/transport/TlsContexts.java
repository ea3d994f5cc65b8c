package io.kayak.transport;

import io.kayak.TlsFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS 1.3 contexts built from {@link TlsFiles}, one for accepting and one for connecting, both presenting this
 * member's certificate and trusting only the configured CA. The contexts sit behind atomic references:
 * {@link #reload()} (or {@link #reloadIfChanged()}, which a caller runs periodically) swaps in contexts built from
 * the files' current content, and every connection opened afterwards uses them. Open connections keep the
 * certificates they were opened with, so a rotation never drops traffic.
 *
 * <p>The JDK provider is used (no native library to ship). Host names are not verified: a member is trusted for
 * holding a certificate of the cluster's CA, and members are often dialled through addresses (proxies, NAT)
 * that no certificate could name.
 *
 * <p>Thread-safe.
 */
public final class TlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    private static final List<String> PROTOCOLS = List.of("TLSv1.3");

    private final TlsFiles files;
    private final ClientAuth clientAuth;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final AtomicLong generation = new AtomicLong();

    private record Loaded(SslContext server, SslContext client, List<Stamp> stamps) {
    }

    /** What a file looked like when it was loaded; a change in either means it was rewritten. */
    private record Stamp(long modifiedMillis, long size) {
    }

    private TlsContexts(TlsFiles files, ClientAuth clientAuth) {
        this.files = Objects.requireNonNull(files, "files");
        this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
        current.set(load());
    }

    /**
     * Contexts for member-to-member traffic: both sides must present a certificate of the trusted CA.
     *
     * @throws IllegalArgumentException if a file is missing or unreadable, or the key does not match
     */
    public static TlsContexts forMembers(TlsFiles files) {
        return new TlsContexts(files, ClientAuth.REQUIRE);
    }

    /**
     * Contexts for a service's client port, asking clients for a certificate as {@code clientAuth} says
     * ({@link ClientAuth#REQUIRE}: a client without a certificate of the trusted CA cannot connect).
     *
     * @throws IllegalArgumentException if a file is missing or unreadable, or the key does not match
     */
    public static TlsContexts forClients(TlsFiles files, ClientAuth clientAuth) {
        return new TlsContexts(files, clientAuth);
    }

    /** A handler for an accepted connection; put it first in the pipeline. */
    public SslHandler serverHandler(ByteBufAllocator alloc) {
        return current.get().server().newHandler(alloc);
    }

    /** A handler for a connection this side opens; put it first in the pipeline. */
    public SslHandler clientHandler(ByteBufAllocator alloc) {
        return current.get().client().newHandler(alloc);
    }

    /** The current connecting side as a JDK context, for clients that are not Netty (e.g. {@code HttpClient}). */
    public SSLContext jdkClientContext() {
        return ((JdkSslContext) current.get().client()).context();
    }

    /**
     * Re-reads the files and uses them for every new connection. On failure the previous contexts stay.
     *
     * @throws IllegalArgumentException if the files cannot be loaded (the previous contexts remain in use)
     */
    public void reload() {
        current.set(load());
        generation.incrementAndGet();
        LOG.info("TLS certificates reloaded from {}", files.certificateChain());
    }

    /** How many times the contexts were reloaded: holders of a derived client (a JDK one) rebuild when it moves. */
    public long generation() {
        return generation.get();
    }

    /**
     * Reloads if any file changed since the last load. A failure is logged and the previous contexts kept: a
     * rotation caught half-written is picked up on the next call.
     *
     * @return whether new contexts are in use
     */
    public boolean reloadIfChanged() {
        List<Stamp> now;
        try {
            now = stamps();
        } catch (UncheckedIOException e) {
            LOG.warn("Cannot check the TLS files for changes: {}", e.getMessage());
            return false;
        }
        if (now.equals(current.get().stamps())) {
            return false;
        }
        try {
            reload();
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("TLS files changed but cannot be loaded yet; keeping the previous certificates: {}",
                    e.getMessage());
            return false;
        }
    }

    private Loaded load() {
        try {
            List<Stamp> stamps = stamps();
            SslContext server = SslContextBuilder
                    .forServer(files.certificateChain().toFile(), files.privateKey().toFile())
                    .trustManager(files.trustedCa().toFile())
                    .clientAuth(clientAuth)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(files.certificateChain().toFile(), files.privateKey().toFile())
                    .trustManager(files.trustedCa().toFile())
                    // Trust comes from the CA alone (see the class comment); Netty would otherwise check host names.
                    .endpointIdentificationAlgorithm(null)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
            return new Loaded(server, client, stamps);
        } catch (SSLException | UncheckedIOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot load TLS material (" + files.certificateChain() + ", "
                    + files.privateKey() + ", " + files.trustedCa() + "): " + e.getMessage(), e);
        }
    }

    private List<Stamp> stamps() {
        return List.of(stamp(files.certificateChain()), stamp(files.privateKey()), stamp(files.trustedCa()));
    }

    private static Stamp stamp(Path file) {
        try {
            return new Stamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }
}

package io.kayak;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a member's TLS material lives, as PEM files: its certificate chain (its own certificate first), its
 * private key (PKCS#8, unencrypted) and the certificate of the CA it trusts. With TLS on, a peer is trusted if and
 * only if its certificate chains to that CA: the CA defines the cluster's membership, so it must issue
 * certificates to this cluster's members and nobody else.
 *
 * @param certificateChain this member's certificate chain (PEM)
 * @param privateKey       the key of that certificate (PEM, PKCS#8)
 * @param trustedCa        the cluster's CA certificate(s) (PEM)
 */
public record TlsFiles(Path certificateChain, Path privateKey, Path trustedCa) {
    /** Checks that every path is given. */
    public TlsFiles {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trustedCa, "trustedCa");
    }
}

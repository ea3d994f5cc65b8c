package io.kayak.transport;

import io.kayak.TlsFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA that issues member certificates into a directory, valid or expired, for TLS tests. */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;

    private TestPki(Path dir, String name) throws GeneralSecurityException, IOException {
        this.dir = dir;
        this.name = name;
        this.caKeys = newKeys();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.caCert = sign(builder, caKeys);
        write(dir.resolve(name + "-ca.pem"), caCert);
    }

    /** A new CA named {@code name}, writing its files under {@code dir}. */
    public static TestPki create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            return new TestPki(dir, name);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path caFile() {
        return dir.resolve(name + "-ca.pem");
    }

    /** Files of a currently valid certificate for {@code member}, trusting this CA. */
    public TlsFiles issue(String member) {
        Instant now = Instant.now();
        return issue(member, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    }

    /** Files of a certificate for {@code member} that expired an hour ago. */
    public TlsFiles issueExpired(String member) {
        Instant now = Instant.now();
        return issue(member, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)));
    }

    private TlsFiles issue(String member, Instant from, Instant until) {
        try {
            KeyPair keys = newKeys();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(from),
                    Date.from(until), new X500Name("CN=" + member), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate cert = sign(builder, caKeys);
            String base = name + "-" + member + "-" + serial();
            Path certFile = dir.resolve(base + ".pem");
            Path keyFile = dir.resolve(base + "-key.pem");
            write(certFile, cert);
            try (StringWriter out = new StringWriter(); JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
                pem.flush();
                Files.writeString(keyFile, out.toString());
            }
            return new TlsFiles(certFile, keyFile, caFile());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static void write(Path file, Object pemObject) throws IOException {
        try (StringWriter out = new StringWriter(); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pemObject);
            pem.flush();
            Files.writeString(file, out.toString());
        }
    }
}

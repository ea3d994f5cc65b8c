package io.kayak.server;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The reference server is an application of the library like any other: it uses the public API ({@code io.kayak})
 * and nothing of the library's insides. Two transport helpers are shared on purpose: {@code TlsContexts}, which turns
 * the same PEM files the members use into the TLS contexts of the client ports (HTTP and RESP), so both sides check
 * certificates alike, and {@code IoTransport}, which picks the same Netty I/O (epoll or NIO) for them.
 */
class ServerArchitectureTest {
    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kayak.server", "io.kayak.cli");

    @Test
    void theServerUsesOnlyThePublicApi() {
        noClasses().that().resideInAnyPackage("io.kayak.server..", "io.kayak.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kayak.core..", "io.kayak.runtime..",
                        "io.kayak.storage..")
                .check(SERVER);
        noClasses().that().resideInAnyPackage("io.kayak.server..", "io.kayak.cli..")
                .should().dependOnClassesThat(resideInAPackage("io.kayak.transport..")
                        .and(DescribedPredicate.not(simpleName("TlsContexts").or(simpleName("IoTransport")))))
                .check(SERVER);
    }
}

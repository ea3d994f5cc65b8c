package io.kayak.example.embedded;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.kayak.Kayak;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example uses Kayak the way an application outside this repository must: through the classes of package
 * {@code io.kayak} only, never the internal {@code io.kayak.core}, {@code .runtime}, {@code .storage} or
 * {@code .transport}. Besides those, its classes (main and test) may use the JDK and the test libraries.
 */
class PublicApiOnlyTest {
    private static final String[] ALLOWED = {
        "io.kayak",                     // exactly the public API package, none below it
        "io.kayak.example..",
        "java..",
        "org.junit..", "org.assertj..", "org.awaitility..", "com.tngtech.archunit.."
    };

    /** Classes in {@code packages} depend on nothing but the allowed packages. */
    static ArchRule onlyThePublicApi(String packages) {
        return classes().that().resideInAPackage(packages)
                .should().onlyDependOnClassesThat().resideInAnyPackage(ALLOWED)
                .because("an application sees only Kayak's public API, package io.kayak");
    }

    @Test
    void theExampleDependsOnlyOnThePublicApiTheJdkAndTestLibraries() {
        JavaClasses example = new ClassFileImporter().importPackages("io.kayak.example");
        assertThat(example.stream().map(c -> c.getSimpleName()))
                .contains("KeyValueStore", "Main", "Shell", "EmbeddedClusterTest", "PublicApiOnlyTest");
        onlyThePublicApi("io.kayak.example..").check(example);
    }

    @Test
    void theRuleCatchesAClassThatReachesIntoKayaksInternals() {
        // Kayak itself starts hosts through the internal io.kayak.runtime: the same rule must flag it.
        JavaClasses api = new ClassFileImporter().importClasses(Kayak.class);
        EvaluationResult result = onlyThePublicApi("io.kayak").evaluate(api);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anyMatch(line -> line.contains("io.kayak.runtime."));
    }
}

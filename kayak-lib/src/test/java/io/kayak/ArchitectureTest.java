package io.kayak;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The library's shape: the public package {@code io.kayak} is self-contained (no internal type in a public
 * signature), the core depends on nothing of the library, and the internal packages form no cycle.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kayak");

    /** Where a type in a public signature of {@code io.kayak} may come from. */
    private static boolean allowedInApi(JavaClass type) {
        String name = type.isArray() ? type.getBaseComponentType().getName() : type.getName();
        String pkg = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
        return type.isPrimitive() || (type.isArray() && type.getBaseComponentType().isPrimitive())
                || pkg.equals("io.kayak") || pkg.startsWith("java.")
                || name.equals("io.micrometer.core.instrument.MeterRegistry");
    }

    private static final ArchCondition<JavaClass> EXPOSE_ONLY_API_TYPES =
            new ArchCondition<>("expose only io.kayak, JDK and MeterRegistry types in public signatures") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    for (JavaCodeUnit unit : c.getCodeUnits()) {
                        if (!unit.getModifiers().contains(JavaModifier.PUBLIC) || unit.getName().startsWith("lambda$")) {
                            continue;
                        }
                        Set<JavaClass> involved = new HashSet<>(unit.getReturnType().getAllInvolvedRawTypes());
                        unit.getParameterTypes().forEach(t -> involved.addAll(t.getAllInvolvedRawTypes()));
                        unit.getThrowsClause().getTypes().forEach(involved::add);
                        report(events, c, unit.getFullName(), involved);
                    }
                    for (JavaField field : c.getFields()) {
                        if (field.getModifiers().contains(JavaModifier.PUBLIC)) {
                            report(events, c, field.getFullName(), field.getType().getAllInvolvedRawTypes());
                        }
                    }
                    Set<JavaClass> supertypes = new HashSet<>(c.getRawInterfaces());
                    c.getRawSuperclass().ifPresent(supertypes::add);
                    report(events, c, c.getName() + " (supertypes)", supertypes);
                }

                private void report(ConditionEvents events, JavaClass c, String where, Set<JavaClass> types) {
                    for (JavaClass type : types) {
                        if (!allowedInApi(type)) {
                            events.add(SimpleConditionEvent.violated(c, where + " exposes " + type.getName()));
                        }
                    }
                }
            };

    @Test
    void thePublicPackageExposesOnlyItsOwnTypes() {
        classes().that().resideInAPackage("io.kayak").and().arePublic()
                .should(EXPOSE_ONLY_API_TYPES).check(MAIN);
    }

    @Test
    void noUserCanConstructASnapshotOrAHost() {
        classes().that().resideInAPackage("io.kayak").and().haveSimpleName("Snapshot")
                .should().beInterfaces().check(MAIN);
        classes().that().resideInAPackage("io.kayak").and().haveSimpleName("Host")
                .should().beInterfaces().check(MAIN);
    }

    @Test
    void theCoreDependsOnNothingOfTheLibrary() {
        noClasses().that().resideInAPackage("io.kayak.core..")
                .should().dependOnClassesThat(new DescribedPredicate<>("are in the library") {
                    @Override
                    public boolean test(JavaClass c) {
                        return c.getPackageName().startsWith("io.kayak") && !c.getPackageName().startsWith("io.kayak.core");
                    }
                }).check(MAIN);
    }

    @Test
    void theInternalPackagesFormNoCycle() {
        slices().matching("io.kayak.(*)..").that(new DescribedPredicate<>("internal packages") {
            @Override
            public boolean test(com.tngtech.archunit.library.dependencies.Slice slice) {
                return true;
            }
        }).should().beFreeOfCycles().check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kayak.core", "io.kayak.runtime", "io.kayak.storage", "io.kayak.transport"));
    }
}

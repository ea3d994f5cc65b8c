package io.kayak;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import org.junit.jupiter.api.Test;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public type, constructor, method and field of the public package {@code io.kayak} has javadoc: the API's
 * documentation is its contract (the compiler's doclint checks that what is written is well-formed and its
 * references resolve).
 */
class ApiJavadocTest {
    private static final Path API = Path.of("src/main/java/io/kayak");

    @Test
    void everyPublicDeclarationOfThePublicPackageIsDocumented() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(API)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(sources).isNotEmpty();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> undocumented = new ArrayList<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null, units);
            DocTrees docs = DocTrees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                new TreePathScanner<Void, Boolean>() {
                    @Override
                    public Void visitClass(ClassTree c, Boolean inPublicType) {
                        boolean visible = isPublic(c.getModifiers(), inPublicType);
                        check(c.getSimpleName().toString(), visible);
                        return super.visitClass(c, visible);
                    }

                    @Override
                    public Void visitMethod(MethodTree m, Boolean inPublicType) {
                        // Interface methods are public without saying so; an override inherits its documentation.
                        boolean override = m.getModifiers().getAnnotations().stream()
                                .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
                        check(m.getName().toString(), isPublic(m.getModifiers(), inPublicType) && !override);
                        return null;
                    }

                    @Override
                    public Void visitVariable(VariableTree v, Boolean inPublicType) {
                        if (getCurrentPath().getParentPath().getLeaf() instanceof ClassTree) {
                            check(v.getName().toString(), isPublic(v.getModifiers(), inPublicType)
                                    && !v.getModifiers().getFlags().contains(Modifier.PRIVATE));
                        }
                        return null;
                    }

                    private boolean isPublic(ModifiersTree modifiers, Boolean inPublicType) {
                        if (inPublicType == null) {
                            return modifiers.getFlags().contains(Modifier.PUBLIC); // a top-level type
                        }
                        Tree owner = getCurrentPath().getParentPath().getLeaf();
                        boolean inInterface = owner instanceof ClassTree c
                                && (c.getKind() == Tree.Kind.INTERFACE || c.getKind() == Tree.Kind.ANNOTATION_TYPE);
                        boolean enumConstant = owner instanceof ClassTree c && c.getKind() == Tree.Kind.ENUM
                                && getCurrentPath().getLeaf() instanceof VariableTree;
                        return inPublicType && (modifiers.getFlags().contains(Modifier.PUBLIC)
                                || (inInterface && !modifiers.getFlags().contains(Modifier.PRIVATE))
                                || enumConstant);
                    }

                    private void check(String name, boolean visible) {
                        if (!visible || name.equals("serialVersionUID")) {
                            return;
                        }
                        TreePath path = getCurrentPath();
                        DocCommentTree doc = docs.getDocCommentTree(path);
                        if (doc == null || doc.getFullBody().isEmpty() && doc.getBlockTags().isEmpty()) {
                            undocumented.add(unit.getSourceFile().getName().replaceAll(".*/", "") + ": " + name);
                        }
                    }
                }.scan(new TreePath(unit), null);
            }
        }
        assertThat(undocumented).as("public declarations of io.kayak without javadoc").isEmpty();
    }
}

package io.kayak.guide;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/guide.md} and the code in this package from drifting apart: every {@code ```java} block of the
 * guide must be code that compiles and runs here.
 *
 * <p>A block is a run of {@code import} lines followed by code. The code must appear verbatim (leading and trailing
 * blank lines aside) in one of this package's source files, and its imports must be imports of that same file. So a
 * block can show a method of a larger class with the imports it needs, and the imports must be complete: every
 * type the code names that its file imports is imported in the block too (which is how a reader learns that
 * {@code Entry} is {@code io.kayak.Entry}), and every import shown is used.
 */
class GuideSnippetsTest {
    private static final Path GUIDE_SOURCES = Path.of("src/test/java/io/kayak/guide");

    @Test
    void everyJavaBlockOfTheGuideIsCodeOfThisPackageWithItsImports() throws IOException {
        Path module = moduleDir();
        List<String> blocks = javaBlocks(Files.readString(module.getParent().resolve("docs/guide.md")));
        Map<String, String> sources = sources(module.resolve(GUIDE_SOURCES));
        assertThat(blocks).as("java blocks in docs/guide.md").hasSizeGreaterThanOrEqualTo(8);

        List<String> problems = new ArrayList<>();
        for (String block : blocks) {
            problems.addAll(problems(block, sources));
        }
        assertThat(problems).as("guide blocks that are not the code of %s", GUIDE_SOURCES).isEmpty();
    }

    @Test
    void theCheckFindsChangedCodeAndMissingOrStrayImports() {
        Map<String, String> sources = Map.of("Sample.java", String.join("\n",
                "package p;",
                "",
                "import io.kayak.Entry;",
                "import io.kayak.Host;",
                "import java.util.List;",
                "",
                "class Sample {",
                "    Entry first(List<Entry> entries) {",
                "        return entries.get(0);",
                "    }",
                "",
                "    Host host;",
                "}"));
        String method = "    Entry first(List<Entry> entries) {\n        return entries.get(0);\n    }";

        assertThat(problems("\nimport io.kayak.Entry;\nimport java.util.List;\n\n" + method + "\n\n", sources))
                .isEmpty();
        assertThat(problems(method.replace("get(0)", "get(1)"), sources)).singleElement().asString()
                .contains("not found verbatim");
        assertThat(problems("import java.util.List;\n\n" + method, sources)).singleElement().asString()
                .contains("import io.kayak.Entry;");
        assertThat(problems("import io.kayak.Entry;\nimport io.kayak.Host;\nimport java.util.List;\n\n" + method,
                sources)).singleElement().asString().contains("unused").contains("io.kayak.Host");
        assertThat(problems("import io.kayak.Entry;\nimport java.util.Map;\nimport java.util.List;\n\n" + method,
                sources)).singleElement().asString().contains("not an import of Sample.java");
    }

    /** What is wrong with {@code block}, checked against the guide's {@code sources} (file name to text). */
    static List<String> problems(String block, Map<String, String> sources) {
        List<String> lines = strip(block.lines().collect(Collectors.toList()));
        int code = 0;
        while (code < lines.size() && (lines.get(code).startsWith("import ") || lines.get(code).isBlank())) {
            code++;
        }
        List<String> imports = lines.subList(0, code).stream().filter(l -> !l.isBlank())
                .collect(Collectors.toList());
        String body = String.join("\n", lines.subList(code, lines.size()));
        String head = lines.subList(code, lines.size()).stream().map(String::strip)
                .filter(l -> !l.startsWith("/*") && !l.startsWith("*") && !l.startsWith("//")).findFirst()
                .orElse(lines.isEmpty() ? "(empty)" : lines.get(0).strip());
        Optional<Map.Entry<String, String>> file = sources.entrySet().stream()
                .filter(e -> !body.isEmpty() && e.getValue().contains(body)).findFirst();
        if (file.isEmpty()) {
            return List.of("not found verbatim in any guide source: block starting `" + head + "`");
        }
        String name = file.get().getKey();
        List<String> fileImports = file.get().getValue().lines().filter(l -> l.startsWith("import "))
                .collect(Collectors.toList());
        List<String> found = new ArrayList<>();
        for (String i : imports) {
            if (!fileImports.contains(i)) {
                found.add("`" + i + "` is not an import of " + name + " (block starting `" + head + "`)");
            } else if (!uses(body, i)) {
                found.add("unused `" + i + "` in the block starting `" + head + "`");
            }
        }
        for (String i : fileImports) {
            if (!imports.contains(i) && uses(body, i)) {
                found.add("the block starting `" + head + "` needs `" + i + "`");
            }
        }
        return found;
    }

    /** Whether {@code body} names the simple name an import line brings in. */
    private static boolean uses(String body, String importLine) {
        String name = importLine.substring(importLine.lastIndexOf('.') + 1, importLine.length() - 1);
        return Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "\\b").matcher(body).find();
    }

    /** The lines of every {@code ```java} block, in order. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.lines().collect(Collectors.toList())) {
            if (current == null && line.strip().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        assertThat(current).as("an unclosed ```java block").isNull();
        return blocks;
    }

    private static List<String> strip(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return lines.subList(from, to);
    }

    private static Map<String, String> sources(Path dir) throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                sources.put(f.getFileName().toString(), Files.readString(f).replace("\r\n", "\n"));
            }
        }
        return sources;
    }

    /** kayak-lib's directory: the working directory under Maven, the repository root in some IDEs. */
    private static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve(GUIDE_SOURCES)) ? here : here.resolve("kayak-lib");
    }
}

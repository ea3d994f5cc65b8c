package io.kayak.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the core pure: no I/O, threads, clocks, unseeded randomness or reflection in
 * {@code kayak-core/src/main/java}. The simulator's determinism (one seed reproduces a whole run) depends on it,
 * so a forbidden use fails the build instead of surfacing as an irreproducible simulation.
 */
@DisplayName("The core stays pure")
class CorePurityTest {
    /** Forbidden constructs, each with the reason shown when it is found. */
    static final Map<Pattern, String> FORBIDDEN = Map.ofEntries(
            rule("\\bjava\\.io\\b", "I/O (java.io)"),
            rule("\\bjava\\.nio\\b(?!\\.charset\\.StandardCharsets\\b)", "I/O (java.nio)"),
            rule("\\bjava\\.net\\b", "networking (java.net)"),
            rule("\\bjava\\.util\\.concurrent\\b", "concurrency (java.util.concurrent)"),
            rule("\\bjava\\.lang\\.Thread\\b|\\bnew\\s+Thread\\s*\\(|\\bThread\\s*\\.", "threads"),
            rule("\\bSystem\\s*\\.\\s*(currentTimeMillis|nanoTime)\\b", "the wall clock"),
            rule("\\b(Instant|LocalDateTime|LocalDate|ZonedDateTime|OffsetDateTime)\\s*\\.\\s*now\\b",
                    "the wall clock"),
            rule("\\bClock\\b", "a clock"),
            rule("\\bnew\\s+(java\\.util\\.)?Random\\s*\\(\\s*\\)", "unseeded randomness"),
            rule("\\bMath\\s*\\.\\s*random\\b", "unseeded randomness"),
            rule("\\bThreadLocalRandom\\b|\\bSecureRandom\\b", "unseeded randomness"),
            rule("\\bjava\\.util\\.Timer\\b|\\bnew\\s+Timer\\s*\\(", "timers"),
            rule("\\bExecutorService\\b|\\bExecutors\\b", "executors"),
            rule("\\bClass\\s*\\.\\s*forName\\b|\\bjava\\.lang\\.reflect\\b|\\bsetAccessible\\s*\\(",
                    "reflection"));

    private static Map.Entry<Pattern, String> rule(String regex, String reason) {
        return Map.entry(Pattern.compile(regex), reason);
    }

    @Test
    @DisplayName("no source file of the core uses I/O, threads, clocks, unseeded randomness or reflection")
    void coreSourcesArePure() throws IOException {
        Path root = mainSources();
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(root)) {
            sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        assertThat(sources).as("core sources under %s", root).isNotEmpty();

        List<String> violations = new ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            for (String v : violations(text)) {
                violations.add(root.relativize(source) + ": " + v);
            }
        }
        assertThat(violations).as("forbidden uses in the core").isEmpty();
    }

    @Test
    @DisplayName("the guard detects each kind of forbidden use (and ignores comments and strings)")
    void guardDetectsForbiddenUses() {
        assertThat(violations("import java.io.File;")).isNotEmpty();
        assertThat(violations("java.nio.file.Files.readAllBytes(p);")).isNotEmpty();
        assertThat(violations("import java.net.Socket;")).isNotEmpty();
        assertThat(violations("import java.util.concurrent.ConcurrentHashMap;")).isNotEmpty();
        assertThat(violations("new Thread(() -> {}).start();")).isNotEmpty();
        assertThat(violations("Thread.sleep(10);")).isNotEmpty();
        assertThat(violations("long t = System.currentTimeMillis();")).isNotEmpty();
        assertThat(violations("long t = System.nanoTime();")).isNotEmpty();
        assertThat(violations("var now = Instant.now();")).isNotEmpty();
        assertThat(violations("Clock clock = Clock.systemUTC();")).isNotEmpty();
        assertThat(violations("Random r = new Random();")).isNotEmpty();
        assertThat(violations("double d = Math.random();")).isNotEmpty();
        assertThat(violations("int i = ThreadLocalRandom.current().nextInt();")).isNotEmpty();
        assertThat(violations("byte[] b = new SecureRandom().generateSeed(8);")).isNotEmpty();
        assertThat(violations("new java.util.Timer();")).isNotEmpty();
        assertThat(violations("ExecutorService pool;")).isNotEmpty();
        assertThat(violations("Class<?> c = Class.forName(\"x\");")).isNotEmpty();

        // Allowed: seeded randomness, pure charset constants, and words in comments or string literals.
        assertThat(violations("Random r = new Random(seed);")).isEmpty();
        assertThat(violations("import java.nio.charset.StandardCharsets;")).isEmpty();
        assertThat(violations("// no java.io here, and no Thread.sleep either\nint x = 1;")).isEmpty();
        assertThat(violations("/* System.nanoTime() */ String s = \"java.net.Socket\";")).isEmpty();
    }

    /** The forbidden uses in one source text, comments and string literals excluded. */
    static List<String> violations(String source) {
        String code = stripCommentsAndStrings(source);
        List<String> found = new ArrayList<>();
        for (Map.Entry<Pattern, String> rule : FORBIDDEN.entrySet()) {
            Matcher m = rule.getKey().matcher(code);
            while (m.find()) {
                int line = 1 + (int) code.substring(0, m.start()).chars().filter(ch -> ch == '\n').count();
                found.add("line " + line + ": " + rule.getValue() + " (" + m.group() + ")");
            }
        }
        return found;
    }

    /** Blanks out comments, string/text-block and char literals, keeping line breaks so line numbers hold. */
    static String stripCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                keepNewlines(s, i, end, out);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
                keepNewlines(s, i, end, out);
                out.append("\"\"");
                i = end;
            } else if (ch == '"' || ch == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != ch && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(ch).append(ch);
                i = Math.min(j + 1, s.length());
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    private static void keepNewlines(String s, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                out.append('\n');
            }
        }
    }

    /** The core's main sources: Maven runs tests in the module directory; from the repository root, one down. */
    private static Path mainSources() {
        for (String candidate : new String[]{"src/main/java", "kayak-core/src/main/java"}) {
            Path p = Paths.get(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(p.resolve("io/kayak/core"))) {
                return p;
            }
        }
        throw new UncheckedIOException(new IOException("cannot find kayak-core/src/main/java from "
                + Paths.get("").toAbsolutePath()));
    }
}

package io.kayak.core.transcript;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every transcript of {@code src/test/resources/transcripts/}: each command against a fresh
 * {@link TranscriptDriver}, its output compared with the expected block under it.
 *
 * <p>{@code -Dkayak.transcripts.rewrite=true} writes the actual outputs into the files instead of comparing (then
 * read the diff: the transcripts are documentation). {@code -Dkayak.transcripts=figure-7} runs only the files
 * whose name contains that text.
 */
@DisplayName("Transcripts")
class TranscriptTest {
    static final String REWRITE = "kayak.transcripts.rewrite";
    static final String ONLY = "kayak.transcripts";

    @TestFactory
    Stream<DynamicTest> transcripts() throws IOException {
        Path dir = directory();
        String only = System.getProperty(ONLY, "");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .filter(p -> p.getFileName().toString().contains(only))
                    .sorted().collect(Collectors.toList());
        }
        if (only.isEmpty()) {
            assertThat(files).as("transcripts in %s", dir).hasSizeGreaterThanOrEqualTo(20);
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), f.toUri(),
                () -> run(f, Boolean.getBoolean(REWRITE))));
    }

    /** Runs one transcript; on mismatch fails naming each differing case by file and line, with a diff. */
    static void run(Path file, boolean rewrite) throws IOException {
        String name = file.getFileName().toString();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        TranscriptFile transcript = TranscriptFile.parse(name, text);
        TranscriptDriver driver = new TranscriptDriver();
        List<List<String>> actual = new ArrayList<>();
        StringBuilder failures = new StringBuilder();
        int failed = 0;
        for (TranscriptFile.Case c : transcript.cases()) {
            List<String> output;
            try {
                output = driver.run(c);
            } catch (RuntimeException e) {
                throw new AssertionError(name + ":" + c.line() + ": `" + c.command() + "` failed: " + e, e);
            }
            actual.add(output);
            if (!output.equals(c.expected())) {
                failed++;
                if (failed <= 3) {
                    failures.append('\n').append(name).append(':').append(c.line()).append(": `")
                            .append(c.command()).append("` printed other output (- expected, + actual)\n")
                            .append(Diff.unified(c.expected(), output));
                }
            }
        }
        String rendered = transcript.render(actual);
        if (rewrite) {
            if (!rendered.equals(text)) {
                Files.writeString(file, rendered, StandardCharsets.UTF_8);
            }
            return;
        }
        if (failed > 0) {
            String more = failed > 3 ? "\n... and " + (failed - 3) + " more case(s)" : "";
            throw new AssertionFailedError(failed + " case(s) of " + name + " differ (rerun with -D" + REWRITE
                    + "=true to rewrite, then read the diff)" + failures + more, text, rendered);
        }
    }

    /** The transcripts' source directory: Maven runs tests in the module directory; an IDE may use the root. */
    static Path directory() {
        for (String candidate : new String[] {"src/test/resources/transcripts",
                "kayak-core/src/test/resources/transcripts"}) {
            Path p = Paths.get(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new UncheckedIOException(new IOException("cannot find kayak-core/src/test/resources/transcripts from "
                + Paths.get("").toAbsolutePath()));
    }

    /** A small line diff for failure messages: {@code -} expected only, {@code +} actual only. */
    static final class Diff {
        private Diff() {
        }

        static String unified(List<String> expected, List<String> actual) {
            int n = expected.size();
            int m = actual.size();
            int[][] lcs = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--) {
                for (int j = m - 1; j >= 0; j--) {
                    lcs[i][j] = expected.get(i).equals(actual.get(j)) ? lcs[i + 1][j + 1] + 1
                            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            StringBuilder sb = new StringBuilder();
            int i = 0;
            int j = 0;
            while (i < n || j < m) {
                if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                    sb.append("   ").append(expected.get(i)).append('\n');
                    i++;
                    j++;
                } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {
                    sb.append(" + ").append(actual.get(j)).append('\n');
                    j++;
                } else {
                    sb.append(" - ").append(expected.get(i)).append('\n');
                    i++;
                }
            }
            return sb.toString();
        }
    }
}

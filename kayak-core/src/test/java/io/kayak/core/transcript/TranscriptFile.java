package io.kayak.core.transcript;

import java.util.ArrayList;
import java.util.List;

/**
 * A transcript file: a sequence of cases, each a command (one line, possibly followed by input lines), a line
 * {@code ----}, and the expected output, which ends at the first blank line. Lines starting with {@code #} and
 * blank lines between cases are kept as they are, so a rewrite changes only expected outputs.
 *
 * <pre>
 * # A comment that explains the next step.
 * campaign 1
 * ----
 * 1: becomes pre-candidate in term 1
 * 1: send 1-&gt;2 PreVote term=2 last=1@1
 * </pre>
 */
final class TranscriptFile {
    /** One command and its expected output. {@code line} is the 1-based line of the command in the file. */
    record Case(List<String> preamble, int line, String command, List<String> input, List<String> expected) {
        String commandText() {
            return input.isEmpty() ? command : command + "\n" + String.join("\n", input);
        }
    }

    static final String SEPARATOR = "----";

    private final List<Case> cases;
    private final List<String> epilogue;

    private TranscriptFile(List<Case> cases, List<String> epilogue) {
        this.cases = cases;
        this.epilogue = epilogue;
    }

    List<Case> cases() {
        return cases;
    }

    static TranscriptFile parse(String name, String text) {
        List<String> lines = text.lines().toList();
        List<Case> cases = new ArrayList<>();
        int i = 0;
        List<String> preamble = new ArrayList<>();
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                preamble.add(line);
                i++;
                continue;
            }
            int commandLine = i + 1;
            String command = line.stripTrailing();
            i++;
            List<String> input = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).equals(SEPARATOR)) {
                if (lines.get(i).isBlank()) {
                    throw new IllegalArgumentException(name + ":" + commandLine + ": command `" + command
                            + "` has no " + SEPARATOR + " line before the blank line " + (i + 1));
                }
                input.add(lines.get(i));
                i++;
            }
            if (i == lines.size()) {
                throw new IllegalArgumentException(name + ":" + commandLine + ": command `" + command
                        + "` has no " + SEPARATOR + " line");
            }
            i++; // the separator
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.add(lines.get(i));
                i++;
            }
            cases.add(new Case(List.copyOf(preamble), commandLine, command, List.copyOf(input),
                    List.copyOf(expected)));
            preamble.clear();
        }
        return new TranscriptFile(cases, List.copyOf(preamble));
    }

    /** The file's text with each case's expected output replaced by {@code outputs} (one per case, in order). */
    String render(List<List<String>> outputs) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            for (String p : k.preamble()) {
                sb.append(p).append('\n');
            }
            sb.append(k.command()).append('\n');
            for (String in : k.input()) {
                sb.append(in).append('\n');
            }
            sb.append(SEPARATOR).append('\n');
            for (String out : outputs.get(c)) {
                sb.append(out).append('\n');
            }
        }
        for (String e : epilogue) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    /** The file's text as parsed (expected outputs unchanged). */
    String render() {
        List<List<String>> expected = new ArrayList<>();
        for (Case k : cases) {
            expected.add(k.expected());
        }
        return render(expected);
    }
}

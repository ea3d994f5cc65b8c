package io.kayak.core.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Histories survive the file format unchanged, and anything off-format is rejected with its line number. */
class HistoryFileTest {

    private static String text(History history) throws IOException {
        StringWriter out = new StringWriter();
        HistoryFile.write(history, out);
        return out.toString();
    }

    private static History parse(String text) throws IOException {
        return HistoryFile.read(new StringReader(text));
    }

    @Test
    void everyKindOfEventRoundTrips() throws IOException {
        History.Builder h = History.builder();
        int w = h.invoke(1, Command.write("x", "quote \" backslash \\ newline \n tab \t bell \u0007 é"));
        int c = h.invoke(2, Command.cas("x", "a", "b"));
        h.ok(w, Response.written());
        h.ok(c, Response.cas(false));
        h.ok(h.invoke(1, Command.read("x")), Response.read("quote \" backslash \\ newline \n tab \t bell \u0007 é"));
        h.ok(h.invoke(1, Command.read("y")), Response.read(null));
        h.ok(h.invoke(1, Command.delete("x")), Response.deleted(true));
        h.fail(h.invoke(1, Command.write("y", "f")));
        h.unknown(h.invoke(1, Command.cas("y", "a", "b")));
        h.invoke(3, Command.delete("y")); // pending at the end
        History history = h.build();

        History back = parse(text(history));
        assertThat(back).isEqualTo(history);
        assertThat(text(back)).isEqualTo(text(history));
    }

    @Test
    void aSimulatedHistoryRoundTripsThroughAFileAndChecksTheSame(@TempDir Path dir) throws IOException {
        History history = new RegisterStoreSimulation(7, 6, 3, 400, 0.05, 0.05).run();
        Path file = dir.resolve("history.jsonl");
        HistoryFile.write(history, file);
        History back = HistoryFile.read(file);
        assertThat(back).isEqualTo(history);
        assertThat(LinearizabilityChecker.check(back).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void theDocumentedExampleReads() throws IOException {
        History history = parse("""
                {"format":"kayak-history","version":1}
                {"type":"invoke","id":0,"process":1,"time":10,"f":"write","key":"x","value":"a"}
                {"type":"invoke","id":1,"process":2,"time":11,"f":"cas","key":"x","expected":"a","value":"b"}
                {"type":"ok","id":0,"process":1,"time":12}
                {"type":"unknown","id":1,"process":2,"time":40}
                {"type":"invoke","id":2,"process":1,"time":41,"f":"read","key":"x"}
                {"type":"ok","id":2,"process":1,"time":45,"value":"b"}
                """);
        assertThat(history.operations()).containsExactly(
                Operation.ok(1, Command.write("x", "a"), 10, 12, Response.written()),
                Operation.unknown(2, Command.cas("x", "a", "b"), 11, 40),
                Operation.ok(1, Command.read("x"), 41, 45, Response.read("b")));
        assertThat(LinearizabilityChecker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void fieldOrderAndSpacingAreFreeAndInfoMeansUnknown() throws IOException {
        History history = parse("""
                { "version" : 1, "format" : "kayak-history" }
                {"key":"x","f":"write","time":0,"process":1,"id":5,"type":"invoke","value":"a"}
                {"type":"info","id":5,"process":1,"time":3}
                """);
        assertThat(history.operations()).containsExactly(Operation.unknown(1, Command.write("x", "a"), 0, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",                                                                             // blank line
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"read\",\"key\":\"x\",\"extra\":1}",
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"read\"}",            // no key
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"write\",\"key\":\"x\"}",
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"incr\",\"key\":\"x\"}",
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0.5,\"f\":\"read\",\"key\":\"x\"}",
            "{\"type\":\"invoke\",\"id\":0,\"id\":1,\"process\":1,\"time\":0,\"f\":\"read\",\"key\":\"x\"}",
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"read\",\"key\":{\"a\":1}}",
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"read\",\"key\":\"x\"} trailing",
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":-1,\"f\":\"read\",\"key\":\"x\"}",
            "{\"type\":\"ok\",\"id\":9,\"process\":1,\"time\":0}",                              // never invoked
            "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":0,\"f\":\"read\",\"key\":\"x\"",  // truncated
    })
    void malformedLinesAreRejectedWithTheirLineNumber(String badLine) {
        String text = HistoryFile.HEADER + "\n" + badLine + "\n";
        assertThatThrownBy(() -> parse(text)).isInstanceOfSatisfying(HistoryFormatException.class,
                e -> assertThat(e.line()).isEqualTo(2));
    }

    @Test
    void inconsistentEventsAreRejected() {
        String invoke = "{\"type\":\"invoke\",\"id\":0,\"process\":1,\"time\":5,\"f\":\"read\",\"key\":\"x\"}\n";
        assertThatThrownBy(() -> parse(HistoryFile.HEADER + "\n" + invoke
                + "{\"type\":\"ok\",\"id\":0,\"process\":2,\"time\":6,\"value\":null}\n"))
                .hasMessageContaining("line 3").hasMessageContaining("process");
        assertThatThrownBy(() -> parse(HistoryFile.HEADER + "\n" + invoke
                + "{\"type\":\"ok\",\"id\":0,\"process\":1,\"time\":4,\"value\":null}\n"))
                .hasMessageContaining("line 3").hasMessageContaining("backwards");
        assertThatThrownBy(() -> parse(HistoryFile.HEADER + "\n" + invoke
                + "{\"type\":\"ok\",\"id\":0,\"process\":1,\"time\":6,\"success\":true}\n"))
                .hasMessageContaining("line 3");
        assertThatThrownBy(() -> parse(HistoryFile.HEADER + "\n" + invoke + invoke))
                .hasMessageContaining("line 3").hasMessageContaining("twice");
        assertThatThrownBy(() -> parse("{\"format\":\"jepsen\",\"version\":1}\n"))
                .isInstanceOfSatisfying(HistoryFormatException.class, e -> assertThat(e.line()).isEqualTo(1));
        assertThatThrownBy(() -> parse("")).isInstanceOf(HistoryFormatException.class);
    }
}

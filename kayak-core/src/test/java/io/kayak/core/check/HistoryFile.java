package io.kayak.core.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saves and loads histories as JSON Lines, one event per line, so that a failed chaos run keeps its evidence and
 * the checker can be re-run on it (and a harness can append events as they happen, even if it then crashes).
 *
 * <h2>Format, version 1</h2>
 * UTF-8, lines separated by {@code \n}. The first line is the header {@code {"format":"kayak-history","version":1}};
 * each further line is one flat JSON object, an event, in the order the events happened (times never decrease):
 * <pre>
 * {"type":"invoke","id":0,"process":1,"time":10,"f":"write","key":"x","value":"a"}
 * {"type":"invoke","id":1,"process":2,"time":11,"f":"cas","key":"x","expected":"a","value":"b"}
 * {"type":"ok","id":0,"process":1,"time":12}
 * {"type":"unknown","id":1,"process":2,"time":40}
 * {"type":"invoke","id":2,"process":1,"time":41,"f":"read","key":"x"}
 * {"type":"ok","id":2,"process":1,"time":45,"value":"b"}
 * </pre>
 * <ul>
 *   <li>{@code invoke}: {@code id} (unique in the file), {@code process}, {@code time}, {@code f} — one of
 *       {@code read}, {@code write}, {@code cas}, {@code delete} — and {@code key}; a write adds {@code value}, a
 *       compare-and-set {@code expected} and {@code value} (all strings).</li>
 *   <li>{@code ok}: {@code id}, {@code process}, {@code time}, and the response: a read's {@code value} (a string,
 *       or {@code null} for an absent key), a compare-and-set's {@code success} or a delete's {@code found}
 *       (booleans); a write has none.</li>
 *   <li>{@code fail} (definitely not applied) and {@code unknown} (maybe applied; {@code info}, Jepsen's name, is
 *       accepted too): {@code id}, {@code process}, {@code time}.</li>
 * </ul>
 * A completion names an invoked, not yet completed id, with the same process. Times are non-negative integers.
 * An invocation without a completion is an unknown operation. Every field listed is required, no other field is
 * allowed, field order is free, and blank lines are errors: a file that deviates is corrupt or from another tool,
 * and guessing would risk checking a different history than the one that ran.
 *
 * <p>Ids in the file are positions in the written history; reading numbers operations in invocation order, which
 * is the same for histories recorded with {@link History.Builder}.
 */
public final class HistoryFile {
    static final String HEADER = "{\"format\":\"kayak-history\",\"version\":1}";

    private static final Set<String> COMPLETION_FIELDS = Set.of("type", "id", "process", "time");

    private HistoryFile() {
    }

    public static void write(History history, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(history, out);
        }
    }

    public static History read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    /** Writes {@code history}; the caller closes {@code out}. */
    public static void write(History history, Writer out) throws IOException {
        out.write(HEADER);
        out.write('\n');
        for (Event event : events(history)) {
            out.write(line(history, event));
            out.write('\n');
        }
        out.flush();
    }

    /** Reads a history; the caller closes {@code in}. */
    public static History read(Reader in) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String header = lines.readLine();
        if (header == null) {
            throw new HistoryFormatException(1, "empty file, expected the header " + HEADER);
        }
        Map<String, Object> head = parse(1, header);
        if (!"kayak-history".equals(head.get("format")) || !Long.valueOf(1).equals(head.get("version"))
                || head.size() != 2) {
            throw new HistoryFormatException(1, "not a version 1 kayak history header: " + header);
        }
        return new Parser().parseEvents(lines);
    }

    /** An invocation or completion of the operation at {@code index}. */
    private record Event(int index, boolean completion, long time) {
    }

    /** Events by time; at equal times invocations first, so an operation's invocation precedes its completion. */
    private static List<Event> events(History history) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            Operation op = history.operation(i);
            events.add(new Event(i, false, op.invokeTime()));
            if (op.completeTime() != Operation.NEVER) {
                events.add(new Event(i, true, op.completeTime()));
            }
        }
        events.sort(Comparator.comparingLong(Event::time).thenComparing(Event::completion)
                .thenComparingInt(Event::index));
        return events;
    }

    private static String line(History history, Event event) {
        Operation op = history.operation(event.index());
        StringBuilder out = new StringBuilder("{\"type\":");
        String type = !event.completion() ? "invoke" : switch (op.outcome()) {
            case OK -> "ok";
            case FAIL -> "fail";
            case UNKNOWN -> "unknown";
        };
        FlatJson.appendString(out, type);
        out.append(",\"id\":").append(event.index()).append(",\"process\":").append(op.process())
                .append(",\"time\":").append(event.time());
        Command command = op.command();
        if (!event.completion()) {
            out.append(",\"f\":");
            FlatJson.appendString(out, command.kind().name().toLowerCase());
            out.append(",\"key\":");
            FlatJson.appendString(out, command.key());
            if (command.expected() != null) {
                out.append(",\"expected\":");
                FlatJson.appendString(out, command.expected());
            }
            if (command.value() != null) {
                out.append(",\"value\":");
                FlatJson.appendString(out, command.value());
            }
        } else if (op.outcome() == Outcome.OK) {
            switch (command.kind()) {
                case READ -> {
                    out.append(",\"value\":");
                    FlatJson.appendString(out, op.response().value());
                }
                case CAS -> out.append(",\"success\":").append(op.response().flag());
                case DELETE -> out.append(",\"found\":").append(op.response().flag());
                case WRITE -> {
                }
            }
        }
        return out.append('}').toString();
    }

    private static Map<String, Object> parse(int lineNumber, String line) throws HistoryFormatException {
        try {
            return FlatJson.parse(line);
        } catch (IllegalArgumentException e) {
            throw new HistoryFormatException(lineNumber, e.getMessage());
        }
    }

    /** Pairs invocations with completions while checking every rule of the format. */
    private static final class Parser {
        /** Invoked operations in file order, keyed by file id; completed ones are replaced in place. */
        private final Map<Long, Operation> operations = new LinkedHashMap<>();
        private final Map<Long, Boolean> open = new HashMap<>();
        private long lastTime = 0;
        private int lineNumber = 1;

        History parseEvents(BufferedReader lines) throws IOException {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                try {
                    event(parse(lineNumber, line));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new HistoryFormatException(lineNumber, e.getMessage());
                }
            }
            return History.of(operations.values());
        }

        private void event(Map<String, Object> fields) throws HistoryFormatException {
            String type = string(fields, "type");
            long id = integer(fields, "id");
            long process = integer(fields, "process");
            if (process < Integer.MIN_VALUE || process > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("process out of range: " + process);
            }
            long time = integer(fields, "time");
            if (time < 0 || time == Operation.NEVER) {
                throw new IllegalArgumentException("not a time: " + time);
            }
            if (time < lastTime) {
                throw new IllegalArgumentException("time goes backwards: " + time + " after " + lastTime);
            }
            lastTime = time;
            if (type.equals("invoke")) {
                invoke(fields, id, (int) process, time);
                return;
            }
            Operation invoked = operations.get(id);
            if (invoked == null || open.remove(id) == null) {
                throw new IllegalArgumentException("completion of operation " + id + ", which is not pending");
            }
            if (invoked.process() != process) {
                throw new IllegalArgumentException("operation " + id + " was invoked by process "
                        + invoked.process() + ", not " + process);
            }
            Operation completed = switch (type) {
                case "ok" -> Operation.ok(invoked.process(), invoked.command(), invoked.invokeTime(), time,
                        response(fields, invoked.command().kind()));
                case "fail" -> Operation.fail(invoked.process(), invoked.command(), invoked.invokeTime(), time);
                case "unknown", "info" ->
                        Operation.unknown(invoked.process(), invoked.command(), invoked.invokeTime(), time);
                default -> throw new IllegalArgumentException("unknown event type \"" + type + "\"");
            };
            if (!type.equals("ok")) {
                allowOnly(fields, COMPLETION_FIELDS);
            }
            operations.put(id, completed);
        }

        private void invoke(Map<String, Object> fields, long id, int process, long time) {
            if (operations.containsKey(id)) {
                throw new IllegalArgumentException("operation id " + id + " invoked twice");
            }
            String key = string(fields, "key");
            String f = string(fields, "f");
            Command command = switch (f) {
                case "read" -> Command.read(key);
                case "write" -> Command.write(key, string(fields, "value"));
                case "cas" -> Command.cas(key, string(fields, "expected"), string(fields, "value"));
                case "delete" -> Command.delete(key);
                default -> throw new IllegalArgumentException("unknown operation \"" + f + "\"");
            };
            Set<String> allowed = switch (f) {
                case "write" -> Set.of("type", "id", "process", "time", "f", "key", "value");
                case "cas" -> Set.of("type", "id", "process", "time", "f", "key", "expected", "value");
                default -> Set.of("type", "id", "process", "time", "f", "key");
            };
            allowOnly(fields, allowed);
            operations.put(id, Operation.unknown(process, command, time, Operation.NEVER));
            open.put(id, Boolean.TRUE);
        }

        private static Response response(Map<String, Object> fields, Command.Kind kind) {
            return switch (kind) {
                case READ -> {
                    allowOnly(fields, Set.of("type", "id", "process", "time", "value"));
                    Object value = required(fields, "value");
                    if (value != FlatJson.NULL && !(value instanceof String)) {
                        throw new IllegalArgumentException("\"value\" must be a string or null");
                    }
                    yield Response.read(value == FlatJson.NULL ? null : (String) value);
                }
                case WRITE -> {
                    allowOnly(fields, COMPLETION_FIELDS);
                    yield Response.written();
                }
                case CAS -> {
                    allowOnly(fields, Set.of("type", "id", "process", "time", "success"));
                    yield Response.cas(bool(fields, "success"));
                }
                case DELETE -> {
                    allowOnly(fields, Set.of("type", "id", "process", "time", "found"));
                    yield Response.deleted(bool(fields, "found"));
                }
            };
        }

        private static void allowOnly(Map<String, Object> fields, Set<String> allowed) {
            for (String name : fields.keySet()) {
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException("unexpected field \"" + name + "\"");
                }
            }
        }

        private static Object required(Map<String, Object> fields, String name) {
            Object value = fields.get(name);
            if (value == null) {
                throw new IllegalArgumentException("missing field \"" + name + "\"");
            }
            return value;
        }

        private static String string(Map<String, Object> fields, String name) {
            if (required(fields, name) instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("\"" + name + "\" must be a string");
        }

        private static long integer(Map<String, Object> fields, String name) {
            if (required(fields, name) instanceof Long l) {
                return l;
            }
            throw new IllegalArgumentException("\"" + name + "\" must be an integer");
        }

        private static boolean bool(Map<String, Object> fields, String name) {
            if (required(fields, name) instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("\"" + name + "\" must be true or false");
        }
    }
}

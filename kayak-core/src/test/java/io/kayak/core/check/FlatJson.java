package io.kayak.core.check;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The subset of JSON the history file needs: one flat object per line whose values are strings, integers,
 * booleans or null. Anything else — nesting, fractions, exponents, duplicate names, trailing text — is rejected,
 * since a history file is machine-written and any surprise in it means corruption, not a dialect to tolerate.
 */
final class FlatJson {
    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    /**
     * Parses one object. Values come back as {@link String}, {@link Long}, {@link Boolean} or {@link #NULL}.
     *
     * @throws IllegalArgumentException describing the first problem and its column
     */
    static Map<String, Object> parse(String line) {
        return new FlatJson(line).object();
    }

    /** Stands for JSON {@code null}, since maps of parsed values cannot hold Java {@code null} unambiguously. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Appends {@code value} as a JSON string literal, or {@code null} for a Java {@code null}. */
    static void appendString(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Map<String, Object> object() {
        Map<String, Object> fields = new LinkedHashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                int at = pos;
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value();
                if (fields.put(name, value) != null) {
                    throw error(at, "duplicate field \"" + name + "\"");
                }
                skipSpace();
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw error(pos - 1, "expected ',' or '}'");
                }
            }
        }
        skipSpace();
        if (pos != text.length()) {
            throw error(pos, "trailing text after the object");
        }
        return fields;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '-' || c >= '0' && c <= '9') {
            return integer();
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return NULL;
        }
        throw error(pos, "expected a string, an integer, true, false or null");
    }

    private Long integer() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') {
                pos++;
            }
        } else {
            throw error(pos, "malformed number");
        }
        if (peek() == '.' || peek() == 'e' || peek() == 'E') {
            throw error(pos, "only integers are allowed");
        }
        try {
            return Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error(start, "integer out of range");
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error(pos - 1, "unescaped control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error(pos, "truncated \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error(pos, "malformed \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error(pos - 1, "unknown escape \\" + e);
            }
        }
    }

    private void skipSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw error(pos, "unexpected end of line");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (peek() != c || pos >= text.length()) {
            throw error(pos, "expected '" + c + "'");
        }
        pos++;
    }

    private static IllegalArgumentException error(int column, String message) {
        return new IllegalArgumentException("column " + (column + 1) + ": " + message);
    }
}

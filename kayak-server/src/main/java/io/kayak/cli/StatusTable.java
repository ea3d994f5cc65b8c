package io.kayak.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders the members of a {@code /v1/status} document as an aligned text table. */
final class StatusTable {
    private static final String[] COLUMNS = {"ID", "ADDRESS", "ROLE", "TERM", "COMMIT", "APPLIED", "SNAPSHOT",
            "LAG", "LAST CONTACT"};

    private StatusTable() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> status) {
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        Object members = status.get("members");
        if (members instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> m = (Map<String, Object>) item;
                Object contact = m.get("lastContactMillis");
                rows.add(new String[] {text(m.get("id")), text(m.get("address")),
                        m.get("role") == null ? "unreachable" : text(m.get("role")), text(m.get("term")),
                        text(m.get("commit")), text(m.get("applied")), text(m.get("snapshot")), text(m.get("lag")),
                        contact == null ? "-" : contact + " ms"});
            }
        }
        int[] widths = new int[COLUMNS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("leader: ").append(text(status.get("leader"))).append("   viewed from: ")
                .append(text(status.get("id"))).append('\n');
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(String.format("%-" + widths[i] + "s", row[i]));
                out.append(i == row.length - 1 ? "\n" : "  ");
            }
        }
        return out.toString();
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }
}

package org.pipeplan.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reference values from a Markdown table such as the datasets' EXPECTED.md: the first table whose
 * header has the columns "instance" and "optimum", read as instance -> column -> cell.
 */
final class ReferenceValues {

    private final Map<String, Map<String, String>> rows;

    private ReferenceValues(Map<String, Map<String, String>> rows) {
        this.rows = rows;
    }

    static ReferenceValues empty() {
        return new ReferenceValues(Map.of());
    }

    static ReferenceValues read(Path markdown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdown);
        } catch (IOException e) {
            throw new IllegalArgumentException(markdown + ": cannot read: " + e.getMessage());
        }
        Map<String, Map<String, String>> rows = new HashMap<>();
        List<String> header = null;
        for (String line : lines) {
            if (!line.trim().startsWith("|")) {
                if (header != null && !rows.isEmpty()) {
                    break;
                }
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                if (cells.contains("instance") && cells.contains("optimum")) {
                    header = cells;
                }
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches("-+|:?-+:?"))) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < Math.min(header.size(), cells.size()); i++) {
                row.put(header.get(i), cells.get(i));
            }
            rows.put(row.get("instance"), row);
        }
        return new ReferenceValues(rows);
    }

    private static List<String> cells(String line) {
        String s = line.trim();
        s = s.substring(1, s.endsWith("|") ? s.length() - 1 : s.length());
        List<String> out = new ArrayList<>();
        for (String c : s.split("\\|", -1)) {
            out.add(c.trim());
        }
        return out;
    }

    /** The number in a column for an instance, or NaN when absent or not a number ("open", "-"). */
    double number(String instance, String column) {
        Map<String, String> row = rows.get(instance);
        if (row == null || row.get(column) == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(row.get(column));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    boolean has(String instance) {
        return rows.containsKey(instance);
    }
}

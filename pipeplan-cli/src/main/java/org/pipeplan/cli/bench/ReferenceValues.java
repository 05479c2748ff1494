package org.pipeplan.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reference values from the Markdown tables of a file such as the datasets' EXPECTED.md: every
 * table with an "instance" column, read as instance -> column -> cell. Instances are named by
 * their path relative to the file's folder, without ".json"; the latency table names the instances
 * of the latency/ folder without that prefix.
 */
final class ReferenceValues {

    private static final String LATENCY_FOLDER = "latency/";

    private final List<Map<String, Map<String, String>>> tables;

    private ReferenceValues(List<Map<String, Map<String, String>>> tables) {
        this.tables = tables;
    }

    static ReferenceValues empty() {
        return new ReferenceValues(List.of());
    }

    static ReferenceValues read(Path markdown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdown);
        } catch (IOException e) {
            throw new IllegalArgumentException(markdown + ": cannot read: " + e.getMessage());
        }
        List<Map<String, Map<String, String>>> tables = new ArrayList<>();
        List<String> header = null;
        Map<String, Map<String, String>> rows = null;
        for (String line : lines) {
            if (!line.trim().startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                if (cells.contains("instance")) {
                    header = cells;
                    rows = new HashMap<>();
                    tables.add(rows);
                }
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < Math.min(header.size(), cells.size()); i++) {
                row.put(header.get(i), cells.get(i));
            }
            rows.put(row.get("instance"), row);
        }
        return new ReferenceValues(tables);
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
        for (Map<String, Map<String, String>> table : tables) {
            Map<String, String> row = table.get(instance);
            if (row != null && row.containsKey(column)) {
                return parse(row.get(column));
            }
        }
        return Double.NaN;
    }

    /** A latency reference: the latency table names latency/X as X. */
    double latencyNumber(String instance, String column) {
        String name = instance.startsWith(LATENCY_FOLDER) ? instance.substring(LATENCY_FOLDER.length()) : instance;
        return number(name, column);
    }

    boolean has(String instance) {
        return tables.stream().anyMatch(t -> t.containsKey(instance));
    }

    private static double parse(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}

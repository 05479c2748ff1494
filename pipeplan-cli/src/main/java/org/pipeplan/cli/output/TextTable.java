package org.pipeplan.cli.output;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with left-aligned text and right-aligned numbers. */
public final class TextTable {

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** Headers prefixed with '>' are right-aligned (the '>' is not printed). */
    public TextTable(String... headers) {
        this.headers = new ArrayList<>();
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            rightAligned[i] = headers[i].startsWith(">");
            this.headers.add(rightAligned[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    public TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(c == null ? "-" : c.toString());
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render() {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            rule.append("-".repeat(width[i])).append(i + 1 < width.length ? "  " : "");
        }
        sb.append(rule).append(System.lineSeparator());
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            l.append(rightAligned[i] ? pad + c : c + pad);
            if (i + 1 < cells.size()) {
                l.append("  ");
            }
        }
        sb.append(l.toString().stripTrailing()).append(System.lineSeparator());
    }

    /** A number with up to {@code digits} significant digits, without trailing zeros. */
    public static String num(double value, int digits) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(value).round(new MathContext(digits)).stripTrailingZeros();
        if (Math.abs(value) >= 1e12 || Math.abs(value) < 1e-4) {
            // scientific: mantissa without trailing zeros, exponent without padding (1e-9, 2.5e13)
            int exponent = d.precision() - d.scale() - 1;
            return d.movePointLeft(exponent).stripTrailingZeros().toPlainString() + "e" + exponent;
        }
        return d.toPlainString();
    }

    public static String num(double value) {
        return num(value, 10);
    }

    public static String bytes(double value) {
        if (Double.isInfinite(value)) {
            return "none";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        double v = value;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (u == 0 ? String.valueOf((long) v) : String.format("%.2f", v)) + " " + units[u];
    }

    public static String percent(double fraction) {
        return String.format("%.2f%%", fraction * 100);
    }

    public static String seconds(double s) {
        return s < 10 ? String.format("%.2f", s) : String.format("%.1f", s);
    }
}

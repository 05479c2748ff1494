package org.pipeplan.report;

import java.util.Locale;

/** Formatting of figures in the report. */
final class Units {

    private Units() {
    }

    static String bytes(double b) {
        if (Double.isInfinite(b)) {
            return "none";
        }
        String[] unit = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (Math.abs(b) >= 1024 && i < unit.length - 1) {
            b /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, i == 0 ? "%.0f %s" : "%.2f %s", b, unit[i]);
    }

    /** Up to 6 significant digits, no exponent for ordinary magnitudes. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v != 0 && (Math.abs(v) >= 1e7 || Math.abs(v) < 1e-4)) {
            return String.format(Locale.ROOT, "%.4g", v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    static String percent(double share) {
        return Double.isNaN(share) ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }
}

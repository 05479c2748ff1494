package org.pipeplan.cli.options;

import java.util.Locale;
import picocli.CommandLine;

/** Reads a byte count such as {@code 17185374208}, {@code 16GiB}, {@code 600MB} or {@code 1.5e9}. */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Double> {

    @Override
    public Double convert(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        double factor = 1;
        String[][] suffixes = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"tib", "1099511627776"},
            {"kb", "1e3"}, {"mb", "1e6"}, {"gb", "1e9"}, {"tb", "1e12"}, {"b", "1"}};
        for (String[] suffix : suffixes) {
            if (s.endsWith(suffix[0]) && !s.endsWith("e" + suffix[0])) {
                factor = Double.parseDouble(suffix[1]);
                s = s.substring(0, s.length() - suffix[0].length());
                break;
            }
        }
        double value;
        try {
            value = Double.parseDouble(s) * factor;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a byte size (e.g. 17185374208, 16GiB, 600MB)");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new CommandLine.TypeConversionException("'" + text + "' must be a finite size >= 0");
        }
        return value;
    }
}

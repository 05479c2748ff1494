package org.pipeplan.report;

import java.util.Locale;

/** A small writer of SVG markup: numbers in a fixed locale, text escaped. */
final class Svg {

    private final StringBuilder out = new StringBuilder();

    Svg(double width, double height, String id, String label) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(id).append("\" role=\"img\" aria-label=\"")
                .append(escape(label)).append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height)).append("\">\n");
    }

    Svg rect(double x, double y, double w, double h, String fill, String cssClass, String tooltip) {
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(w, 0))).append("\" height=\"").append(num(Math.max(h, 0))).append("\" fill=\"")
                .append(fill).append('"');
        cssClass(cssClass);
        return tooltipAndClose("rect", tooltip);
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(num(width)).append('"');
        if (dash != null) {
            out.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        out.append("/>\n");
        return this;
    }

    Svg path(String d, String stroke, double width, String cssClass) {
        out.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(num(width)).append('"');
        cssClass(cssClass);
        out.append("/>\n");
        return this;
    }

    Svg circle(double cx, double cy, double r, String fill, String cssClass, String tooltip) {
        out.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"").append(num(r))
                .append("\" fill=\"").append(fill).append("\" stroke=\"#333\" stroke-width=\"0.6\"");
        cssClass(cssClass);
        return tooltipAndClose("circle", tooltip);
    }

    /** Text; anchor is start, middle or end. */
    Svg text(double x, double y, String text, String anchor, double size, String fill) {
        out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
                .append(anchor).append("\" font-size=\"").append(num(size)).append("\" fill=\"").append(fill)
                .append("\">").append(escape(text)).append("</text>\n");
        return this;
    }

    String end() {
        return out.append("</svg>\n").toString();
    }

    private void cssClass(String cssClass) {
        if (cssClass != null) {
            out.append(" class=\"").append(cssClass).append('"');
        }
    }

    private Svg tooltipAndClose(String element, String tooltip) {
        if (tooltip == null) {
            out.append("/>\n");
        } else {
            out.append("><title>").append(escape(tooltip)).append("</title></").append(element).append(">\n");
        }
        return this;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }
}

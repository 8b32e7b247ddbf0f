package dev.reasoningrouter.report;

import java.util.Locale;

/** A minimal SVG document writer: shapes and text in user units, text and attribute values escaped. */
public final class Svg {
    private final StringBuilder body = new StringBuilder();
    private final int width;
    private final int height;
    private final String title;

    public Svg(int width, int height, String title) {
        this.width = width;
        this.height = height;
        this.title = title;
    }

    public Svg rect(String cls, double x, double y, double w, double h, String fill, String tooltip) {
        body.append(String.format(Locale.ROOT, "  <rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">",
                escape(cls), x, y, Math.max(0, w), Math.max(0, h), escape(fill)));
        tooltip(tooltip).append("</rect>\n");
        return this;
    }

    public Svg line(String cls, double x1, double y1, double x2, double y2, String stroke, double strokeWidth) {
        body.append(String.format(Locale.ROOT,
                "  <line class=\"%s\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.2f\"/>%n",
                escape(cls), x1, y1, x2, y2, escape(stroke), strokeWidth));
        return this;
    }

    public Svg circle(String cls, double cx, double cy, double r, String fill, String tooltip) {
        body.append(String.format(Locale.ROOT, "  <circle class=\"%s\" cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"%s\">",
                escape(cls), cx, cy, r, escape(fill)));
        tooltip(tooltip).append("</circle>\n");
        return this;
    }

    /** Text; {@code anchor} is start, middle or end; {@code rotate} degrees about the anchor point. */
    public Svg text(String cls, double x, double y, String text, String anchor, int size, double rotate) {
        body.append(String.format(Locale.ROOT, "  <text class=\"%s\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" font-size=\"%d\"",
                escape(cls), x, y, escape(anchor), size));
        if (rotate != 0) {
            body.append(String.format(Locale.ROOT, " transform=\"rotate(%.1f %.2f %.2f)\"", rotate, x, y));
        }
        body.append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    private StringBuilder tooltip(String tooltip) {
        if (tooltip != null && !tooltip.isEmpty()) {
            body.append("<title>").append(escape(tooltip)).append("</title>");
        }
        return body;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, """
                <?xml version="1.0" encoding="UTF-8"?>
                <svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">
                  <title>%s</title>
                  <rect class="background" x="0" y="0" width="%d" height="%d" fill="#ffffff"/>
                %s</svg>
                """, width, height, width, height, escape(title), width, height, body);
    }

    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}

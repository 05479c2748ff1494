package org.pipeplan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theReportHoldsEverySectionAndNeedsNoNetwork() {
        ReportInput in = ReportFixtures.input(20, true, ReportFixtures.run());
        String html = HtmlReport.render(in);
        for (String id : new String[] {"summary", "simulation", "loads", "memory", "gantt", "graph", "comparison", "measured"}) {
            assertTrue(html.contains("<section id=\"" + id + "\""), id);
        }
        for (String svg : new String[] {"load-chart", "memory-chart", "gantt-chart", "graph-view", "measured-chart"}) {
            assertTrue(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + svg + "\""), svg);
        }
        // nothing is fetched: the only URL is the SVG namespace
        assertEquals(count(html, "http://www.w3.org/2000/svg"), count(html, "https?://"));
        assertFalse(html.contains("<link") || html.contains(" src="), "no external resources");
        int devices = in.problem().devices().size();
        // two bars per device for loads and for memory, two per stage for predicted and measured
        assertEquals(4 * devices + 2 * in.run().stages().size(), count(html, "<rect[^>]*class=\"bar\"[^>]*>"));
        assertTrue(count(html, "class=\"task\"") > 10);
        assertTrue(count(html, "class=\"node\"") > 0);
    }

    @Test
    void textFromTheInputIsEscaped() {
        assertEquals("a&lt;b&gt; &amp; &quot;c&quot;", Svg.escape("a<b> & \"c\""));
    }

    @Test
    void withoutRunOrComparisonThoseSectionsAreLeftOut() {
        ReportInput in = ReportFixtures.input(12, false, null);
        ReportInput bare = new ReportInput(in.problem(), in.plan(), in.evaluation(), in.simulation(), java.util.List.of(), null);
        String html = HtmlReport.render(bare);
        assertFalse(html.contains("id=\"measured\""));
        assertFalse(html.contains("id=\"comparison\""));
        assertTrue(html.contains("id=\"gantt-chart\""));
    }
}

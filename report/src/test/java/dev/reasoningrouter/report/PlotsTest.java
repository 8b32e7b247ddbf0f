package dev.reasoningrouter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG figures parse as XML and draw what the figures say, to scale. */
class PlotsTest {

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> byClass(Document d, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList n = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
        for (int i = 0; i < n.getLength(); i++) {
            Element e = (Element) n.item(i);
            if (cls.equals(e.getAttribute("class"))) {
                out.add(e);
            }
        }
        return out;
    }

    static double num(Element e, String attr) {
        return Double.parseDouble(e.getAttribute(attr));
    }

    static RouteSummary route(String name, Accuracy acc, Map<Integer, Accuracy> levels, double cost, double p50, double p99) {
        return new RouteSummary(name, name, "d", acc.total(), acc.total(), 0, Map.of(), 0, 0, acc, levels, Map.of(), 1e6, cost, 0,
                true, 1, 1, 1, 0, Double.NaN, Map.of(), p50, p99, p50, 1);
    }

    private final List<RouteSummary> routes = List.of(
            route("fast", new Accuracy(3, 10), Map.of(1, new Accuracy(3, 5), 2, new Accuracy(0, 5)), 50e6, 100, 400),
            route("reasoning", new Accuracy(9, 10), Map.of(1, new Accuracy(5, 5), 2, new Accuracy(4, 5)), 1000e6, 2000, 8000),
            route("a<b & \"c\"", new Accuracy(6, 10), Map.of(1, new Accuracy(4, 5), 2, new Accuracy(2, 5)), 400e6, 900, 5000));

    @Test
    void costAccuracyPlacesEachRouteByItsCostAndAccuracy() throws Exception {
        Document d = parse(Plots.costAccuracy(routes));
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
        List<Element> points = byClass(d, "circle", "point");
        assertThat(points).hasSize(3);
        double bottom = Plots.TOP + Plots.plotHeight();
        // x grows with cost, linearly from the axis (0 at LEFT); y with accuracy, 100 % at the top
        double xMax = Plots.niceCeiling(1000 * 1.05);
        for (int i = 0; i < 3; i++) {
            RouteSummary r = routes.get(i);
            assertThat(num(points.get(i), "cx")).isCloseTo(Plots.LEFT + r.activeParamTokensPerAnswer() / 1e6 / xMax * Plots.plotWidth(), within(0.01));
            assertThat(num(points.get(i), "cy")).isCloseTo(bottom - r.accuracy().rate() * Plots.plotHeight(), within(0.01));
        }
        assertThat(num(points.get(0), "cx")).isLessThan(num(points.get(2), "cx")).isLessThan(num(points.get(1), "cx"));
        assertThat(byClass(d, "line", "interval")).hasSize(3);
        // names are escaped, not markup
        assertThat(byClass(d, "text", "point-label")).extracting(Element::getTextContent).contains("a<b & \"c\"");
    }

    @Test
    void accuracyByLevelDrawsABarPerRouteAndLevelToScale() throws Exception {
        Document d = parse(Plots.accuracyByLevel(routes));
        List<Element> bars = byClass(d, "rect", "bar");
        assertThat(bars).hasSize(6);
        double bottom = Plots.TOP + Plots.plotHeight();
        // level 1 first: fast 60 %, reasoning 100 %, third 80 %; then level 2: 0 %, 80 %, 40 %
        double[] expected = {0.6, 1.0, 0.8, 0.0, 0.8, 0.4};
        for (int i = 0; i < 6; i++) {
            assertThat(num(bars.get(i), "height")).isCloseTo(expected[i] * Plots.plotHeight(), within(0.01));
            assertThat(num(bars.get(i), "y") + num(bars.get(i), "height")).isCloseTo(bottom, within(0.01));
        }
        assertThat(bars.get(1).getTextContent()).contains("reasoning, level 1: 100.0 % (5/5)");
        assertThat(byClass(d, "text", "legend-label")).extracting(Element::getTextContent)
                .containsExactly("fast", "reasoning", "a<b & \"c\"");
    }

    @Test
    void latencyBarsAreP50AndP99ToScale() throws Exception {
        Document d = parse(Plots.latency(routes));
        List<Element> bars = byClass(d, "rect", "bar");
        assertThat(bars).hasSize(6);
        double yMax = Plots.niceCeiling(8.0 * 1.05); // seconds
        assertThat(yMax).isEqualTo(10.0);
        assertThat(num(bars.get(3), "height")).isCloseTo(8.0 / yMax * Plots.plotHeight(), within(0.01));
        assertThat(num(bars.get(0), "height")).isCloseTo(0.1 / yMax * Plots.plotHeight(), within(0.01));
        assertThat(num(bars.get(2), "height") / num(bars.get(3), "height")).isCloseTo(0.25, within(1e-3));
    }

    @Test
    void niceCeilings() {
        assertThat(Plots.niceCeiling(0.7)).isEqualTo(1.0);
        assertThat(Plots.niceCeiling(1.0)).isEqualTo(1.0);
        assertThat(Plots.niceCeiling(1.2)).isEqualTo(2.0);
        assertThat(Plots.niceCeiling(3)).isEqualTo(5.0);
        assertThat(Plots.niceCeiling(1231)).isEqualTo(2000.0);
        assertThat(Plots.niceCeiling(0)).isEqualTo(1.0);
        assertThat(Plots.niceCeiling(Double.NaN)).isEqualTo(1.0);
    }

    @Test
    void escapesMarkupAndDropsControlCharacters() {
        assertThat(Svg.escape("<a href='x'>&\u0001</a>")).isEqualTo("&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;");
    }
}

/* Governance hub, hotspots (GET /api/governance/hotspots): the busiest grid cells on a map
   (a circle each, sized and coloured by its count) and listed, and the named places with
   their month-on-month trend (↑/↓ and %) and a small line of complaints per month. */
(function () {
  "use strict";

  const G = window.gigcity;
  const gov = G.gov;
  const { h, api } = G;
  const { $, say, messages } = gov;
  const TOP_CELLS = 30;
  const LISTED_CELLS = 10;
  const LEVELS = 4; // colour steps, by share of the busiest cell
  const SVG = "http://www.w3.org/2000/svg";
  let map = null;
  let layer = null;
  let loaded = false;
  let loads = 0;

  const level = (count, max) => Math.min(LEVELS, Math.max(1, Math.ceil((count / max) * LEVELS)));

  function trendSpan(value) {
    const t = gov.trend(value);
    return h("span", { class: "trend " + t.cls, title: say("trend_title"), text: t.text });
  }

  /* A small line of monthly counts (an inline SVG drawn through the DOM). */
  function sparkline(months) {
    if (!months || months.length < 2) return null;
    const width = 96;
    const height = 24;
    const max = Math.max(1, ...months);
    const points = months.map((v, i) => ((i / (months.length - 1)) * width).toFixed(1) + "," + (height - 2 - (v / max) * (height - 4)).toFixed(1)).join(" ");
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("class", "spark");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", say("per_month", { counts: months.join(", ") }));
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points);
    svg.append(line);
    return svg;
  }

  function drawCells(cells, cellM) {
    if (!map) return;
    if (layer) layer.remove();
    layer = L.featureGroup().addTo(map);
    const max = Math.max(1, ...cells.map((c) => c.total));
    cells.slice(0, TOP_CELLS).forEach(function (c) {
      const lvl = level(c.total, max);
      const marker = L.circleMarker(G.coords.toMap(c.lat, c.lon), {
        radius: 5 + 15 * Math.sqrt(c.total / max),
        className: "hot-cell hot-" + lvl,
      });
      marker.bindTooltip(say("cell_tip", { total: c.total, complaints: c.complaints, reports: c.reports, answers: c.answers }) + " " + gov.trend(c.trend).text);
      marker.addTo(layer);
    });
    if (cells.length) map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 16 });
    $("hot-legend").textContent = say("hot_legend", { cell: cellM, max: max });
  }

  function cellItem(c, n) {
    return h(
      "li",
      { class: "hot-cell-row" },
      h("strong", { text: n + 1 + ". " }),
      say("cell_line", { total: c.total, complaints: c.complaints, reports: c.reports, answers: c.answers, subdistrict: gov.subdistrictName(c.subdistrict) || "—" }),
      " ",
      trendSpan(c.trend)
    );
  }

  function placeItem(p) {
    return h(
      "li",
      { class: "hot-place", dataset: { ref: p.ref } },
      h("p", { class: "hot-place-head" }, h("strong", { text: p.name }), " ", h("span", { class: "note", text: gov.subdistrictName(p.subdistrict) })),
      h(
        "p",
        { class: "hot-place-line" },
        say("place_line", { complaints: p.complaints, last: p.last_month, before: p.month_before }),
        " ",
        trendSpan(p.trend),
        " ",
        sparkline(p.months)
      )
    );
  }

  async function load() {
    if (!map) map = gov.makeMap($("hot-map"), null);
    gov.refit(map);
    const params = {
      since: $("h-since").value,
      until: $("h-until").value,
      cell_m: $("h-cell").value,
      subdistrict: gov.isAdmin ? $("h-subdistrict").value : "",
    };
    const run = ++loads; // a newer load (filters changed meanwhile) wins
    let out;
    try {
      out = await api("/api/governance/hotspots" + gov.query(params));
    } catch (err) {
      return messages.fail(err);
    }
    if (run !== loads) return;
    loaded = true;
    drawCells(out.cells, out.cell_m);
    $("hot-cells").replaceChildren(...(out.cells.length ? out.cells.slice(0, LISTED_CELLS).map(cellItem) : [h("li", { class: "note", text: say("no_hotspots") })]));
    $("hot-places").replaceChildren(...(out.places.length ? out.places.map(placeItem) : [h("li", { class: "note", text: say("no_hotspots") })]));
    $("hot-places").dataset.state = "ready";
  }

  function start() {
    $("hot-filters").addEventListener("change", load);
    $("hot-filters").addEventListener("submit", (e) => e.preventDefault());
  }

  gov.register({ name: "hotspots", start: start, shown: () => (loaded ? gov.refit(map) : load()) });
})();

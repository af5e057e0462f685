/* The district overview (/district): every service's figures for a window of days from
   GET /api/governance/overview (headline cards, a column chart per figure by month, a table
   by sub-district for the whole district), the sub-districts on a map shaded by a chosen
   figure (overview.geojson) and the CSV and XLSX exports. The server scopes every answer:
   a grid officer's is their own sub-district's; the picker is for admins only.
   No user-facing text here: strings come from #district-strings and #district-config. */
(async function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("district-strings");
  const setup = JSON.parse($("district-config").textContent);
  const show = G.messages($("alert"), $("notice"));
  const page = $("district-page");
  const FIGURES = setup.order;
  const MONEY = "measures_cost_fen";
  const LEVELS = 6;
  const number = new Intl.NumberFormat(config.htmlLang);
  // Yuan with the reader's grouping (575,000), fen shown only when there are some.
  const yuan = (fen) => new Intl.NumberFormat(config.htmlLang, { maximumFractionDigits: 2 }).format(fen / 100);
  const dayName = new Intl.DateTimeFormat(config.htmlLang, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });

  const me = await G.signedIn(show.fail);
  if (!me) {
    page.dataset.state = "error";
    return;
  }
  if (me.role !== "officer" && me.role !== "admin") {
    show.fail(new Error(say("need_staff")));
    page.dataset.state = "forbidden";
    return;
  }
  $("subdistrict-field").hidden = me.role !== "admin";

  const title = (figure) => setup.figures[figure].title;
  const amount = (figure, n) => (figure === MONEY ? yuan(n) : number.format(n));
  const value = (figure, figures) => amount(figure, figures[figure]);
  const subName = (code) => setup.subdistricts[code] || code;
  const day = (iso) => dayName.format(new Date(iso + "T00:00:00Z"));

  for (const figure of FIGURES) {
    $("map-figure").append(h("option", { value: figure, text: title(figure) }));
  }

  /* ---- the map ---- */

  const [minLon, minLat, maxLon, maxLat] = config.bbox;
  const bounds = L.latLngBounds(G.coords.toMap(minLat, minLon), G.coords.toMap(maxLat, maxLon));
  const map = L.map($("district-map"), { minZoom: 10, maxZoom: 18, maxBounds: bounds.pad(1.5) });
  map.attributionControl.setPrefix(false);
  map.fitBounds(bounds);
  G.coords.addTiles(map);
  const cells = L.featureGroup().addTo(map);
  let layer = null;

  function drawMap() {
    cells.clearLayers();
    if (!layer) return;
    const figure = $("map-figure").value;
    const top = Math.max(0, ...layer.features.map((f) => f.properties[figure]));
    L.geoJSON(layer, {
      coordsToLatLng: (c) => L.latLng(G.coords.toMap(c[1], c[0])),
      style: (feature) => {
        const level = top ? Math.min(LEVELS - 1, Math.floor((LEVELS * feature.properties[figure]) / (top + 1))) : 0;
        return { className: "district-cell district-level-" + level, weight: 1 };
      },
      onEachFeature: (feature, shape) => {
        const text = say("map_cell", { name: subName(feature.properties.code), value: value(figure, feature.properties) });
        shape.bindTooltip(text);
      },
    }).addTo(cells);
    for (const feature of layer.features) {
      const [lon, lat] = feature.properties.point;
      const label = L.divIcon({ className: "district-label", html: "", iconSize: null });
      const marker = L.marker(G.coords.toMap(lat, lon), { icon: label, interactive: false, keyboard: false });
      marker.addTo(cells);
      marker.getElement().textContent = value(figure, feature.properties);
    }
    if (layer.features.length) map.fitBounds(cells.getBounds(), { maxZoom: 14 });
    $("map-legend").textContent = say("map_legend", { max: top === 0 ? "0" : amount(figure, top) });
    $("district-map").dataset.state = "ready";
    $("district-map").dataset.cells = String(layer.features.length);
  }

  $("map-figure").addEventListener("change", drawMap);

  /* ---- cards, charts, table ---- */

  function card(figure, figures) {
    const parts = [h("span", { class: "district-value", text: value(figure, figures) }), h("span", { class: "district-label", text: title(figure) })];
    if (figure === "complaints") {
      const topics = Object.entries(figures.complaints_by_topic).filter(([, n]) => n > 0);
      if (topics.length) {
        parts.push(h("ul", { class: "district-topics" }, topics.map(([topic, n]) => h("li", { text: (setup.topics[topic] || topic) + " " + number.format(n) }))));
      }
    }
    parts.push(h("span", { class: "district-source", text: say("card_source", { service: setup.figures[figure].service }) }));
    return h("div", { class: "district-card", dataset: { figure: figure, value: String(figures[figure]) } }, parts);
  }

  function chart(figure, months) {
    const columns = months.map((m) => ({ when: new Date(m.month + "T00:00:00Z"), n: m.figures[figure] }));
    const shown = (n) => amount(figure, n);
    return G.monthChart(figure, say("chart_title", { figure: title(figure) }), columns, shown, (bar) => say("bar_title", bar));
  }

  function table(overview) {
    const head = h("tr", {}, h("th", { scope: "col", text: say("subdistrict_column") }), FIGURES.map((f) => h("th", { scope: "col", text: title(f) })));
    const row = (name, figures, cls) => h("tr", { class: cls || null }, h("th", { scope: "row", text: name }), FIGURES.map((f) => h("td", { text: value(f, figures) })));
    $("subdistrict-table").tHead.replaceChildren(head);
    $("subdistrict-table").tBodies[0].replaceChildren(
      ...overview.subdistricts.map((s) => row(subName(s.code), s.total)),
      row(say("district_row"), overview.total.total, "district-total-row")
    );
  }

  /* ---- loading ---- */

  function query() {
    const params = new URLSearchParams();
    for (const id of ["since", "until", "subdistrict"]) {
      if ($(id).value && !(id === "subdistrict" && me.role !== "admin")) params.set(id, $(id).value);
    }
    return params;
  }

  async function load() {
    page.dataset.state = "loading";
    show.clear();
    const params = query();
    try {
      const [overview, geo] = await Promise.all([api("/api/governance/overview?" + params), api("/api/governance/overview.geojson?" + params)]);
      if (!$("since").value) $("since").value = overview.since;
      if (!$("until").value) $("until").value = overview.until;
      const when = { since: day(overview.since), until: day(overview.until) };
      $("scope-line").textContent = overview.subdistrict ? say("scope_one", Object.assign({ name: subName(overview.subdistrict) }, when)) : say("scope_district", when);
      $("cards").replaceChildren(...FIGURES.map((f) => card(f, overview.total.total)));
      $("charts").replaceChildren(...FIGURES.map((f) => chart(f, overview.total.months)));
      const points = Object.values(overview.total.service_points).reduce((a, b) => a + b, 0);
      $("points-line").textContent = say("points", { count: number.format(points) });
      $("unplaced-line").hidden = !overview.unplaced_complaints;
      $("unplaced-line").textContent = say("unplaced", { count: number.format(overview.unplaced_complaints) });
      $("table-panel").hidden = overview.subdistricts.length < 2;
      if (overview.subdistricts.length > 1) table(overview);
      layer = geo;
      drawMap();
      page.dataset.subdistrict = overview.subdistrict || "";
      page.dataset.state = "ready";
    } catch (err) {
      show.fail(err);
      page.dataset.state = "error";
    }
  }

  ["since", "until", "subdistrict"].forEach((id) => $(id).addEventListener("change", load));

  /* An export the API serves to signed-in staff (a link cannot carry the token). */
  async function download(kind) {
    try {
      await G.downloadFile("/api/governance/overview." + kind + "?" + query(), "district-overview." + kind);
      show.tell(say("file_ready"));
    } catch (err) {
      show.fail(err);
    }
  }
  $("export-csv").addEventListener("click", () => download("csv"));
  $("export-xlsx").addEventListener("click", () => download("xlsx"));

  load();
})();

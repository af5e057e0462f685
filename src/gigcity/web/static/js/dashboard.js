/* The district dashboard: key figures, reports over time by status, by category and by
   sub-district, the heatmap, the overdue list and CSV exports, for a window of days. */
(async function () {
  "use strict";

  const G = window.gigcity;
  const R = window.gigcityReports;
  const { h, api } = G;
  const { say } = R;
  const $ = (id) => document.getElementById(id);

  const page = $("dashboard-page");
  const messages = R.messenger($("alert"), $("notice"));
  const STATUSES = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected"];
  const HEAT_LEVELS = 6;
  const percent = new Intl.NumberFormat(G.config.htmlLang, { style: "percent" });

  let me;
  try {
    me = await R.whoAmI();
  } catch (err) {
    messages.fail(err);
    return;
  }
  if (!me) return;
  if (me.role !== "officer" && me.role !== "admin") {
    messages.fail(new Error(say("need_staff")));
    page.dataset.state = "forbidden";
    return;
  }

  /* Officers see their own sub-district only (the server refuses any other). */
  if (me.role === "officer") {
    $("subdistrict").value = me.subdistrict || "";
    $("subdistrict").disabled = true;
  }

  $("series-title").textContent = say("over_time");
  $("status-title").textContent = say("by_status");
  $("category-title").textContent = say("by_category");
  $("subdistrict-title").textContent = say("by_subdistrict");
  $("overdue-title").textContent = say("overdue_now");

  const heatMap = R.districtMap($("heatmap"));
  const heatLayer = L.featureGroup().addTo(heatMap);

  function query() {
    const params = new URLSearchParams();
    for (const id of ["since", "until", "subdistrict", "category"]) {
      if ($(id).value) params.set(id, $(id).value);
    }
    return params;
  }

  /* ---- drawing ---- */

  function card(label, value, extraClass) {
    return h("div", { class: "figure" + (extraClass ? " " + extraClass : "") }, h("span", { class: "figure-value" }, value), h("span", { class: "figure-label", text: label }));
  }

  /* "31.16 h": the number, then its unit in a smaller type (the tile keeps them on one line). */
  function hours(value) {
    if (value === null || value === undefined) return say("none_value");
    const [before, after] = say("hours_value").split("{hours}");
    const unit = (text) => (text.trim() ? h("span", { class: "figure-unit", text: text }) : null);
    return [unit(before), String(value), unit(after)];
  }

  /* Horizontal bars: [label, count, class] rows, widths relative to the largest. */
  function bars(element, rows) {
    const top = Math.max(1, ...rows.map((r) => r[1]));
    element.replaceChildren(
      ...rows.map(([label, count, cls]) => {
        const fill = h("span", { class: "bar-fill " + (cls || "") });
        fill.style.width = ((100 * count) / top).toFixed(1) + "%";
        return h("div", { class: "bar-row" }, h("span", { class: "bar-label", text: label }), h("span", { class: "bar-track" }, fill), h("span", { class: "bar-count", text: String(count) }));
      })
    );
  }

  /* Stacked columns per period, one colour per status. */
  function series(element, periods) {
    const top = Math.max(1, ...periods.map((p) => p.total));
    element.replaceChildren(
      h(
        "div",
        { class: "columns" },
        periods.map((p) => {
          const column = h("div", { class: "column", title: p.period + ": " + p.total });
          for (const status of STATUSES) {
            const n = p.by_status[status] || 0;
            if (!n) continue;
            const part = h("span", { class: "column-part status-" + status, title: R.statusLabel(status) + ": " + n });
            part.style.height = ((100 * n) / top).toFixed(2) + "%";
            column.append(part);
          }
          return h("div", { class: "column-wrap" }, column, h("span", { class: "column-label", text: p.period.slice(5) }));
        })
      ),
      h("ul", { class: "legend-row" }, STATUSES.map((s) => h("li", {}, h("span", { class: "dot status-" + s }), R.statusLabel(s))))
    );
  }

  function drawHeat(heat) {
    heatLayer.clearLayers();
    const half = heat.cell_deg / 2;
    for (const [lon, lat, count] of heat.cells) {
      const level = Math.min(HEAT_LEVELS - 1, Math.floor((HEAT_LEVELS * count) / (heat.max + 1)));
      L.rectangle(
        [R.toMap(lat - half, lon - half), R.toMap(lat + half, lon + half)],
        { className: "heat-cell heat-" + level, weight: 0, interactive: false }
      ).addTo(heatLayer);
    }
    $("heat-legend").textContent = say("heat_legend", { max: heat.max });
    $("heatmap").dataset.cells = String(heat.cells.length);
  }

  function drawOverdue(items) {
    $("overdue-rows").replaceChildren(
      ...items.map((item) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: "/officer#" + item.id, text: "#" + item.id })),
          h("td", { text: R.categoryLabel(item.category) }),
          h("td", { text: R.statusLabel(item.status) }),
          h("td", { text: R.subdistrictName(item.subdistrict) }),
          h("td", { text: G.formatDateTime(item.due_at) })
        )
      )
    );
  }

  async function load() {
    page.dataset.state = "loading";
    messages.clear();
    const params = query();
    const summaryParams = new URLSearchParams(params);
    summaryParams.set("bucket", $("bucket").value);
    try {
      const [summary, heat] = await Promise.all([api("/api/dashboard/reports?" + summaryParams), api("/api/dashboard/heatmap?" + params)]);
      if (!$("since").value) $("since").value = summary.since;
      if (!$("until").value) $("until").value = summary.until;
      const share = summary.resolution.within_sla_share;
      $("cards").replaceChildren(
        card(say("total"), String(summary.total)),
        card(say("median_hours"), hours(summary.resolution.median_hours)),
        card(say("p90_hours"), hours(summary.resolution.p90_hours)),
        card(say("within_sla"), share === null ? say("none_value") : percent.format(share)),
        card(say("overdue_now"), String(summary.overdue_total), summary.overdue_total ? "is-overdue" : "")
      );
      series($("series"), summary.series);
      bars($("by-status"), STATUSES.map((s) => [R.statusLabel(s), summary.by_status[s] || 0, "status-" + s]));
      bars($("by-category"), R.reportConfig.categories.map((c) => [c.label, summary.by_category[c.code] || 0]));
      bars($("by-subdistrict"), summary.by_subdistrict.map((s) => [R.subdistrictName(s.code), s.count]));
      drawHeat(heat);
      drawOverdue(summary.overdue);
      page.dataset.total = String(summary.total);
    } catch (err) {
      messages.fail(err);
    }
    page.dataset.state = "ready";
  }

  ["since", "until", "subdistrict", "category", "bucket"].forEach((id) => $(id).addEventListener("change", load));

  async function exportCsv(path, name) {
    try {
      await R.download(path + "?" + query(), name);
      messages.say(say("csv_ready"));
    } catch (err) {
      messages.fail(err);
    }
  }
  $("export-reports").addEventListener("click", () => exportCsv("/api/dashboard/reports.csv", "reports.csv"));
  $("export-counts").addEventListener("click", () => exportCsv("/api/dashboard/counts.csv", "report-counts.csv"));

  load();
})();

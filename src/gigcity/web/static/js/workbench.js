/* The negotiation workbench: start a run (an ordinary comparison, or equal service: the
   riders each rulebook needs for the same service, and who gains), follow its progress,
   read its result. Runs are kept by the server, so a reload shows them again; the selected
   run is in the URL (?run=ID). The server decides who may start runs; this page shows its
   answer. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("workbench-strings");
  const alertBox = $("alert");
  const form = $("run-form");
  const POLL_MS = 1500;
  let selected = Number(new URLSearchParams(location.search).get("run")) || null;
  let shownResult = null;
  let timer = null;
  let limits = { compare: null, equal_service: null };


  /* Choices come as {id, title}: people read the title, the request names the id. */
  function fill(select, choices, chosen) {
    select.replaceChildren(...choices.map((c) => h("option", { value: c.id, selected: c.id === chosen }, c.title)));
  }

  function number(value, unit) {
    if (value === null || value === undefined) return "–";
    if (unit === "share") return (100 * value).toFixed(1) + " %";
    // No unit: a coefficient (Gini), read to the third decimal.
    return Number(value).toLocaleString(G.config.htmlLang, { maximumFractionDigits: unit === "" ? 3 : 2 });
  }

  function signed(value, unit) {
    if (value === null || value === undefined) return "–";
    const text = number(Math.abs(value), unit);
    return (value > 0 ? "+" : value < 0 ? "−" : "±") + text;
  }

  function runItem(run) {
    const status = say("status_" + run.status);
    const item = h(
      "li",
      { class: run.id === selected ? "is-selected" : "", dataset: { run: String(run.id), status: run.status } },
      h(
        "div",
        { class: "run-head" },
        h("strong", {}, say("run_title", { id: run.id, a: run.rules_a_title, b: run.rules_b_title })),
        run.status === "done"
          ? h("button", { type: "button", class: "btn btn-small", onclick: () => select(run.id) }, say("show"))
          : null
      ),
      h("p", { class: "note" }, run.kind === "equal_service"
        ? say("run_detail_equal", { kind: say("kind_equal_service"), scenario: run.scenario_title, seeds: run.seeds, seed: run.seed, orders: run.orders, status: status })
        : say("run_detail", { scenario: run.scenario_title, seed: run.seed, orders: run.orders, status: status }))
    );
    if (run.status === "queued" || run.status === "running") {
      item.append(h("progress", { max: "1", value: String(run.progress) }));
      item.append(h("p", { class: "note" }, say("progress", { percent: Math.round(100 * run.progress) + " %", stage: run.stage_text })));
    }
    if (run.error) item.append(h("p", { class: "note" }, run.error_text || run.error));
    return item;
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const runs = await api("/api/workbench/runs");
      $("runs").replaceChildren(...runs.map(runItem));
      $("no-runs").hidden = runs.length > 0;
      const current = runs.find((r) => r.id === selected);
      if (current && current.status === "done" && shownResult !== current.id) await showResult(current.id);
      if (runs.some((r) => r.status === "queued" || r.status === "running")) timer = setTimeout(refresh, POLL_MS);
    } catch (error) {
      G.showError(alertBox, error);
    }
  }

  function select(id) {
    selected = id;
    const url = new URL(location.href);
    url.searchParams.set("run", String(id));
    history.replaceState(null, "", url);
    shownResult = null;
    refresh();
  }

  /* Each body cell also carries its column's heading (data-label): on phones the rows
     become cards that name each value (workbench.css), so no column is cut off. */
  function tableFrom(rows, head) {
    for (const row of rows) {
      Array.from(row.children).forEach((cell, i) => {
        if (i > 0 && head[i] !== undefined) cell.dataset.label = head[i];
      });
    }
    return [h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))), h("tbody", {}, rows)];
  }

  /* A value with its range over the days, when there are several and they differ. */
  function ranged(value, range, unit) {
    const text = number(value, unit);
    if (!range) return text;
    const low = number(range[0], unit);
    const high = number(range[1], unit);
    return low === high ? text : say("with_range", { value: text, low: low, high: high });
  }

  function measureName(row) {
    return row.unit_label ? say("measure_unit", { measure: row.label, unit: row.unit_label }) : row.label;
  }

  /* Equal service: riders and rider-hours needed, cost, pay and fairness side by side, each
     with its range over the days; a side that no fleet tried met says so. */
  function showEqualService(result) {
    const equal = result.equal_service;
    $("equal-target").hidden = false;
    $("equal-target").textContent = equal.target.text + " " +
      say("equal_days", { seeds: equal.seeds.join(", "), days: equal.simulated_days });
    $("equal-note").hidden = equal.seeds.length < 2;
    const cell = (row, key) => {
      const side = equal.sides[key];
      if (row.key === "riders" && side && !side.met) return say("not_met", { riders: side.largest_tried });
      return ranged(row[key], row[key + "_range"], row.unit);
    };
    const rows = result.table.map((row) =>
      h("tr", { dataset: { key: row.key } }, h("th", {}, measureName(row)),
        h("td", { class: "num" }, cell(row, "a")),
        h("td", { class: "num" }, cell(row, "b")),
        h("td", { class: "num" }, signed(row.difference, row.unit)))
    );
    $("result-table").replaceChildren(...tableFrom(rows, [say("measure"), say("rulebook_a"), say("rulebook_b"), say("difference")]));
    showSplit(equal.split);
    const who = result.who_gains;
    $("who-gains").hidden = !who;
    if (!who) return;
    const money = (v) => (v === null || v === undefined ? "" : number(v, "¥"));
    const people = who.riders.map((r) =>
      h("tr", { dataset: { key: r.key } }, h("th", {}, r.label),
        h("td", { class: "num" }, String(r.riders)),
        h("td", { class: "num" }, money(r.lost)),
        h("td", { class: "num" }, money(r.lost_mean)))
    );
    // Those who earn less, by main reason, right under their count.
    const loses = people.findIndex((tr) => tr.dataset.key === "loses");
    const reasons = who.reasons.map((r) =>
      h("tr", { class: "reason", dataset: { reason: r.reason } }, h("th", {}, r.label),
        h("td", { class: "num" }, String(r.riders)),
        h("td", { class: "num" }, r.riders ? money(r.lost) : ""),
        h("td", { class: "num" }, money(r.lost_mean)))
    );
    people.splice(loses + 1, 0, ...reasons);
    $("who-riders").replaceChildren(...tableFrom(people, [say("who_riders"), say("who_count"), say("who_lost"), say("who_lost_mean")]));
    const quantiles = (d) => ["p10", "p50", "p90"].map((p) => number(d[p], d.unit)).join(" / ");
    const gini = (d) => (d.gini === null || d.gini === undefined ? "–" : Number(d.gini).toFixed(3));
    const spread = who.distributions.map((d) =>
      h("tr", {}, h("th", {}, d.label),
        h("td", { class: "num" }, quantiles(d.a)), h("td", { class: "num" }, gini(d.a)),
        h("td", { class: "num" }, quantiles(d.b)), h("td", { class: "num" }, gini(d.b)))
    );
    const sideA = say("rulebook_a");
    const sideB = say("rulebook_b");
    $("who-spread").replaceChildren(...tableFrom(spread, [say("who_measure"),
      say("who_quantiles", { side: sideA }), say("who_gini", { side: sideA }),
      say("who_quantiles", { side: sideB }), say("who_gini", { side: sideB })]));
  }

  /* Each difference at equal service as the rules' part (B on A's riders) plus the part of
     the riders B adds; the sentences naming the larger part are `explained`. */
  function showSplit(split) {
    $("split-note").hidden = !split;
    if (!split) {
      $("split-table").replaceChildren();
      return;
    }
    const rows = split.measures.map((m) =>
      h("tr", { dataset: { key: m.key } }, h("th", {}, measureName(m)),
        h("td", { class: "num" }, signed(m.rules, m.unit)),
        h("td", { class: "num" }, signed(m.fleet, m.unit)),
        h("td", { class: "num" }, signed(m.difference, m.unit)))
    );
    $("split-table").replaceChildren(...tableFrom(rows, [say("measure"), split.labels.rules, split.labels.fleet, split.labels.difference]));
  }

  function showExplained(explained) {
    $("explained-title").hidden = explained.length === 0;
    $("explained").replaceChildren(...explained.map((e) => h("li", { "data-measure": e.key, text: e.sentence })));
  }

  function figures(plots) {
    // Plots are SVG documents shown as images (their styles stay inside them).
    return plots.map((plot) =>
      h("figure", { dataset: { plot: plot.id } }, h("figcaption", {}, plot.title),
        h("img", { alt: plot.title, src: "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(plot.svg))) }))
    );
  }

  async function showResult(id) {
    const result = await api("/api/workbench/runs/" + id + "/result");
    shownResult = id;
    $("result").hidden = false;
    const equal = result.kind === "equal_service";
    $("result-title").textContent = say(equal ? "result_title_equal" : "result_title", {
      id: id,
      a: result.rulebook_titles.a,
      b: result.rulebook_titles.b,
      scenario: result.scenario.title,
    });
    $("equal-target").hidden = true;
    $("equal-note").hidden = true;
    $("who-gains").hidden = true;
    $("plots").replaceChildren();
    $("who-plots").replaceChildren();
    linkReport(id);
    $("split-note").hidden = true;
    $("split-table").replaceChildren();
    // Each headline difference with its largest cause (equal service: its larger part).
    showExplained(result.explained || []);
    if (equal) {
      $("attribution-title").hidden = true;
      $("attribution-table").replaceChildren();
      showEqualService(result);
      $("who-plots").replaceChildren(...figures(result.plots));
      return;
    }
    const rows = result.table.map((row) =>
      h("tr", {}, h("th", {}, row.unit_label ? say("measure_unit", { measure: row.label, unit: row.unit_label }) : row.label),
        h("td", { class: "num" }, number(row.a, row.unit)),
        h("td", { class: "num" }, number(row.b, row.unit)),
        h("td", { class: "num" }, signed(row.difference, row.unit)))
    );
    $("result-table").replaceChildren(...tableFrom(rows, [say("measure"), say("rulebook_a"), say("rulebook_b"), say("difference")]));
    const attribution = result.attribution;
    $("attribution-title").hidden = !attribution;
    if (attribution) {
      const units = {};
      const labels = {};
      result.table.forEach((row) => { units[row.key] = row.unit; labels[row.key] = row.label; });
      Object.assign(labels, attribution.labels || {});
      const line = (name, values) =>
        h("tr", {}, h("th", {}, name), attribution.measures.map((k) => h("td", { class: "num" }, signed(values[k], units[k]))));
      // Each switched group of clauses by its titles (the paths stay in the data).
      const body = attribution.rows.map((row) => line(row.title, row.effects));
      ["sum_of_effects", "all_together", "interaction"].forEach((key) => body.push(line(say(key), attribution[key])));
      $("attribution-table").replaceChildren(...tableFrom(body, [say("clauses"), ...attribution.measures.map((k) => labels[k])]));
    } else {
      $("attribution-table").replaceChildren();
    }
    $("plots").replaceChildren(...figures(result.plots));
  }

  function linkReport(id) {
    const link = $("report-link");
    link.onclick = async function (event) {
      event.preventDefault();
      try {
        await G.downloadFile("/api/workbench/runs/" + id + "/report", "workbench-run-" + id + ".html");
      } catch (err) {
        G.showError(alertBox, err);
      }
    };
  }

  async function start(event) {
    event.preventDefault();
    G.hideError(alertBox);
    const button = $("start");
    button.disabled = true;
    button.textContent = say("starting");
    try {
      const body = {
        kind: kind(),
        rules_a: $("rules_a").value,
        rules_b: $("rules_b").value,
        scenario: $("scenario").value,
        seed: Number($("seed").value),
        orders: Number($("orders").value),
      };
      if (body.kind === "equal_service") {
        // A target left empty is rulebook A's own service: sent as nothing.
        const optional = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
        Object.assign(body, {
          seeds: Number($("seeds").value),
          target_undelivered: optional("target_undelivered"),
          target_p90_min: optional("target_p90_min"),
          who_gains: $("who_gains").checked,
        });
      } else {
        body.attribution = $("attribution").checked;
      }
      const run = await api("/api/workbench/runs", { method: "POST", json: body });
      selected = run.id;
      select(run.id);
    } catch (error) {
      G.showError(alertBox, error);
    } finally {
      button.disabled = false;
      button.textContent = form.dataset.startLabel;
    }
  }

  function kind() {
    const chosen = form.querySelector("input[name=kind]:checked");
    return chosen ? chosen.value : "compare";
  }

  /* The fields of the chosen kind of run, and its largest day. */
  function showKind() {
    const equal = kind() === "equal_service";
    $("equal-fields").hidden = !equal;
    $("attribution-field").hidden = equal;
    const most = limits[equal ? "equal_service" : "compare"];
    if (most) {
      $("orders").max = String(most);
      if (Number($("orders").value) > most) $("orders").value = String(most);
    }
  }

  async function init() {
    if (!G.auth.token()) {
      $("whoami").textContent = say("signed_out");
      location.replace("/login?" + new URLSearchParams({ next: location.pathname + location.search }));
      return;
    }
    try {
      const options = await api("/api/workbench/options");
      $("whoami").textContent = "";
      form.dataset.startLabel = $("start").textContent;
      fill($("rules_a"), options.rulebooks, "baseline-2024");
      fill($("rules_b"), options.rulebooks, "putuo-2025");
      fill($("scenario"), options.scenarios, options.scenarios[0]);
      limits = { compare: options.max_orders, equal_service: options.max_orders_equal_service };
      form.querySelectorAll("input[name=kind]").forEach((input) => input.addEventListener("change", showKind));
      showKind();
      form.hidden = !options.may_start;
      $("viewer-note").hidden = options.may_start;
      form.addEventListener("submit", start);
      $("workbench").dataset.state = "ready";
      await refresh();
    } catch (error) {
      if (error.status === 401) return G.signInAgain(true);
      G.showError(alertBox, error);
    }
  }

  init();
})();

/* Governance hub, measures: those taken (GET /api/governance/measures), one recorded at a
   place found by name or a tapped point (POST .../measures), one removed, and each one's
   evaluation (GET .../measures/{id}/effect: the sentence, the change with its 95 %
   interval, the warnings; the chart from .../effect.svg; the printable page .../effect.pdf),
   marked when the data are synthetic. */
(function () {
  "use strict";

  const G = window.gigcity;
  const gov = G.gov;
  const { h, api } = G;
  const { $, say, messages } = gov;
  let where = null; // {place_id, name} or {lat, lon}
  let map = null;
  let pin = null;
  let loaded = false;

  const money = (yuan) => new Intl.NumberFormat(G.config.htmlLang, { maximumFractionDigits: 2 }).format(yuan);
  const perMonth = (v) => new Intl.NumberFormat(G.config.htmlLang, { maximumFractionDigits: 1 }).format(v);

  function measureItem(m) {
    const facts = [
      say("measure_where", { place: m.place_name, subdistrict: gov.subdistrictName(m.subdistrict) }),
      say("measure_since", { day: m.started_on, radius: m.radius_m }),
    ];
    if (m.cost_yuan !== null && m.cost_yuan !== undefined) facts.push(say("measure_cost", { cost: money(m.cost_yuan) }));
    const effect = h("div", { class: "effect", hidden: true, "aria-live": "polite" });
    const subject = h(
      "select",
      { class: "effect-subject", "aria-label": say("subject_label") },
      h("option", { value: "complaints", text: say("subject_complaints") }),
      h("option", { value: "reports", text: say("subject_reports") }),
      h("option", { value: "pickups", text: say("subject_pickups") })
    );
    return h(
      "li",
      { class: "measure", dataset: { measure: m.id } },
      h(
        "p",
        { class: "measure-head" },
        h("span", { class: "tag kind", text: m.kind_title || gov.kindName(m.kind) }),
        " ",
        h("strong", { text: m.title }),
        m.synthetic ? h("span", { class: "tag synthetic", text: say("synthetic") }) : null
      ),
      facts.map((f) => h("p", { class: "note", text: f })),
      m.note ? h("p", { class: "measure-note", text: m.note }) : null,
      h(
        "p",
        { class: "gov-buttons" },
        subject,
        h("button", { type: "button", class: "btn btn-small btn-primary evaluate", text: say("evaluate"), onclick: () => evaluate(m, subject.value, effect) }),
        h("button", { type: "button", class: "btn btn-small", text: say("remove"), onclick: () => remove(m) })
      ),
      effect
    );
  }

  async function load() {
    let measures;
    try {
      measures = await api("/api/governance/measures");
    } catch (err) {
      return messages.fail(err);
    }
    loaded = true;
    $("measures").replaceChildren(...measures.map(measureItem));
    $("measures-empty").hidden = measures.length > 0;
    $("measures").dataset.state = "ready";
  }

  /* An effect on counts: a share with its interval; on pickup times: minutes. */
  function countLines(out) {
    return [
      h("p", { class: "interval" }, say("effect_interval", { change: gov.percent(out.change), low: gov.percent(out.ci_low), high: gov.percent(out.ci_high) })),
      h(
        "p",
        { class: "note" },
        say("effect_counts", { before: perMonth(out.before_per_month), after: perMonth(out.after_per_month), n_before: out.periods_before, n_after: out.periods_after })
      ),
    ];
  }

  function minutesLines(out) {
    const minutes = (n) => (n > 0 ? "+" : "") + n.toFixed(1);
    return [
      h("p", { class: "interval" }, say("effect_interval_minutes", { change: minutes(out.change), low: minutes(out.ci_low), high: minutes(out.ci_high) })),
      h(
        "p",
        { class: "note" },
        say("effect_pickups", { before: out.before_mean_minutes.toFixed(1), after: out.after_mean_minutes.toFixed(1), n_before: out.periods_before, n_after: out.periods_after })
      ),
    ];
  }

  async function evaluate(m, subject, box) {
    box.hidden = false;
    box.dataset.state = "loading";
    box.replaceChildren(h("p", { class: "note", text: say("evaluating") }));
    const path = "/api/governance/measures/" + m.id + "/effect";
    const q = gov.query({ subject: subject });
    let out;
    try {
      out = await api(path + q);
    } catch (err) {
      box.hidden = true;
      return messages.fail(err);
    }
    const chart = h("img", { class: "effect-chart", alt: say("chart_alt", { title: m.title }), hidden: true });
    box.replaceChildren(
      out.synthetic ? h("p", { class: "synthetic-band", text: say("synthetic_band") }) : null,
      h("p", { class: "sentence", text: out.sentence }),
      ...(out.unit === "minutes" ? minutesLines(out) : countLines(out)),
      out.warnings.length ? h("ul", { class: "warnings" }, out.warnings.map((w) => h("li", { text: w }))) : null,
      chart,
      h("details", { class: "model" }, h("summary", { text: say("how_computed") }), h("p", { class: "note", text: out.model })),
      h(
        "p",
        { class: "gov-buttons" },
        h("button", {
          type: "button",
          class: "btn btn-small pdf",
          text: say("printable"),
          onclick: async function () {
            try {
              const name = await gov.download(path + ".pdf" + q, "measure-" + m.id + ".pdf");
              messages.tell(say("downloaded", { name: name }));
            } catch (err) {
              messages.fail(err);
            }
          },
        })
      )
    );
    box.dataset.state = "ready";
    try {
      chart.src = await gov.svgDataUrl(path + ".svg" + q);
      chart.hidden = false;
    } catch (err) {
      messages.fail(err);
    }
  }

  async function remove(m) {
    if (!confirm(say("remove_measure_confirm", { title: m.title }))) return;
    try {
      await api("/api/governance/measures/" + m.id, { method: "DELETE" });
    } catch (err) {
      return messages.fail(err);
    }
    messages.tell(say("measure_removed", { title: m.title }));
    await load();
  }

  /* ---- recording one ---- */

  function choosePlace(place) {
    where = { place_id: place.id, name: place.name };
    pin = gov.pin(map, pin, place);
    $("m-where").textContent = say("chosen_place", { name: place.name });
  }

  function choosePoint(point) {
    where = { lat: point.lat, lon: point.lon };
    pin = gov.pin(map, pin, point);
    $("m-where").textContent = say("chosen_point", { point: gov.pointText(point) });
    $("m-place-results").querySelectorAll(".pick").forEach((b) => b.setAttribute("aria-pressed", "false"));
  }

  async function record(event) {
    event.preventDefault();
    const title = $("m-title").value.trim();
    if (!title) {
      G.showError($("alert"), { detail: say("need_title") });
      return $("m-title").focus();
    }
    if (!where) {
      G.showError($("alert"), { detail: say("choose_point_first") });
      return $("m-place-q").focus();
    }
    const body = {
      kind: $("m-kind").value,
      title: title,
      radius_m: Number($("m-radius").value || 300),
      started_on: $("m-started").value,
      note: $("m-note").value.trim(),
    };
    const cost = $("m-cost").value;
    if (cost !== "") body.cost_yuan = Number(cost);
    if (where.place_id !== undefined) body.place_id = where.place_id;
    else {
      Object.assign(body, { lat: where.lat, lon: where.lon });
      const name = $("m-place-name").value.trim();
      if (name) body.place_name = name;
    }
    let saved;
    try {
      saved = await api("/api/governance/measures", { method: "POST", json: body });
    } catch (err) {
      return messages.fail(err);
    }
    messages.tell(say("measure_recorded", { title: saved.title, place: saved.place_name }));
    $("measure-form").reset();
    $("m-started").value = G.todayInDistrict();
    $("m-where").textContent = "";
    $("m-place-results").replaceChildren();
    where = null;
    await load();
  }

  function start() {
    $("m-started").value = G.todayInDistrict();
    $("measure-form").addEventListener("submit", record);
    $("m-place-find").addEventListener("click", () => gov.findPlaces($("m-place-q").value, $("m-place-results"), choosePlace));
    $("m-place-q").addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      gov.findPlaces($("m-place-q").value, $("m-place-results"), choosePlace);
    });
  }

  function shown() {
    if (!map) map = gov.makeMap($("measure-map"), choosePoint);
    gov.refit(map);
    if (!loaded) load();
  }

  gov.register({ name: "measures", start: start, shown: shown });
})();

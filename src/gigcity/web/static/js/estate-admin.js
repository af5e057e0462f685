/* Keeping an estate's guide current (/estate): property staff edit their own estate, admins
   and grid officers choose one from a list (officers: their sub-district) and may import
   OpenStreetMap or GeoJSON files. Gates (hours, e-bikes, lights, riders' passes), hand-off
   points, measures and building facts are edited in one form that PUTs the whole document
   with the version it was read at: if someone else saved first (409) the page says so and
   shows their version. The change history is shown under the form. */
(async function () {
  "use strict";

  const G = window.gigcity;
  const { config, t, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const estateConfig = JSON.parse($("estate-config").textContent);
  const word = G.pageStrings("estate-strings");
  const say = G.pageStrings("admin-strings");
  const sayable = new Set(Object.keys(JSON.parse($("admin-strings").textContent))); // keys made from API values
  const IMPORT_ROLES = ["admin", "officer"];
  const SHOWN_BUILDINGS = 300;

  const pageEl = $("estate-page");
  const alertBox = $("alert");
  const notice = $("notice");
  const editor = $("editor");
  const listColumn = $("list-column");
  const chooseHint = $("choose-hint");

  let me = null;
  let current = null; // {id, version, updated_at, estate} as the API last returned it
  let estates = []; // the list admins and officers choose from

  class InputError extends Error {}

  const { fail, tell, clear: clearMessages } = G.messages(alertBox, notice);

  function nameOf(estate) {
    return config.locale === "zh_CN" || !estate.name_en ? estate.name : estate.name_en;
  }

  /* ---- the list of estates (admins: all; officers: their sub-district) ---- */

  function listRow(item) {
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "place-row" + (current && current.id === item.id ? " is-current" : ""),
          dataset: { estateId: String(item.id) },
          onclick: () => openEstate(item.id, true),
        },
        h(
          "span",
          { class: "row-main" },
          h("strong", { text: nameOf(item) }),
          h("small", {
            text: [word("estate_buildings", { n: item.buildings, gates: item.gates }), item.synthetic ? word("sample_data") : null]
              .filter(Boolean)
              .join(" · "),
          })
        )
      )
    );
  }

  function renderList() {
    const query = $("list-filter").value.trim().toLowerCase();
    const shown = estates.filter(
      (e) => !query || e.name.toLowerCase().includes(query) || (e.name_en || "").toLowerCase().includes(query) || String(e.id) === query
    );
    $("estate-list").replaceChildren(...shown.map(listRow));
    $("list-count").textContent = say("list_count", { n: shown.length });
  }

  async function loadList() {
    const params = new URLSearchParams();
    if (me.role === "officer" && me.subdistrict) params.set("subdistrict", me.subdistrict);
    estates = await api("/api/estates" + (params.toString() ? "?" + params.toString() : ""));
    $("list-title").textContent =
      me.role === "officer" ? say("scope_officer", { subdistrict: subdistrictName(me.subdistrict) }) : say("scope_admin");
    listColumn.hidden = false;
    listColumn.parentElement.classList.add("has-list");
    renderList();
  }

  let subdistricts = {};
  function subdistrictName(code) {
    return subdistricts[code] || code || "";
  }

  $("list-filter").addEventListener("input", renderList);

  /* ---- the form ---- */

  function check(label, name, checked) {
    return h("label", { class: "check" }, h("input", { type: "checkbox", dataset: { field: name }, checked: checked }), " " + label);
  }

  function field(label, input) {
    return h("label", {}, label, input);
  }

  function numberInput(name, value, min, max) {
    return h("input", {
      type: "number",
      inputmode: "numeric",
      min: String(min),
      max: String(max),
      step: "1",
      value: value === null || value === undefined ? "" : String(value),
      dataset: { field: name },
    });
  }

  function partTitle(part) {
    return part.name || part.number || part.ref;
  }

  function gateBox(gate) {
    const kinds = [gate.pedestrian ? say("gate_pedestrian") : null, gate.vehicle ? say("gate_vehicle") : null].filter(Boolean);
    return h(
      "div",
      { class: "part", dataset: { ref: gate.ref } },
      h("div", { class: "part-head" }, h("strong", { text: partTitle(gate) }), h("small", { class: "note", text: kinds.join(" · ") })),
      h(
        "div",
        { class: "part-fields" },
        field(say("field_hours"), h("input", { class: "mono", maxlength: "200", value: gate.hours, dataset: { field: "hours" }, placeholder: "Mo-Su 06:00-23:00" })),
        check(say("field_ebikes_allowed"), "ebikes_allowed", gate.ebikes_allowed),
        check(say("field_lit_at_night"), "lit_at_night", gate.lit_at_night),
        check(say("field_riders_pass"), "riders_pass", gate.riders_pass)
      )
    );
  }

  function handoffBox(point) {
    return h(
      "div",
      { class: "part", dataset: { ref: point.ref } },
      h("div", { class: "part-head" }, h("strong", { text: partTitle(point) })),
      h(
        "div",
        { class: "part-fields" },
        field(say("field_hours"), h("input", { class: "mono", maxlength: "200", value: point.hours, dataset: { field: "hours" }, placeholder: "Mo-Su 08:00-21:00" })),
        field(say("field_shelf_capacity"), numberInput("shelf_capacity", point.shelf_capacity, 1, 10000)),
        field(say("field_claim_within_min"), numberInput("claim_within_min", point.claim_within_min, 1, 1440)),
        field(say("field_deliver_within_min"), numberInput("deliver_within_min", point.deliver_within_min, 1, 1440))
      )
    );
  }

  function measureBox(measure) {
    const kind = h(
      "select",
      { dataset: { field: "kind" } },
      estateConfig.measureKinds.map((code) => h("option", { value: code, text: word("measure_" + code), selected: code === measure.kind }))
    );
    const box = h(
      "div",
      { class: "part measure" },
      h(
        "div",
        { class: "part-fields" },
        field(say("field_kind"), kind),
        field(say("field_since"), h("input", { type: "date", value: measure.since || "", dataset: { field: "since" } })),
        field(say("field_until"), h("input", { type: "date", value: measure.until || "", dataset: { field: "until" } })),
        field(say("field_note"), h("input", { maxlength: "300", value: measure.note || "", dataset: { field: "note" } }))
      ),
      h("p", {}, h("button", { type: "button", class: "btn btn-small remove-measure", text: say("remove_measure"), onclick: () => box.remove() }))
    );
    return box;
  }

  function buildingBox(building) {
    const lift = h(
      "select",
      { dataset: { field: "lift" } },
      h("option", { value: "", text: say("lift_unknown"), selected: building.lift === null || building.lift === undefined }),
      h("option", { value: "yes", text: say("lift_yes"), selected: building.lift === true }),
      h("option", { value: "no", text: say("lift_no"), selected: building.lift === false })
    );
    return h(
      "div",
      { class: "part building", dataset: { ref: building.ref, number: building.number } },
      h("strong", { class: "building-number", text: building.number }),
      field(say("field_floors"), numberInput("floors", building.floors, 1, 200)),
      field(say("field_lift"), lift)
    );
  }

  function filterBuildings() {
    const query = $("building-filter").value.trim().toLowerCase();
    let shown = 0;
    for (const box of document.querySelectorAll("#buildings .building")) {
      const match = !query || box.dataset.number.toLowerCase().includes(query);
      box.hidden = !match || shown >= SHOWN_BUILDINGS;
      if (match) shown += 1;
    }
  }
  $("building-filter").addEventListener("input", filterBuildings);

  function fill(record) {
    current = record;
    const estate = record.estate;
    $("editor-name").textContent = nameOf(estate);
    $("editor-meta").textContent = say("version_meta", { id: record.id, version: record.version, at: G.formatDateTime(record.updated_at) });
    $("editor-sample").textContent = word("sample_data");
    $("editor-sample").hidden = !estate.synthetic;
    const lang = "?lang=" + config.htmlLang;
    $("open-guide").href = "/estates/" + record.id + "/guide";
    $("poster-pdf").href = "/api/estates/" + record.id + "/poster.pdf" + lang;
    $("poster-svg").href = "/api/estates/" + record.id + "/poster.svg" + lang;
    $("export-geojson").href = "/api/estates/" + record.id + "/export.geojson";
    $("f-ebikes-inside").checked = estate.ebikes_inside;
    $("gates").replaceChildren(...estate.gates.map(gateBox));
    $("handoffs").replaceChildren(...estate.handoffs.map(handoffBox));
    $("handoffs-empty").hidden = estate.handoffs.length > 0;
    $("measures").replaceChildren(...estate.measures.map(measureBox));
    $("buildings").replaceChildren(...estate.buildings.map(buildingBox));
    $("buildings-count").textContent = "(" + estate.buildings.length + ")";
    filterBuildings();
    editor.hidden = false;
    chooseHint.hidden = true;
    pageEl.dataset.state = "ready";
  }

  async function openEstate(id, fromList) {
    clearMessages();
    let record;
    try {
      record = await api("/api/estates/" + id);
    } catch (err) {
      return fail(err);
    }
    fill(record);
    const url = new URL(location.href);
    url.searchParams.set("id", String(id));
    window.history.replaceState(null, "", url);
    const link = document.getElementById("lang-switch");
    if (link) {
      // The language switch opens the same estate.
      const target = new URL(link.href, location.href);
      target.searchParams.set("id", String(id));
      link.href = target.pathname + "?" + target.searchParams.toString();
    }
    if (!listColumn.hidden) renderList();
    if (fromList) editor.scrollIntoView({ behavior: "smooth", block: "start" });
    await loadHistory(id);
  }

  /* ---- reading the form back into a document ---- */

  function whole(box, name, part, min, max, allowEmpty) {
    const input = box.querySelector("[data-field=" + name + "]");
    const text = input.value.trim();
    if (text === "" && allowEmpty) return null;
    const value = Number(text);
    if (text === "" || !Number.isInteger(value) || value < min || value > max) {
      input.focus();
      throw new InputError(say("invalid_whole", { field: say("field_" + name), part: part, min: min, max: max }));
    }
    return value;
  }

  function value(box, name) {
    return box.querySelector("[data-field=" + name + "]").value.trim();
  }

  function checked(box, name) {
    return box.querySelector("[data-field=" + name + "]").checked;
  }

  function boxesByRef(id) {
    return new Map([...document.querySelectorAll("#" + id + " > .part")].map((box) => [box.dataset.ref, box]));
  }

  function readEstate() {
    const estate = current.estate;
    const gates = boxesByRef("gates");
    const handoffs = boxesByRef("handoffs");
    const buildings = boxesByRef("buildings");
    const measures = [...document.querySelectorAll("#measures > .measure")].map(function (box) {
      const since = value(box, "since");
      const until = value(box, "until");
      if (!since || (until && until < since)) throw new InputError(say("invalid_dates"));
      return { kind: value(box, "kind"), since: since, until: until || null, note: value(box, "note") };
    });
    return Object.assign({}, estate, {
      ebikes_inside: $("f-ebikes-inside").checked,
      gates: estate.gates.map(function (gate) {
        const box = gates.get(gate.ref);
        return Object.assign({}, gate, {
          hours: value(box, "hours"),
          ebikes_allowed: checked(box, "ebikes_allowed"),
          lit_at_night: checked(box, "lit_at_night"),
          riders_pass: checked(box, "riders_pass"),
        });
      }),
      handoffs: estate.handoffs.map(function (point) {
        const box = handoffs.get(point.ref);
        const name = partTitle(point);
        return Object.assign({}, point, {
          hours: value(box, "hours"),
          shelf_capacity: whole(box, "shelf_capacity", name, 1, 10000, false),
          claim_within_min: whole(box, "claim_within_min", name, 1, 1440, false),
          deliver_within_min: whole(box, "deliver_within_min", name, 1, 1440, false),
        });
      }),
      measures: measures,
      buildings: estate.buildings.map(function (building) {
        const box = buildings.get(building.ref);
        const lift = value(box, "lift");
        return Object.assign({}, building, {
          floors: whole(box, "floors", building.number, 1, 200, true),
          lift: lift === "" ? null : lift === "yes",
        });
      }),
    });
  }

  $("estate-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!current) return;
    let estate;
    try {
      estate = readEstate();
    } catch (err) {
      if (err instanceof InputError) return fail(err);
      throw err;
    }
    if (JSON.stringify(estate) === JSON.stringify(current.estate)) return tell(say("no_changes"));
    const button = $("save-estate");
    button.disabled = true;
    tell(t("saving"));
    try {
      const record = await api("/api/estates/" + current.id, { method: "PUT", json: { version: current.version, estate: estate } });
      fill(record);
      tell(say("saved", { version: record.version }));
      await loadHistory(record.id);
    } catch (err) {
      if (err.status === 409) {
        // Someone else saved first: show their version (our edits would overwrite theirs).
        const id = current.id;
        await openEstate(id, false);
        G.showError(alertBox, new Error(say("conflict")));
        pageEl.dataset.conflict = "shown";
      } else {
        fail(err);
      }
    } finally {
      button.disabled = false;
    }
  });

  $("add-measure").addEventListener("click", function () {
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(new Date());
    const box = measureBox({ kind: estateConfig.measureKinds[0], since: today, until: null, note: "" });
    $("measures").append(box);
    box.querySelector("select").focus();
  });

  /* ---- import (admins, officers) ---- */

  function importFile(file) {
    const body = new FormData();
    body.append("file", file, file.name);
    return api("/api/estates/import", { method: "POST", formData: body });
  }

  $("import-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const file = $("import-file").files[0];
    if (!file) return;
    const report = $("import-report");
    const button = event.target.querySelector("button");
    button.disabled = true;
    tell(t("saving"));
    try {
      const answer = await importFile(file);
      const created = answer.created || [];
      const updated = answer.updated || [];
      const skipped = answer.skipped || [];
      report.replaceChildren(
        h("p", { text: say("import_done", { created: created.length, updated: updated.length }) }),
        h(
          "ul",
          {},
          [...created, ...updated].map((item) =>
            h("li", {}, item.id ? h("a", { href: "/estate?id=" + item.id, text: item.name }) : item.name)
          )
        ),
        skipped.length
          ? h("div", {}, h("p", { text: say("import_problems") }), h("ul", {}, skipped.map((item) => h("li", { text: item.name + ": " + (item.reason || "") }))))
          : null
      );
      report.hidden = false;
      clearMessages();
      await loadList();
    } catch (err) {
      fail(err);
    } finally {
      button.disabled = false;
    }
  });

  /* ---- change history ---- */

  const show = G.showValue;

  const PART_FIELDS = {
    gates: ["hours", "ebikes_allowed", "lit_at_night", "riders_pass"],
    handoffs: ["hours", "shelf_capacity", "claim_within_min", "deliver_within_min"],
    buildings: ["floors", "lift"],
  };

  /* The lines of one changed part of the document: field by field for gates, hand-off
     points and buildings; otherwise the part's name. */
  function partLines(section, before, after) {
    const fields = PART_FIELDS[section];
    if (!fields || !Array.isArray(before) || !Array.isArray(after)) {
      return [h("li", { text: say("history_section", { section: sectionName(section) }) })];
    }
    const old = new Map(before.map((p) => [p.ref, p]));
    const lines = [];
    for (const part of after) {
      const was = old.get(part.ref);
      old.delete(part.ref);
      if (!was) {
        lines.push(h("li", { text: say("history_added", { part: partTitle(part) }) }));
        continue;
      }
      for (const name of fields) {
        if (JSON.stringify(was[name]) !== JSON.stringify(part[name])) {
          lines.push(
            h("li", {},
              h("strong", { text: partTitle(part) }), ": " + say("field_" + name) + " ",
              h("span", { class: "before", text: show(was[name]) }), " → ",
              h("span", { class: "after", text: show(part[name]) }))
          );
        }
      }
      const others = Object.keys(part).filter((k) => !fields.includes(k) && JSON.stringify(was[k]) !== JSON.stringify(part[k]));
      if (others.length) lines.push(h("li", { text: say("history_section", { section: partTitle(part) }) }));
    }
    for (const gone of old.values()) lines.push(h("li", { text: say("history_dropped", { part: partTitle(gone) }) }));
    return lines;
  }

  function sectionName(section) {
    const key = "section_" + section;
    return sayable.has(key) ? say(key) : section;
  }

  function changeLines(entry) {
    if (!entry.before) return [h("li", { text: say("history_created") })];
    if (!entry.after) return [h("li", { text: say("history_removed") })];
    const sections = entry.changed && entry.changed.length ? entry.changed : Object.keys(entry.after);
    return sections.flatMap(function (section) {
      const before = entry.before[section];
      const after = entry.after[section];
      if (section === "ebikes_inside") {
        return [G.changeLine(say("field_ebikes_inside"), show(before), show(after))];
      }
      return partLines(section, before, after);
    });
  }

  function actionName(code) {
    return sayable.has("action_" + code) ? say("action_" + code) : code;
  }

  function loadHistory(id) {
    return G.loadHistory("/api/estates/" + id + "/audit", actionName, changeLines, fail);
  }

  /* ---- start ---- */

  me = await G.signedIn(fail);
  if (!me) return;

  const wanted = new URLSearchParams(location.search).get("id");
  const wantedId = wanted && /^\d+$/.test(wanted) ? Number(wanted) : null;
  if (me.role === "property") {
    $("import-panel").hidden = true;
    if (me.estate_id) await openEstate(me.estate_id, false);
    else tell(say("not_bound"));
  } else if (me.role === "admin" || me.role === "officer") {
    $("import-panel").hidden = !IMPORT_ROLES.includes(me.role);
    try {
      if (me.role === "officer") {
        const district = await api("/api/district");
        subdistricts = Object.fromEntries(district.subdistricts.map((s) => [s.code, config.locale === "zh_CN" ? s.name : s.pinyin || s.name]));
      }
      await loadList();
    } catch (err) {
      fail(err);
    }
    if (wantedId) await openEstate(wantedId, false);
    else chooseHint.hidden = false;
    pageEl.dataset.state = "ready";
  }
})();

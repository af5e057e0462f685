/* The staff page of meals for the elderly: the open alerts live (read from the server-sent
   events stream with fetch(), since EventSource cannot send the bearer token), on a list and
   a map, with the ladder's next step and the closing; enrolment with the API's field errors
   next to each field; a month's statement per funder and its files. */
(function () {
  "use strict";

  const G = window.gigcity;
  const h = G.h;
  const say = G.pageStrings("staff-strings");
  const $ = (id) => document.getElementById(id);
  const messages = G.messages($("alert"), $("notice"));
  const OUTCOMES = ["found_well", "helped", "hospital", "false_alarm", "away", "deceased"];
  const RELATIONS = ["family", "neighbour", "committee", "other"];
  const STREAM = "/api/eldercare/alerts/stream";

  let alerts = []; // the open alerts as the stream last sent them
  let map = null;
  let markers = null;
  let drawnIds = "";
  let retryMs = 5000;
  let canteens = [];

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /* ---- the open alerts ---- */

  function openFor(iso) {
    const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
    if (minutes < 60) return say("open_minutes", { minutes: minutes });
    return say("open_hours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  function clock(iso) {
    return new Intl.DateTimeFormat(G.config.htmlLang, {
      timeZone: G.config.timezone,
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(iso));
  }

  /* A step's sentence as part of ours: without its full stop. */
  function clause(text) {
    return text.replace(/[.\u3002]$/, "");
  }

  function relation(code) {
    return RELATIONS.includes(code) ? say("relation_" + code) : code;
  }

  /* What the card says of an alert (rebuilt at every change; the forms below it stay). */
  function facts(alert) {
    const parts = [
      h(
        "div",
        { class: "alert-head" },
        h("strong", { class: "first-name", text: alert.first_name }),
        h("span", { class: "badge check-" + alert.door_check, text: alert.door_check_text }),
        h("span", { class: "open-for", dataset: { opened: alert.opened_at }, text: openFor(alert.opened_at) })
      ),
      h("p", { class: "door", text: alert.door }),
      h("p", { class: "found", text: say("found", { text: alert.door_check_text }) }),
    ];
    if (alert.note) parts.push(h("p", { class: "rider-note", text: say("rider_note", { note: alert.note }) }));
    parts.push(h("p", { class: "tier note", text: alert.tier_text }));
    const last = alert.steps[alert.steps.length - 1];
    parts.push(
      h("p", {
        class: "last-step",
        text: last ? say("last_step", { text: clause(last.text), who: last.taken_by_name, time: clock(last.taken_at) }) : say("no_step_yet"),
      })
    );
    const next = alert.next_step;
    let nextText = say("no_next");
    if (next) {
      const due = Date.parse(next.due_at) <= Date.now();
      nextText = due ? say("next_due", { text: clause(next.text) }) : say("next_at", { text: clause(next.text), time: clock(next.due_at) });
    }
    parts.push(h("p", { class: "next-step" + (next && Date.parse(next.due_at) <= Date.now() ? " is-due" : ""), text: nextText }));
    if (alert.contacts.length) {
      parts.push(
        h(
          "ul",
          { class: "contacts" },
          alert.contacts.map((c) =>
            h("li", {}, h("a", { href: "tel:" + c.phone.replace(/[^0-9+]/g, ""), text: say("call", { name: c.name, relation: relation(c.relation), phone: c.phone }) }))
          )
        )
      );
    }
    return parts;
  }

  function stepForm(alert) {
    const note = h("input", { class: "step-note", maxlength: "500", "aria-label": say("step_note"), placeholder: say("step_note") });
    const button = h("button", { type: "submit", class: "btn btn-small btn-primary take-step" });
    const form = h("form", { class: "step-form" }, note, button);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const current = alerts.find((a) => a.id === alert.id);
      if (!current || !current.next_step) return;
      button.disabled = true;
      try {
        const updated = await G.api("/api/eldercare/alerts/" + alert.id + "/steps", {
          method: "POST",
          json: { index: current.next_step.index, note: note.value.trim() },
        });
        note.value = "";
        messages.tell(say("step_logged"));
        show(alerts.map((a) => (a.id === updated.id ? updated : a)));
      } catch (err) {
        messages.fail(err);
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  function closeForm(alert) {
    const outcome = h(
      "select",
      { class: "outcome", "aria-label": say("outcome") },
      OUTCOMES.map((code) => h("option", { value: code, text: say("outcome_" + code) }))
    );
    const note = h("input", { class: "close-note", maxlength: "500", "aria-label": say("close_note"), placeholder: say("close_note") });
    const button = h("button", { type: "submit", class: "btn btn-small close-alert", text: say("close") });
    const form = h("form", { class: "close-form" }, outcome, note, button);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      button.disabled = true;
      try {
        await G.api("/api/eldercare/alerts/" + alert.id + "/close", {
          method: "POST",
          json: { outcome: outcome.value, note: note.value.trim() },
        });
        messages.tell(say("closed"));
        show(alerts.filter((a) => a.id !== alert.id));
      } catch (err) {
        messages.fail(err);
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  /* The list, kept card by card so that a note being typed survives an update. */
  function show(list) {
    alerts = list;
    const ol = $("alerts");
    const cards = new Map([...ol.children].map((li) => [Number(li.dataset.alert), li]));
    const wanted = new Set(list.map((a) => a.id));
    cards.forEach((li, id) => wanted.has(id) || li.remove());
    list.forEach(function (alert, index) {
      let li = cards.get(alert.id);
      if (!li) {
        li = h("li", { class: "alert-card", dataset: { alert: alert.id } }, h("div", { class: "alert-facts" }), stepForm(alert), closeForm(alert));
      }
      li.dataset.check = alert.door_check;
      li.querySelector(".alert-facts").replaceChildren(...facts(alert));
      const step = li.querySelector(".step-form");
      step.hidden = !alert.next_step;
      if (alert.next_step) step.querySelector(".take-step").textContent = say("log_step", { text: clause(alert.next_step.text) });
      if (ol.children[index] !== li) ol.insertBefore(li, ol.children[index] || null);
    });
    $("alerts-empty").hidden = list.length > 0;
    $("alerts-count").textContent = say("alerts_count", { count: list.length });
    drawMarkers();
  }

  function tick() {
    document.querySelectorAll(".open-for").forEach((el) => (el.textContent = openFor(el.dataset.opened)));
  }

  /* ---- the map (works without tiles: the markers are drawn all the same) ---- */

  function makeMap() {
    const element = $("alert-map");
    if (!window.L) {
      element.dataset.state = "ready";
      return;
    }
    const [minLon, minLat, maxLon, maxLat] = G.config.bbox;
    const bounds = L.latLngBounds(G.coords.toMap(minLat, minLon), G.coords.toMap(maxLat, maxLon));
    map = L.map(element, { minZoom: 10, maxZoom: 19 });
    map.attributionControl.setPrefix(false);
    map.fitBounds(bounds);
    G.coords.addTiles(map);
    markers = L.featureGroup().addTo(map);
    element.dataset.state = "ready";
  }

  function drawMarkers() {
    if (!markers) return;
    markers.clearLayers();
    alerts.forEach(function (alert, index) {
      const marker = L.circleMarker(G.coords.toMap(alert.lat, alert.lon), {
        radius: 10,
        className: "alert-dot check-" + alert.door_check,
      });
      marker.bindTooltip(index + 1 + ". " + alert.first_name);
      marker.on("click", function () {
        const card = document.querySelector("#alerts li[data-alert='" + alert.id + "']");
        if (card) card.scrollIntoView({ behavior: "smooth", block: "center" });
      });
      marker.addTo(markers);
    });
    const ids = alerts.map((a) => a.id).join(",");
    if (alerts.length && ids !== drawnIds) map.fitBounds(markers.getBounds().pad(0.3), { maxZoom: 16 });
    drawnIds = ids;
  }

  /* ---- the stream ---- */

  function setLive(state) {
    const el = $("live-state");
    el.dataset.live = state;
    el.textContent = say("live_" + state);
  }

  function handleEvent(block) {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue; // keep-alive comments
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
      else if (field === "retry" && Number(value) > 0) retryMs = Number(value);
    }
    if (name === "alerts" && data.length) {
      show(JSON.parse(data.join("\n")));
      $("staff-page").dataset.state = "ready";
    }
  }

  /* The stream ends by itself every few minutes (the server checks the token anew): then
     connect again at once; after a failure, wait the stream's `retry` first. */
  async function listen() {
    for (;;) {
      let ended = false;
      try {
        const response = await fetch(STREAM, {
          headers: { Accept: "text/event-stream", "Accept-Language": G.config.htmlLang, Authorization: "Bearer " + G.auth.token() },
          credentials: "same-origin",
          cache: "no-store",
        });
        if (!response.ok) {
          const data = await response.json().catch(() => null);
          throw new G.ApiError(response.status, (data && data.detail) || G.t("error_status", { status: response.status }), data);
        }
        setLive("live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            ended = true;
            break;
          }
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            handleEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (err) {
        if (err instanceof G.ApiError && err.status > 0 && err.status < 500) {
          setLive("off");
          return messages.fail(err); // signed out (401: to sign in), or not allowed
        }
      }
      if (ended) {
        await sleep(1000); // never a tight loop, whatever ends the stream
        continue;
      }
      setLive("reconnecting"); // the network or the server went: try again
      await sleep(retryMs);
    }
  }

  /* ---- enrolment ---- */

  const form = $("enrol-form");

  function contactRow() {
    const rows = $("contact-rows");
    const n = rows.children.length;
    const li = h(
      "li",
      { class: "contact-row" },
      h(
        "label",
        {},
        say("contact_relation"),
        h("select", { name: "contacts." + n + ".relation" }, RELATIONS.map((code) => h("option", { value: code, text: relation(code) })))
      ),
      h("label", {}, say("contact_name"), h("input", { name: "contacts." + n + ".name", maxlength: "60", autocomplete: "off" })),
      h("label", {}, say("contact_phone"), h("input", { name: "contacts." + n + ".phone", type: "tel", maxlength: "20", autocomplete: "off" }))
    );
    rows.append(li);
    $("add-contact").hidden = rows.children.length >= 5;
  }

  function value(name) {
    const el = form.elements.namedItem(name);
    return el ? el.value.trim() : "";
  }

  function number(name) {
    const text = value(name);
    return text === "" ? null : Number(text);
  }

  /* The form as ElderIn; empty contact rows are left out, the rest keep their order. */
  function body() {
    const contacts = [];
    [...$("contact-rows").children].forEach(function (row, n) {
      const name = value("contacts." + n + ".name");
      const phone = value("contacts." + n + ".phone");
      if (name || phone) contacts.push({ relation: value("contacts." + n + ".relation"), name: name, phone: phone });
    });
    const canteen = canteens.find((c) => String(c.id) === value("canteen_id"));
    return {
      name: value("name"),
      first_name: value("first_name"),
      subdistrict: canteen ? canteen.subdistrict : "",
      canteen_id: canteen ? canteen.id : null,
      building: value("building"),
      unit: value("unit"),
      floor: number("floor"),
      door: value("door"),
      lon: number("lon"),
      lat: number("lat"),
      subsidy_category: value("subsidy_category"),
      care: {
        mobility: value("care.mobility"),
        lives_alone: form.elements.namedItem("care.lives_alone").checked,
        diet: [...form.querySelectorAll("input[name='care.diet']:checked")].map((el) => el.value),
        allergies: value("care.allergies").split(/[,\uFF0C\u3001]/).map((a) => a.trim()).filter(Boolean),
        notes: value("care.notes"),
      },
      contacts: contacts,
      consent_by: value("consent_by"),
      consent_note: value("consent_note"),
    };
  }

  function clearFieldErrors() {
    form.querySelectorAll(".field-error").forEach((el) => el.remove());
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  }

  /* Where an error about `field` (e.g. "contacts.0.phone") is shown: its input, else the
     nearest enclosing part of the form that names it. */
  function placeOf(field) {
    const parts = field.split(".");
    while (parts.length) {
      const path = parts.join(".");
      const input = form.querySelector("[name='" + path + "']");
      if (input) return { input: input, after: input.closest("label") || input };
      const part = form.querySelector("[data-field='" + path + "']");
      if (part) return { input: null, after: part.lastElementChild || part };
      parts.pop();
    }
    return null;
  }

  function showFieldErrors(err) {
    const problem = err.problem || {};
    const errors = Array.isArray(problem.errors) ? problem.errors.slice() : [];
    if (problem.field) errors.push({ field: problem.field, message: problem.detail });
    let placed = 0;
    errors.forEach(function (e) {
      const place = e.field ? placeOf(e.field) : null;
      if (!place) return;
      if (place.input) place.input.setAttribute("aria-invalid", "true");
      place.after.after(h("p", { class: "field-error", dataset: { field: e.field }, text: e.message }));
      placed += 1;
    });
    return placed;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearFieldErrors();
    messages.clear();
    const data = body();
    const submit = $("enrol-submit");
    submit.disabled = true;
    try {
      const elder = await G.api("/api/eldercare/elders", { method: "POST", json: data });
      form.reset();
      $("contact-rows").replaceChildren();
      contactRow();
      contactRow();
      messages.tell(say("enrolled", { name: elder.first_name }));
      loadElders();
    } catch (err) {
      if (showFieldErrors(err)) {
        messages.fail(err);
        const first = form.querySelector(".field-error");
        if (first) first.scrollIntoView({ block: "center" });
      } else {
        messages.fail(err);
      }
    } finally {
      submit.disabled = false;
    }
  });

  async function loadCanteens() {
    canteens = await G.api("/api/eldercare/canteens");
    const select = $("enrol-canteen");
    select.replaceChildren(...canteens.filter((c) => c.active).map((c) => h("option", { value: c.id, text: c.name })));
    if (!canteens.length) messages.tell(say("canteen_none"));
  }

  async function loadElders() {
    const list = await G.api("/api/eldercare/elders");
    const names = new Map(canteens.map((c) => [c.id, c.name]));
    const titles = new Map([...form.elements.namedItem("subsidy_category").options].map((o) => [o.value, o.textContent]));
    $("elder-rows").replaceChildren(
      ...list.map((e) =>
        h(
          "tr",
          { dataset: { elder: e.id } },
          h("td", { text: e.first_name }),
          h("td", { text: e.building }),
          h("td", { text: names.get(e.canteen_id) || String(e.canteen_id) }),
          h("td", { text: titles.get(e.subsidy_category) || e.subsidy_category })
        )
      )
    );
    $("elders-empty").hidden = list.length > 0;
  }

  /* ---- statements ---- */

  const yuan = (fen) => say("money", { amount: G.formatYuan(fen) });

  function thisMonth() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: G.config.timezone, year: "numeric", month: "2-digit" }).format(new Date());
  }

  async function showStatement(month) {
    const s = await G.api("/api/eldercare/statements/" + encodeURIComponent(month));
    $("statement-summary").replaceChildren(
      say("statement_summary", { price: yuan(s.delivered_price_fen), owed: yuan(s.owed_fen) }),
      " ",
      h("span", {
        class: "badge " + (s.reconciled ? "badge-open" : "badge-closed"),
        text: s.reconciled ? say("reconciled") : say("not_reconciled", { count: s.differences.length }),
      })
    );
    $("funder-rows").replaceChildren(
      ...s.funders.map((f) =>
        h("tr", { dataset: { funder: f.funder } }, h("td", { text: say("funder_" + f.funder) }), h("td", { class: "money", text: yuan(f.owed_fen) }), h("td", { text: f.ledger_lines }))
      )
    );
    $("statement-meals").textContent = say("meals_counts", s.meals);
    $("statement").hidden = false;
    $("statement").dataset.month = month;
  }

  /* A file behind the bearer token (G.downloadFile). */
  async function download(kind) {
    const month = $("statement").dataset.month;
    const path = "/api/eldercare/statements/" + encodeURIComponent(month) + "." + kind;
    try {
      const name = await G.downloadFile(path, "statement-" + month + "." + kind);
      messages.tell(say("downloaded", { name: name }));
    } catch (err) {
      messages.fail(err);
    }
  }

  $("statement-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const month = $("statement-month").value;
    if (month) showStatement(month).catch(messages.fail);
  });
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-xlsx").addEventListener("click", () => download("xlsx"));
  $("add-contact").addEventListener("click", contactRow);

  /* ---- menu clashes of the coming week (GET /api/eldercare/canteens/{id}/clashes) ---- */

  const clashSay = G.pageStrings("clash-strings");

  function clashDay(iso) {
    const day = new Date(iso + "T00:00:00Z");
    return new Intl.DateTimeFormat(G.config.htmlLang, { timeZone: "UTC", month: "numeric", day: "numeric", weekday: "short" }).format(day);
  }

  async function loadClashes() {
    const path = (c) => "/api/eldercare/canteens/" + c.id + "/clashes?days=7";
    const weeks = await Promise.all(canteens.filter((c) => c.active).map((c) => G.api(path(c))));
    const rows = [];
    const missing = [];
    weeks.forEach((week) => {
      week.meals.forEach((meal) => {
        const when = clashSay("when", { canteen: week.canteen_name, meal: clashSay("meal_" + meal.meal), day: clashDay(meal.day) });
        const dishes = meal.dishes.map((d) =>
          h("li", { text: clashSay("dish", { dish: d.dish, count: d.count, names: d.first_names.join(clashSay("list_separator")) }) })
        );
        rows.push(h("li", { class: "clash", dataset: { canteen: week.canteen_id, day: meal.day, meal: meal.meal } }, h("strong", { text: when }), h("ul", {}, dishes)));
      });
      if (week.without_menu.length) {
        missing.push(h("li", { text: clashSay("without_menu", { canteen: week.canteen_name, count: week.without_menu.length }) }));
      }
    });
    $("clashes").replaceChildren(...rows);
    $("clashes-no-menu").replaceChildren(...missing);
    $("clashes-empty").hidden = rows.length > 0;
  }

  /* ---- start ---- */

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // told so by common.js
    const me = await G.signedIn(messages.fail);
    if (!me) return;
    contactRow();
    contactRow();
    $("statement-month").value = thisMonth();
    makeMap();
    listen();
    setInterval(tick, 30000);
    try {
      await loadCanteens();
      await loadElders();
      await loadClashes();
    } catch (err) {
      messages.fail(err);
    }
  }

  start();
})();

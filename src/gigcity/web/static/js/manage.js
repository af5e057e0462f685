/* Keeping points current: admins see and edit every point, station staff their own station,
   grid officers the points of their sub-district. Every point's change history is shown.
   The server decides who may change what; this page shows its answers (problem+json). */
(async function () {
  "use strict";

  const G = window.gigcity;
  const { config, t, h, api } = G;
  const $ = (id) => document.getElementById(id);

  const alertBox = $("alert");
  const notice = $("notice");
  const editor = $("editor");
  const listPanel = $("list-panel");
  const listFilter = $("list-filter");
  const chooseHint = $("choose-hint");
  const LIST_LIMIT = 5000; // the API's largest bbox answer
  const SHOWN_ROWS = 200;
  const HIDDEN_FIELDS = new Set(["version", "amenity_mask", "created_at", "updated_at"]);

  let me = null;
  let current = null; // the point in the editor, as the API last returned it
  let points = []; // the points this account looks after (admins, officers)
  let searchController = null;

  const { fail, tell: say, clear: clearMessages } = G.messages(alertBox, notice);

  /* ---- the list of points (admins: all; officers: their sub-district) ---- */

  function matches(place, query) {
    if (!query) return true;
    const q = query.toLowerCase();
    return (
      String(place.id) === q ||
      place.name.toLowerCase().includes(q) ||
      (place.address || "").toLowerCase().includes(q) ||
      (place.subdistrict_name || "").toLowerCase().includes(q)
    );
  }

  function listRow(place) {
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "place-row" + (current && current.id === place.id ? " is-current" : ""),
          dataset: { placeId: String(place.id) },
          onclick: () => openPlace(place.id, true),
        },
        h("span", { class: "dot kind-" + place.kind + (place.open_now === false ? " is-closed" : "") }),
        h(
          "span",
          { class: "row-main" },
          h("strong", { text: place.name }),
          h("small", { text: G.kindLabel(place.kind) + " · " + (place.subdistrict_name || "") + " · #" + place.id })
        )
      )
    );
  }

  function renderList(found) {
    const query = listFilter.value.trim();
    const chosen = found || points.filter((p) => matches(p, query));
    $("point-list").replaceChildren(...chosen.slice(0, SHOWN_ROWS).map(listRow));
    $("list-count").textContent = t("list_count", { shown: Math.min(chosen.length, SHOWN_ROWS), total: chosen.length });
  }

  /* When the loaded list is complete, filter it here; otherwise ask the server. */
  async function filterList() {
    const query = listFilter.value.trim();
    if (!query || points.length < LIST_LIMIT) return renderList();
    if (searchController) searchController.abort();
    searchController = new AbortController();
    try {
      const found = await api("/api/places/search?" + new URLSearchParams({ q: query, limit: "100" }), {
        signal: searchController.signal,
      });
      renderList(me.role === "officer" ? found.filter((p) => p.subdistrict === me.subdistrict) : found);
    } catch (err) {
      if (err.name !== "AbortError") fail(err);
    }
  }

  function bboxOf(geometry) {
    const rings = geometry.type === "Polygon" ? geometry.coordinates : geometry.coordinates.flat();
    const xs = rings.flat().map((c) => c[0]);
    const ys = rings.flat().map((c) => c[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }

  async function loadPoints() {
    let bbox = config.bbox;
    if (me.role === "officer") {
      const [shapes, district] = await Promise.all([
        api("/api/district/subdistricts.geojson"),
        api("/api/district"),
      ]);
      const feature = shapes.features.find((f) => f.properties.code === me.subdistrict);
      const sub = district.subdistricts.find((s) => s.code === me.subdistrict);
      if (feature) bbox = bboxOf(feature.geometry);
      $("list-title").textContent = t("scope_officer", { subdistrict: sub ? sub.name : me.subdistrict });
    } else {
      $("list-title").textContent = t("scope_admin");
    }
    const params = new URLSearchParams({ bbox: bbox.map((n) => n.toFixed(6)).join(","), limit: String(LIST_LIMIT) });
    let found = await api("/api/places?" + params.toString());
    if (me.role === "officer") found = found.filter((p) => p.subdistrict === me.subdistrict);
    const collator = new Intl.Collator(config.htmlLang);
    points = found.sort((a, b) => collator.compare(a.name, b.name));
    listPanel.hidden = false;
    listPanel.parentElement.classList.add("has-list");
    renderList();
  }

  listFilter.addEventListener("input", filterList);

  /* ---- the editor ---- */

  function setValue(id, value) {
    $(id).value = value === null || value === undefined ? "" : String(value);
  }

  function fill(place) {
    current = place;
    $("editor-name").textContent = place.name;
    $("editor-meta").replaceChildren(
      G.kindLabel(place.kind) + " · " + (place.subdistrict_name || "") + " · " + t("version_info", { id: place.id, version: place.version }) + " · ",
      h("a", { href: "/?place=" + place.id, text: t("view_on_map") })
    );
    const foreign =
      (me.role === "staff" && me.station_id !== place.id) ||
      (me.role === "officer" && me.subdistrict !== place.subdistrict);
    $("editor-warning").textContent = foreign ? t("not_own_station") : "";
    $("editor-warning").hidden = !foreign;

    // Today's status
    const closed = G.closedToday(place.hours);
    $("status-closed").checked = Boolean(closed);
    setValue("status-note", closed ? closed.note : "");
    const beds = place.amenities.beds;
    $("status-beds-row").hidden = !beds;
    setValue("status-beds", beds ? beds.free : "");
    // A home open to stays counts its free beds from its bookings: shown, not entered.
    const counted = counts(place);
    $("status-beds").disabled = counted;
    $("status-beds-counted").hidden = !counted;
    if (beds) {
      $("status-beds").max = String(beds.count);
      $("status-beds-count").textContent = "/ " + beds.count;
    }
    G.hoursForm.fill(place.hours, place.hours_text);

    // Details
    setValue("f-name", place.name);
    setValue("f-kind", place.kind);
    setValue("f-lon", place.lon);
    setValue("f-lat", place.lat);
    setValue("f-address", place.address);
    setValue("f-contact", place.contact);
    setValue("f-capacity", place.capacity);
    setValue("f-operator", place.operator);
    setValue("f-notes", place.notes);
    for (const box of document.querySelectorAll("#f-flags [data-flag]")) {
      box.checked = Boolean(place.amenities[box.dataset.flag]);
    }
    $("f-has-beds").checked = Boolean(beds);
    setValue("f-beds-count", beds ? beds.count : "");
    setValue("f-beds-free", beds ? beds.free : "");
    const meals = place.amenities.discounted_meals;
    $("f-has-meals").checked = Boolean(meals);
    setValue("f-meal-price", meals ? G.formatYuan(meals.price_fen) : "");
    setValue("f-meal-note", meals ? meals.note : "");
    const admin = me.role === "admin";
    for (const el of document.querySelectorAll("[data-registry]")) el.disabled = !admin;
    for (const id of ["f-has-beds", "f-beds-count", "f-beds-free"]) $(id).disabled = counted;
    $("registry-note").hidden = admin;

    const index = points.findIndex((p) => p.id === place.id);
    if (index >= 0) points[index] = place;
  }

  async function openPlace(id, fromList) {
    clearMessages();
    let place;
    try {
      place = await api("/api/places/" + id);
    } catch (err) {
      return fail(err);
    }
    fill(place);
    editor.hidden = false;
    chooseHint.hidden = true;
    // The point's meal and water offers (manage-offers.js) follow the point shown.
    editor.dispatchEvent(new CustomEvent("place-opened", { detail: { place: place, me: me } }));
    const url = new URL(location.href);
    url.searchParams.set("place", String(id));
    window.history.replaceState(null, "", url);
    if (!listPanel.hidden) renderList();
    if (fromList) editor.scrollIntoView({ behavior: "smooth", block: "start" });
    await loadHistory(id);
  }

  /* ---- saving ---- */

  class InputError extends Error {}

  function wholeNumber(id, label, allowEmpty) {
    const text = $(id).value.trim();
    if (text === "" && allowEmpty) return null;
    if (!/^\d+$/.test(text)) throw new InputError(t("invalid_number", { field: label }));
    return parseInt(text, 10);
  }

  async function save(form, request) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    say(t("saving"));
    const before = current.version;
    try {
      const place = await request();
      fill(place);
      say(place.version === before ? t("no_changes") : t("saved"));
      if (!listPanel.hidden) renderList();
      await loadHistory(place.id);
    } catch (err) {
      fail(err);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  $("status-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    const body = { closed_today: $("status-closed").checked, closed_note: $("status-note").value.trim() };
    try {
      if (current.amenities.beds && !counts(current) && $("status-beds").value.trim() !== "") {
        body.beds_free = wholeNumber("status-beds", t("field_amenities"), false);
      }
      const hours = G.hoursForm.read(current.hours);
      if (hours !== null) body.hours = hours;
    } catch (err) {
      return fail(err);
    }
    save(event.target, () => api("/api/places/" + current.id + "/status", { method: "PUT", json: body }));
  });

  function textOrNull(id) {
    const value = $(id).value.trim();
    return value === "" ? null : value;
  }

  // Whether the point's beds are counted from its stays bookings (not entered by hand).
  function counts(place) {
    return Boolean(place.amenities.beds && place.amenities.beds.counted);
  }

  function amenitiesFromForm() {
    const next = { ...current.amenities };
    for (const box of document.querySelectorAll("#f-flags [data-flag]")) next[box.dataset.flag] = box.checked;
    next.beds = counts(current)
      ? current.amenities.beds
      : $("f-has-beds").checked
      ? {
          count: wholeNumber("f-beds-count", config.amenities.beds, false),
          free: wholeNumber("f-beds-free", t("field_amenities"), true) || 0,
        }
      : null;
    if ($("f-has-meals").checked) {
      const price = Number($("f-meal-price").value.trim());
      if ($("f-meal-price").value.trim() === "" || !Number.isFinite(price) || price < 0) {
        throw new InputError(t("invalid_price"));
      }
      next.discounted_meals = { price_fen: Math.round(price * 100), note: $("f-meal-note").value.trim() };
    } else {
      next.discounted_meals = null;
    }
    return next;
  }

  function detailChanges() {
    const changes = {};
    const offer = (name, value, old) => {
      if (JSON.stringify(value) !== JSON.stringify(old === undefined ? null : old)) changes[name] = value;
    };
    if (me.role === "admin") {
      offer("name", $("f-name").value.trim(), current.name);
      offer("kind", $("f-kind").value, current.kind);
      offer("lon", Number($("f-lon").value), current.lon);
      offer("lat", Number($("f-lat").value), current.lat);
    }
    offer("address", textOrNull("f-address"), current.address);
    offer("contact", textOrNull("f-contact"), current.contact);
    offer("operator", textOrNull("f-operator"), current.operator);
    offer("notes", textOrNull("f-notes"), current.notes);
    offer("capacity", wholeNumber("f-capacity", t("field_capacity"), true), current.capacity);
    // Opening hours are kept in "Today" (status-form) only: asked for once.
    offer("amenities", amenitiesFromForm(), current.amenities);
    return changes;
  }

  $("details-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    let changes;
    try {
      changes = detailChanges();
    } catch (err) {
      return fail(err);
    }
    if (!Object.keys(changes).length) return say(t("no_changes"));
    changes.version = current.version; // refused if someone else changed the point meanwhile
    save(event.target, () => api("/api/places/" + current.id, { method: "PATCH", json: changes }));
  });

  /* ---- change history ---- */

  const show = G.showValue;

  function hoursSummary(hours) {
    if (!hours) return t("empty_value");
    const lines = G.formatHours(hours);
    for (const e of hours.exceptions || []) {
      const what = e.closed ? t("day_closed") : e.ranges.map((r) => r.start + "–" + r.end).join(t("list_separator"));
      lines.push(e.date + " " + what + (e.note ? " (" + e.note + ")" : ""));
    }
    return lines.join("; ");
  }

  /* Leaves of a nested object as "a.b" -> value. */
  function flatten(value, prefix, out) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? prefix + "." + key : key, out);
    } else if (prefix) {
      out[prefix] = value;
    }
    return out;
  }

  function amenityLabel(path) {
    const [code, part] = path.split(".");
    const name = config.amenities[code] || code;
    return part ? name + " › " + t("part_" + part) : name;
  }

  function amenityValue(path, value) {
    if (path.endsWith("price_fen") && typeof value === "number") return "¥" + G.formatYuan(value);
    return show(value);
  }

  // One changed field (opening hours in OSM syntax shown as code).
  const change = G.changeLine;

  function changeLines(entry) {
    if (!entry.before) return [h("li", { text: t("history_created") })];
    if (!entry.after) return [h("li", { text: t("history_removed") })];
    const lines = [];
    const keys = new Set([...Object.keys(entry.before), ...Object.keys(entry.after)]);
    for (const key of keys) {
      if (HIDDEN_FIELDS.has(key)) continue;
      const before = entry.before[key];
      const after = entry.after[key];
      if (key === "hours") {
        const [b, a] = [hoursSummary(before), hoursSummary(after)];
        const osm = Boolean((before && before.osm) || (after && after.osm));
        if (b !== a) lines.push(change(t("field_hours"), b, a, osm));
      } else if (key === "amenities") {
        const b = flatten(before || {}, "", {});
        const a = flatten(after || {}, "", {});
        for (const path of new Set([...Object.keys(b), ...Object.keys(a)])) {
          // A flag left out of a stored snapshot means "no".
          const bv = b[path] === undefined && typeof a[path] === "boolean" ? false : b[path];
          const av = a[path] === undefined && typeof b[path] === "boolean" ? false : a[path];
          const [shownBefore, shownAfter] = [amenityValue(path, bv), amenityValue(path, av)];
          if (shownBefore !== shownAfter) {
            lines.push(change(t("field_amenities") + " › " + amenityLabel(path), shownBefore, shownAfter));
          }
        }
      } else if (JSON.stringify(before) !== JSON.stringify(after)) {
        const label = G.strings["field_" + key] ? t("field_" + key) : key;
        lines.push(change(label, key === "kind" ? G.kindLabel(before) : show(before), key === "kind" ? G.kindLabel(after) : show(after)));
      }
    }
    return lines;
  }

  function actionName(code) {
    return G.strings["action_" + code] ? t("action_" + code) : code;
  }

  function loadHistory(id) {
    return G.loadHistory("/api/places/" + id + "/audit", actionName, changeLines, fail);
  }

  /* ---- start ---- */

  me = await G.signedIn(fail);
  if (!me) return;

  const wanted = new URLSearchParams(location.search).get("place");
  const wantedId = wanted && /^\d+$/.test(wanted) ? Number(wanted) : null;
  if (me.role === "staff") {
    await openPlace(wantedId || me.station_id, false);
  } else if (me.role === "admin" || me.role === "officer") {
    try {
      await loadPoints();
    } catch (err) {
      fail(err);
    }
    if (wantedId) {
      await openPlace(wantedId, false);
    } else {
      chooseHint.textContent = t("choose_point");
      chooseHint.hidden = false;
    }
  } else {
    say(t("not_keeper"));
  }
})();

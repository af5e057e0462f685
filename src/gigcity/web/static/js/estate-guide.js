/* The building guide of one estate (/estates/{id}/guide), for a rider on a phone, often opened
   from the QR code on the gate poster: "find building 37" gives the colour zone to follow (its
   name and numbers beside the swatch: never colour alone), the best gate for where the rider
   is (the position is asked for, and the guide works without it), the e-bike rule (banned:
   ride to the parking, then walk), whether a trolley can be borrowed, the walk drawn on a
   small map and as steps. The estate's buildings are listed by zone to tap.
   Answers are kept in this browser, so a guide asked for once reopens without signal. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const C = G.coords;
  const $ = (id) => document.getElementById(id);
  const estateConfig = JSON.parse($("estate-config").textContent);
  const word = G.pageStrings("estate-strings");
  const say = G.pageStrings("guide-strings");
  const estateId = estateConfig.estateId;
  const SAVED_KEY = "gigcity.guide." + estateId;
  const SAVED_MAX = 12; // answers kept per estate (a rider's usual buildings)
  const POSITION_TIMEOUT_MS = 6000;

  const pageEl = $("guide-page");
  const alertBox = $("alert");
  const form = $("find-form");
  const buildingInput = $("building-input");
  const unitInput = $("unit-input");
  const positionNote = $("position-note");
  const result = $("result");

  let estate = null; // the estate document (GET /api/estates/{id}).estate
  let map = null;
  let drawn = null; // the layer group of the route on the map
  let request = 0; // answers to an older question are dropped

  /* ---- the estate: name, sample label, buildings by zone ---- */

  function colourName(colour) {
    return word("colour_" + colour);
  }

  function zoneTitle(colour) {
    return word("zone_label", { colour: colourName(colour) });
  }

  function numbersOf(refs) {
    const byRef = new Map((estate ? estate.buildings : []).map((b) => [b.ref, b.number]));
    return refs.map((ref) => byRef.get(ref) || ref);
  }

  /* Building numbers as a short list ("1-5, 8, 10-12" and the suffix) when they share a suffix. */
  function numberRanges(numbers) {
    const sep = G.t("list_separator");
    const parts = numbers.map((n) => /^(\d+)(\D*)$/.exec(n));
    const suffix = parts.length && parts[0] ? parts[0][2] : null;
    if (suffix === null || !parts.every((p) => p && p[2] === suffix)) return numbers.join(sep);
    const values = [...new Set(parts.map((p) => parseInt(p[1], 10)))].sort((a, b) => a - b);
    const ranges = [];
    for (const v of values) {
      const last = ranges[ranges.length - 1];
      if (last && v === last[1] + 1) last[1] = v;
      else ranges.push([v, v]);
    }
    return ranges.map(([a, b]) => (a === b ? String(a) : a + "–" + b)).join(sep) + suffix;
  }

  /* A colour swatch that always carries its name beside it. */
  function swatch(colour) {
    const el = h("span", { class: "swatch-dot", "aria-hidden": "true" });
    el.style.background = estateConfig.zoneHex[colour] || "#9e9e9e"; // CSSOM: allowed by the CSP
    return el;
  }

  function buildingButton(building) {
    return h("button", {
      type: "button",
      class: "building-chip",
      dataset: { building: building.number },
      text: building.number,
      onclick: function () {
        buildingInput.value = building.number;
        unitInput.value = "";
        find();
      },
    });
  }

  function renderZones() {
    const zones = estate.zones || [];
    const zoned = new Set(zones.flatMap((z) => z.buildings));
    const byRef = new Map(estate.buildings.map((b) => [b.ref, b]));
    // In number order, as a rider looks for "37".
    const collator = new Intl.Collator(config.htmlLang, { numeric: true });
    const inOrder = (list) => list.slice().sort((a, b) => collator.compare(a.number, b.number));
    const groups = zones.map((zone) => ({
      colour: zone.colour,
      title: zoneTitle(zone.colour),
      buildings: inOrder(zone.buildings.map((ref) => byRef.get(ref)).filter(Boolean)),
    }));
    const rest = inOrder(estate.buildings.filter((b) => !zoned.has(b.ref)));
    if (rest.length) groups.push({ colour: null, title: word("no_zone"), buildings: rest });
    $("zones").replaceChildren(
      ...groups.map((group) =>
        h(
          "section",
          { class: "zone-group", dataset: { colour: group.colour || "" } },
          h("h3", { class: "zone-title" }, group.colour ? swatch(group.colour) : null, group.title),
          h("div", { class: "building-grid" }, group.buildings.map(buildingButton))
        )
      )
    );
    $("buildings-panel").hidden = false;
  }

  function renderEstate(answer) {
    estate = answer.estate;
    const name = config.locale === "zh_CN" || !estate.name_en ? estate.name : estate.name_en;
    $("estate-name").textContent = name;
    document.title = name + " · " + word("building_guide");
    $("estate-meta").textContent = word("estate_buildings", { n: estate.buildings.length, gates: estate.gates.length });
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(new Date());
    const inForce = (estate.measures || []).filter((m) => m.since <= today && (!m.until || today <= m.until));
    $("measures").replaceChildren(...[...new Set(inForce.map((m) => m.kind))].map((kind) => h("li", { text: word("measure_" + kind) })));
    const sample = $("sample-badge");
    sample.textContent = word("sample_data");
    sample.hidden = !estate.synthetic;
    const lang = "?lang=" + config.htmlLang;
    $("poster-svg").href = "/api/estates/" + estateId + "/poster.svg" + lang;
    $("poster-pdf").href = "/api/estates/" + estateId + "/poster.pdf" + lang;
    renderZones();
  }

  /* ---- the rider's position (optional) ---- */

  function currentPosition() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        (pos) => resolve({ lat: pos.coords.latitude, lon: pos.coords.longitude }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: POSITION_TIMEOUT_MS, maximumAge: 60000 }
      );
    });
  }

  /* ---- answers kept for no signal ---- */

  function savedAnswers() {
    try {
      return JSON.parse(localStorage.getItem(SAVED_KEY) || "[]");
    } catch (err) {
      return [];
    }
  }

  function questionKey(q) {
    return [q.building, q.unit || "", q.by, config.locale].join("|");
  }

  function keep(q, answer) {
    const key = questionKey(q);
    const kept = savedAnswers().filter((e) => e.key !== key);
    kept.unshift({ key: key, at: new Date().toISOString(), answer: answer });
    try {
      localStorage.setItem(SAVED_KEY, JSON.stringify(kept.slice(0, SAVED_MAX)));
    } catch (err) {
      /* storage full or refused: the guide still works online */
    }
  }

  function keptAnswer(q) {
    const key = questionKey(q);
    return savedAnswers().find((e) => e.key === key) || null;
  }

  /* ---- the answer ---- */

  function amapLink(point, name) {
    const [lon, lat] = C.wgs84ToGcj02(point.lon, point.lat); // Amap reads GCJ-02
    return (
      "https://uri.amap.com/navigation?to=" + lon.toFixed(6) + "," + lat.toFixed(6) + "," +
      encodeURIComponent(name) + "&mode=ride&coordinate=gaode&callnative=1&src=gigcity"
    );
  }

  function ebikeRule(answer, by) {
    if (by === "foot") return say("on_foot");
    if (answer.ebikes_inside) return say("ebikes_allowed");
    if (answer.parking) return say("ebikes_banned_parking", { parking: answer.parking.name || answer.parking.ref });
    return say("ebikes_banned");
  }

  function renderAnswer(answer, by, savedAt) {
    const zone = answer.zone;
    const swatchEl = $("swatch-colour");
    $("zone-swatch").dataset.colour = zone ? zone.colour : "";
    swatchEl.style.background = zone ? zone.hex : "#9e9e9e";
    $("zone-name").textContent = zone ? zoneTitle(zone.colour) : word("no_zone");
    const zoneRefs = zone && estate ? (estate.zones.find((z) => z.colour === zone.colour) || { buildings: [] }).buildings : [];
    $("zone-numbers").textContent = zoneRefs.length
      ? word("zone_buildings", { numbers: numberRanges(numbersOf(zoneRefs)) })
      : zone && zone.name
        ? zone.name
        : "";
    $("total-min").textContent = say("total_line", { min: answer.total_min });
    const gateName = answer.gate.name || answer.gate.ref;
    const gate = estate ? estate.gates.find((g) => g.ref === answer.gate.ref) : null;
    $("gate-name").replaceChildren(gateName);
    if (gate && gate.hours) {
      $("gate-name").append(h("small", { class: "gate-hours" }, say("gate_hours") + " ", h("span", { class: "mono", text: gate.hours })));
    }
    $("ebike-rule").textContent = ebikeRule(answer, by);
    $("ebike-rule").dataset.rule = answer.ebikes_inside ? "allowed" : answer.parking ? "parking" : "banned";
    $("trolley").textContent = answer.trolley ? say("trolley_yes") : say("trolley_no");
    $("trolley").dataset.trolley = answer.trolley ? "yes" : "no";
    $("walk").textContent = say("walk_line", { distance: G.formatDistance(answer.walk_m), min: answer.walk_min });
    $("entrance-name").textContent = answer.entrance ? answer.entrance.name || answer.entrance.ref : say("no_entrance");
    const nav = $("gate-nav");
    nav.href = amapLink(answer.gate, gateName);
    nav.textContent = say("navigate_gate", { gate: gateName });
    $("steps").replaceChildren(...answer.steps.map((text) => h("li", { text: text })));
    const saved = $("saved-note");
    saved.textContent = savedAt ? say("saved_route", { time: G.formatDateTime(savedAt) }) : "";
    saved.hidden = !savedAt;
    result.dataset.building = answer.number;
    result.hidden = false;
    drawRoute(answer);
  }

  /* ---- the small map ---- */

  function ensureMap() {
    if (map) return map;
    map = L.map("guide-map", { zoomControl: true, attributionControl: true, maxZoom: 20 });
    map.attributionControl.setPrefix(false);
    C.addTiles(map);
    if (estate) {
      L.polygon(estate.boundary.map(([lon, lat]) => C.toMap(lat, lon)), {
        className: "estate-boundary",
        interactive: false,
      }).addTo(map);
      // Every building's outline, faint: the rider sees the blocks the route passes.
      for (const b of estate.buildings) {
        if (b.footprint) {
          L.polygon(b.footprint.map(([lon, lat]) => C.toMap(lat, lon)), { className: "estate-building", interactive: false }).addTo(map);
        }
      }
    }
    return map;
  }

  function point(p, className, tip) {
    return L.circleMarker(C.toMap(p.lat, p.lon), { radius: 9, className: className }).bindTooltip(G.escapeHtml(tip), {
      permanent: false,
      direction: "top",
    });
  }

  function drawRoute(answer) {
    const m = ensureMap();
    if (drawn) drawn.remove();
    drawn = L.layerGroup().addTo(m);
    const line = answer.path.map(([lon, lat]) => C.toMap(lat, lon));
    const layers = [];
    if (line.length > 1) layers.push(L.polyline(line, { className: "guide-path", weight: 6, interactive: false }));
    layers.push(point(answer.gate, "guide-gate", say("gate_tip", { name: answer.gate.name || answer.gate.ref })));
    if (answer.parking) layers.push(point(answer.parking, "guide-parking", say("parking_tip", { name: answer.parking.name || answer.parking.ref })));
    if (answer.entrance) layers.push(point(answer.entrance, "guide-entrance", say("entrance_tip", { name: answer.entrance.name || answer.entrance.ref })));
    // The buildings of the zone to follow, in its colour (its name is in the card above).
    const zone = answer.zone && estate ? estate.zones.find((z) => z.colour === answer.zone.colour) : null;
    for (const ref of zone ? zone.buildings : []) {
      const b = estate.buildings.find((x) => x.ref === ref);
      if (b && b.footprint && ref !== answer.building) {
        layers.push(
          L.polygon(b.footprint.map(([lon, lat]) => C.toMap(lat, lon)), {
            className: "zone-building",
            fillColor: answer.zone.hex,
            fillOpacity: 0.55,
            interactive: false,
          })
        );
      }
    }
    const building = estate && estate.buildings.find((b) => b.ref === answer.building);
    if (building && building.footprint) {
      layers.push(L.polygon(building.footprint.map(([lon, lat]) => C.toMap(lat, lon)), {
          className: "guide-building",
          fillColor: answer.zone ? answer.zone.hex : "#9e9e9e",
          fillOpacity: 0.95,
          interactive: false,
        }));
    }
    layers.forEach((layer) => layer.addTo(drawn));
    const bounds = L.latLngBounds(line.length ? line : [C.toMap(answer.gate.lat, answer.gate.lon)]);
    bounds.extend(C.toMap(answer.gate.lat, answer.gate.lon));
    if (answer.parking) bounds.extend(C.toMap(answer.parking.lat, answer.parking.lon));
    // The map is drawn in a box that was hidden until now: let Leaflet measure it first.
    m.invalidateSize();
    m.fitBounds(bounds, { padding: [24, 24], maxZoom: 19 });
    $("guide-map").dataset.route = "shown";
  }

  /* ---- asking ---- */

  /* The language switch leads to this page with the same question (the server wrote it for
     the address the page was opened at). */
  function keepQuestionInSwitch() {
    const link = document.getElementById("lang-switch");
    if (!link) return;
    const target = new URL(link.href, location.href);
    const params = new URLSearchParams(location.search);
    params.set("lang", target.searchParams.get("lang") || "");
    link.href = target.pathname + "?" + params.toString();
  }

  function question() {
    const by = form.querySelector("input[name=by]:checked").value;
    return { building: buildingInput.value.trim(), unit: unitInput.value.trim(), by: by };
  }

  async function find() {
    const q = question();
    G.hideError(alertBox);
    if (!q.building) {
      G.showError(alertBox, new Error(say("need_building")));
      buildingInput.focus();
      return;
    }
    request += 1;
    const mine = request;
    const url = new URL(location.href);
    url.searchParams.set("building", q.building);
    if (q.unit) url.searchParams.set("unit", q.unit);
    else url.searchParams.delete("unit");
    url.searchParams.set("by", q.by);
    window.history.replaceState(null, "", url);
    keepQuestionInSwitch();
    pageEl.dataset.state = "finding";
    $("find-button").disabled = true;
    positionNote.textContent = say("locating");
    try {
      const position = await currentPosition();
      if (mine !== request) return;
      positionNote.textContent = position ? say("position_used") : say("position_missing");
      const params = new URLSearchParams({ building: q.building, by: q.by });
      if (q.unit) params.set("unit", q.unit);
      if (position) {
        params.set("lon", position.lon.toFixed(6));
        params.set("lat", position.lat.toFixed(6));
      }
      let answer;
      let savedAt = null;
      try {
        answer = await api("/api/estates/" + estateId + "/guide?" + params.toString());
        keep(q, answer);
      } catch (err) {
        const kept = err.status === 0 ? keptAnswer(q) : null; // no signal: the last answer
        if (!kept) throw err;
        answer = kept.answer;
        savedAt = kept.at;
      }
      if (mine !== request) return;
      renderAnswer(answer, q.by, savedAt);
      pageEl.dataset.state = "found";
    } catch (err) {
      if (mine !== request) return;
      result.hidden = true;
      G.showError(alertBox, err);
      pageEl.dataset.state = "error";
    } finally {
      if (mine === request) $("find-button").disabled = false;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    find();
  });

  /* ---- start ---- */

  async function start() {
    const wanted = new URLSearchParams(location.search);
    if (wanted.get("building")) buildingInput.value = wanted.get("building");
    if (wanted.get("unit")) unitInput.value = wanted.get("unit");
    if (wanted.get("by") === "foot") form.querySelector("input[value=foot]").checked = true;
    try {
      renderEstate(await api("/api/estates/" + estateId));
      pageEl.dataset.state = "ready";
    } catch (err) {
      if (err.status === 404) G.showError(alertBox, new Error(say("estate_missing")));
      else G.showError(alertBox, err);
      pageEl.dataset.state = "error";
      return;
    }
    if (buildingInput.value) find();
  }

  start();
})();

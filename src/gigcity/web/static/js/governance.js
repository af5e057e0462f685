/* The governance hub (/governance), shared part: the page's strings and labels, the tabs,
   the maps (drawn through coords.js), a place-name search, files fetched behind the bearer
   token, and how trends and percentages are written. Each tab is its own module
   (governance-imports, -complaints, -rules, -hotspots, -measures), registered here and
   started by governance-start.js once the account is known. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("gov-strings");
  const cfg = JSON.parse($("gov-config").textContent);
  const messages = G.messages($("alert"), $("notice"));
  const modules = [];
  const PLACE_SEARCH_LIMIT = 8;

  const gov = {
    $: $,
    say: say,
    cfg: cfg,
    messages: messages,
    me: null,
    isAdmin: false,
    /* A module: {name, start(), shown()}; `shown` runs each time its tab is opened. */
    register(module) {
      modules.push(module);
    },
    modules: modules,
  };

  /* ---- labels ---- */

  gov.subdistrictName = (code) => (code ? cfg.subdistricts[code] || code : "");
  gov.topicName = (code) => (code ? cfg.topics[code] || code : "");
  gov.kindName = (code) => cfg.kinds[code] || code;

  /* A relative change (-0.85) as "−85 %" in the reader's language. */
  gov.percent = function (value) {
    return new Intl.NumberFormat(G.config.htmlLang, { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" }).format(value);
  };

  /* A month-on-month trend: {arrow, text, cls}; null when there is nothing to compare. */
  gov.trend = function (value) {
    if (value === null || value === undefined) return { arrow: "", text: say("trend_none"), cls: "flat" };
    if (Math.abs(value) < 0.005) return { arrow: "→", text: say("trend_flat"), cls: "flat" };
    const arrow = value > 0 ? "↑" : "↓";
    const size = new Intl.NumberFormat(G.config.htmlLang, { style: "percent", maximumFractionDigits: 0 }).format(Math.abs(value));
    return { arrow: arrow, text: arrow + " " + size, cls: value > 0 ? "up" : "down" };
  };

  gov.dateTime = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });

  /* The query string of `params`, without the empty ones. */
  gov.query = function (params) {
    const q = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== "" && value !== null && value !== undefined && value !== false) q.set(name, String(value));
    }
    const text = q.toString();
    return text ? "?" + text : "";
  };

  /* ---- the tabs (the hash keeps the open one: #rules, #hotspots, #measures) ---- */

  function openTab(name, focus) {
    const tabs = document.querySelectorAll(".gov-tabs [role=tab]");
    let found = false;
    tabs.forEach(function (tab) {
      const on = tab.dataset.tab === name;
      found = found || on;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      $("panel-" + tab.dataset.tab).hidden = !on;
      if (on && focus) tab.focus();
    });
    if (!found) return openTab("complaints", focus);
    const module = modules.find((m) => m.name === name);
    if (module && module.shown) module.shown();
  }
  gov.openTab = openTab;

  document.querySelectorAll(".gov-tabs [role=tab]").forEach(function (tab, index, all) {
    tab.addEventListener("click", function () {
      history.replaceState(null, "", "#" + tab.dataset.tab);
      openTab(tab.dataset.tab, false);
    });
    tab.addEventListener("keydown", function (event) {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = all[(index + step + all.length) % all.length];
      history.replaceState(null, "", "#" + next.dataset.tab);
      openTab(next.dataset.tab, true);
    });
  });

  /* ---- maps ---- */

  /* A Leaflet map over the district in `element` (works without tiles); `onPick(point)`
     gets the WGS-84 {lat, lon} of a tap. Null when Leaflet did not load. */
  gov.makeMap = function (element, onPick) {
    if (!window.L) {
      element.dataset.state = "ready";
      return null;
    }
    const [minLon, minLat, maxLon, maxLat] = G.config.bbox;
    const map = L.map(element, { minZoom: 10, maxZoom: 19 });
    map.attributionControl.setPrefix(false);
    map.fitBounds(L.latLngBounds(G.coords.toMap(minLat, minLon), G.coords.toMap(maxLat, maxLon)));
    G.coords.addTiles(map);
    if (onPick) map.on("click", (event) => onPick(G.coords.fromMap(event.latlng)));
    element.dataset.state = "ready";
    return map;
  };

  /* A marker for a chosen point on `map`, moved on each call; returns the marker. */
  gov.pin = function (map, marker, point) {
    if (!map) return null;
    const at = G.coords.toMap(point.lat, point.lon);
    if (marker) marker.setLatLng(at);
    else marker = L.circleMarker(at, { radius: 9, className: "gov-pin" }).addTo(map);
    map.setView(at, Math.max(map.getZoom(), 15));
    return marker;
  };

  /* A Leaflet map in a panel that was hidden when it was made needs its size read again. */
  gov.refit = function (map) {
    if (map) setTimeout(() => map.invalidateSize(), 0);
  };

  gov.pointText = (p) => say("point", { lat: p.lat.toFixed(5), lon: p.lon.toFixed(5) });

  /* ---- places by name (for placing a complaint and for a measure) ---- */

  /* Fill `list` with the places matching `q`; `choose(place)` is called on a tap. */
  gov.findPlaces = async function (q, list, choose) {
    list.replaceChildren();
    if (!q.trim()) return;
    let places;
    try {
      places = await api("/api/places/search" + gov.query({ q: q.trim(), limit: PLACE_SEARCH_LIMIT }));
    } catch (err) {
      return messages.fail(err);
    }
    if (!places.length) {
      list.append(h("li", { class: "note", text: say("no_place_found") }));
      return;
    }
    for (const place of places) {
      list.append(
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "pick",
              dataset: { place: place.id },
              onclick: function () {
                list.querySelectorAll(".pick").forEach((b) => b.setAttribute("aria-pressed", "false"));
                this.setAttribute("aria-pressed", "true");
                choose(place);
              },
              "aria-pressed": "false",
            },
            h("strong", { text: place.name }),
            " ",
            h("span", { class: "note", text: [G.kindLabel(place.kind), place.subdistrict_name || gov.subdistrictName(place.subdistrict)].filter(Boolean).join(" · ") })
          )
        )
      );
    }
  };

  /* ---- files behind the bearer token ---- */

  /* A file (CSV, PDF) fetched with the token and saved under the server's name. */
  gov.download = G.downloadFile;

  /* An SVG chart as a data: URL for an <img> (the pages' CSP allows data: images; the
     chart cannot be asked by <img> itself, which would not carry the token). */
  gov.svgDataUrl = async function (path) {
    const response = await G.fetchAuthed(path);
    const text = await response.text();
    const bytes = new TextEncoder().encode(text);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return "data:image/svg+xml;base64," + btoa(binary);
  };

  G.gov = gov;
})();

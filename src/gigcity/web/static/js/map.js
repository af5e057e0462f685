/* The friendly map: sub-district backdrop, markers of the points in view, amenity and kind
   filters, text search, "nearest open now", the details card with navigation links, and
   "route here": an e-bike route on the street network with its ETA broken down.
   The map draws compact markers (/api/places/markers: id, position, kind, open now); a point's
   full details are fetched only when its card (or its name in a tooltip) is wanted.
   Readable in the sun on a phone: markers cluster at low zoom (Leaflet.markercluster, served
   from static/vendor), each kind has an icon as well as a colour, a closed point is grey and
   struck through with a "closed" tag, and every marker is a 44 px tap target.
   The tiles are the configured ones (GIGCITY_MAP_TILES); on GCJ-02 tiles (Amap) everything
   drawn is shifted to GCJ-02 and positions read from the map go back to WGS-84 (coords.js). */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, t, h, api } = G;
  // Positions from the API are WGS-84; the tiles may be GCJ-02 (Amap): every point drawn goes
  // through C.toMap, every position read from the map through C.fromMap (static/js/coords.js).
  const C = G.coords;
  const say = G.pageStrings("map-strings");
  const MARKER_LIMIT = 1500; // whole district of the demo (1,000 points) in one answer
  const DETAILS_MAX_AGE_MS = 60000; // open now and free beds change: refetch after a minute
  const TOOLTIP_DELAY_MS = 200; // a pointer passing over markers fetches no names
  const KEEPER_ROLES = ["admin", "staff", "officer"];
  const TAP_PX = 44; // a marker's tap target, whatever the size of its drawn pin
  const CLUSTER_UNTIL_ZOOM = 16; // from this zoom on every point stands alone

  const mapEl = document.getElementById("map");
  const statusEl = document.getElementById("map-status");
  const cardEl = document.getElementById("card");
  const resultsEl = document.getElementById("results");
  const resultsTitle = document.getElementById("results-title");
  const resultsNote = document.getElementById("results-note");
  const resultsList = document.getElementById("results-list");
  const kindSelect = document.getElementById("kind-select");
  const chips = Array.from(document.querySelectorAll("#amenity-chips .chip"));

  /* ---- the map and its backdrop ---- */

  const [minLon, minLat, maxLon, maxLat] = config.bbox;
  const districtBounds = L.latLngBounds(C.toMap(minLat, minLon), C.toMap(maxLat, maxLon));
  const map = L.map(mapEl, { minZoom: 10, maxZoom: 19, maxBounds: districtBounds.pad(1.5), zoomControl: false });
  L.control.zoom({ position: "topright" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.fitBounds(districtBounds);
  G.map = map; // for the console (and the browser tests)

  C.addTiles(map); // the configured tiles (GIGCITY_MAP_TILES) with their credit

  // The sub-district partition is drawn under the markers, so the map reads even without tiles.
  map.createPane("backdrop");
  map.getPane("backdrop").style.zIndex = 350;
  map.getPane("backdrop").style.pointerEvents = "none";
  // Sub-district names sit above the markers (for orientation) but let clicks through.
  map.createPane("labels");
  map.getPane("labels").style.zIndex = 450;
  map.getPane("labels").style.pointerEvents = "none";

  async function drawBackdrop() {
    try {
      const [shapes, district] = await Promise.all([
        api("/api/district/subdistricts.geojson"),
        api("/api/district"),
      ]);
      L.geoJSON(shapes, {
        pane: "backdrop",
        interactive: false,
        coordsToLatLng: (c) => L.latLng(C.toMap(c[1], c[0])),
        style: (feature) => ({ className: "subdistrict subdistrict-" + feature.properties.kind }),
      }).addTo(map);
      for (const sub of district.subdistricts) {
        L.tooltip({ permanent: true, direction: "center", className: "subdistrict-label", pane: "labels" })
          .setLatLng(C.toMap(sub.lat, sub.lon))
          .setContent(G.escapeHtml(config.locale === "zh_CN" ? sub.name : sub.pinyin))
          .addTo(map);
      }
    } catch (err) {
      showStatus(err.detail || String(err));
    }
  }

  function showStatus(text) {
    statusEl.textContent = text || "";
    statusEl.hidden = !text;
  }

  /* ---- filters ---- */

  function selectedAmenities() {
    return chips.filter((c) => c.getAttribute("aria-pressed") === "true").map((c) => c.dataset.amenity);
  }

  function filterParams(params) {
    for (const code of selectedAmenities()) params.append("amenity", code);
    if (kindSelect.value) params.append("kind", kindSelect.value);
    return params;
  }

  for (const chip of chips) {
    chip.addEventListener("click", function () {
      const pressed = chip.getAttribute("aria-pressed") === "true";
      chip.setAttribute("aria-pressed", pressed ? "false" : "true");
      loadMarkers();
    });
  }
  kindSelect.addEventListener("change", loadMarkers);

  /* ---- markers of the points in view ---- */

  const markerLayer = L.markerClusterGroup({
    maxClusterRadius: 56,
    disableClusteringAtZoom: CLUSTER_UNTIL_ZOOM,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: false,
    iconCreateFunction: clusterIcon,
  }).addTo(map);

  /* A cluster: how many points it holds, in a circle the size of a thumb. */
  function clusterIcon(cluster) {
    const n = cluster.getChildCount();
    const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    return L.divIcon({
      html: '<span role="img" title="' + G.escapeHtml(say("cluster_label", { n: n })) + '" aria-label="' +
        G.escapeHtml(say("cluster_label", { n: n })) + '">' + n + "</span>",
      className: "place-cluster place-cluster-" + size,
      iconSize: L.point(TAP_PX, TAP_PX),
    });
  }

  const markers = new Map(); // place id -> {marker, place: {id, lon, lat, kind, open_now}}
  G.mapMarkers = markers; // for the console (and the browser tests)
  const details = new Map(); // place id -> {at, promise of the full place}
  const names = new Map(); // place id -> name, from any full place seen
  let selectedId = null;
  let cardRequest = 0; // details that arrive after another choice are dropped
  let userPosition = null; // {lat, lon, located}
  let loadController = null;

  function remember(place) {
    names.set(place.id, place.name);
    return place;
  }

  /* A point's full details (name, hours, amenities, navigation links), fetched once a minute
     at most: hovering and then clicking a marker asks the server once. */
  function placeDetails(id) {
    const cached = details.get(id);
    if (cached && Date.now() - cached.at < DETAILS_MAX_AGE_MS) return cached.promise;
    const promise = api("/api/places/" + id).then(remember);
    promise.catch(() => details.delete(id));
    details.set(id, { at: Date.now(), promise: promise });
    return promise;
  }

  function markerOf(row) {
    return { id: row[0], lon: row[1], lat: row[2], kind: row[3], open_now: row[4] };
  }

  function markerClass(place) {
    let name = "place-marker kind-" + place.kind;
    if (place.open_now === false) name += " is-closed";
    if (place.id === selectedId) name += " is-selected";
    return name;
  }

  /* The pin of a kind (its colour and icon), as HTML for markers or an element for lists;
     a closed point's pin is grey, struck through and tagged "closed". */
  function pinHtml(kind, closed) {
    return (
      '<span class="pin kind-' + G.escapeHtml(kind) + (closed ? " is-closed" : "") + '">' +
      '<svg class="kind-icon" aria-hidden="true"><use href="#icon-' + G.escapeHtml(kind) + '"></use></svg>' +
      (closed ? '<span class="closed-tag">' + G.escapeHtml(say("closed_tag")) + "</span>" : "") +
      "</span>"
    );
  }

  function pinElement(kind, closed) {
    const holder = document.createElement("span");
    holder.innerHTML = pinHtml(kind, closed);
    return holder.firstChild;
  }

  function markerIcon(place) {
    return L.divIcon({
      html: pinHtml(place.kind, place.open_now === false),
      className: markerClass(place),
      iconSize: L.point(TAP_PX, TAP_PX),
    });
  }

  /* The marker's element carries its point's id (the element is replaced with its icon). */
  function tagMarker(entry) {
    const el = entry.marker.getElement();
    if (!el) return;
    el.dataset.placeId = String(entry.place.id);
    el.dataset.kind = entry.place.kind;
  }

  function styleMarker(entry) {
    const want = markerClass(entry.place);
    if (entry.drawnAs !== want) {
      entry.drawnAs = want;
      entry.marker.setIcon(markerIcon(entry.place));
      tagMarker(entry);
    }
    entry.marker.setZIndexOffset(entry.place.id === selectedId ? 1000 : 0);
  }

  function addMarker(place) {
    const marker = L.marker(C.toMap(place.lat, place.lon), {
      icon: markerIcon(place),
      keyboard: true,
      bubblingMouseEvents: false,
    });
    // The name once known, the kind until then.
    marker.bindTooltip(() => G.escapeHtml(names.get(place.id) || G.kindLabel(markers.get(place.id).place.kind)), {
      direction: "top",
      offset: [0, -6],
    });
    marker.on("tooltipopen", function () {
      if (names.has(place.id)) return;
      setTimeout(function () {
        if (!marker.isTooltipOpen()) return;
        placeDetails(place.id)
          .then(() => marker.isTooltipOpen() && marker.getTooltip().update())
          .catch(() => {});
      }, TOOLTIP_DELAY_MS);
    });
    marker.on("click", () => openPlace(place.id));
    const entry = { marker: marker, place: place, drawnAs: markerClass(place) };
    marker.on("add", () => tagMarker(entry));
    markers.set(place.id, entry);
    return entry;
  }

  function renderMarkers(places) {
    const seen = new Set();
    const added = [];
    for (const place of places) {
      seen.add(place.id);
      const entry = markers.get(place.id);
      if (entry) {
        entry.place = place;
        styleMarker(entry);
      } else {
        added.push(addMarker(place).marker);
      }
    }
    const gone = [];
    for (const [id, entry] of markers) {
      if (!seen.has(id)) {
        gone.push(entry.marker);
        markers.delete(id);
      }
    }
    // In batches: the cluster group re-clusters once, not once per point.
    if (gone.length) markerLayer.removeLayers(gone);
    if (added.length) markerLayer.addLayers(added);
    mapEl.dataset.markers = String(markers.size);
  }

  async function loadMarkers() {
    if (loadController) loadController.abort();
    loadController = new AbortController();
    const bbox = C.bboxFromMap(map.getBounds()).map((n) => n.toFixed(6)); // WGS-84 for the API
    const params = filterParams(new URLSearchParams({ bbox: bbox.join(","), limit: String(MARKER_LIMIT) }));
    mapEl.dataset.state = "loading";
    try {
      const answer = await api("/api/places/markers?" + params.toString(), { signal: loadController.signal });
      renderMarkers(answer.markers.map(markerOf));
      showStatus(
        answer.truncated
          ? t("too_many", { n: answer.markers.length, total: answer.total })
          : answer.markers.length === 0
            ? t("no_results")
            : ""
      );
      mapEl.dataset.state = "ready";
    } catch (err) {
      if (err.name === "AbortError") return;
      showStatus(err.detail || String(err));
      mapEl.dataset.state = "error";
    }
  }

  let moveTimer = null;
  map.on("moveend", function () {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(loadMarkers, 150);
  });

  /* ---- the details card ---- */

  function distanceTo(place) {
    if (place.distance_m !== null && place.distance_m !== undefined) return place.distance_m;
    if (!userPosition) return null;
    return G.haversine(userPosition.lat, userPosition.lon, place.lat, place.lon);
  }

  function openBadge(place) {
    if (place.open_now === true) return h("span", { class: "badge badge-open", text: t("open_now") });
    if (place.open_now === false) return h("span", { class: "badge badge-closed", text: t("closed_now") });
    return h("span", { class: "badge", text: t("hours_unknown") });
  }

  /* "Closes today at 21:00" / "Opens tomorrow at 07:00" from the point's next_change_at
     (district local time, as the API gives it); null when it does not change soon. */
  function changeLine(place) {
    const iso = place.next_change_at;
    if (!iso || place.open_now === null || place.open_now === undefined) return null;
    const day = iso.slice(0, 10);
    let time = iso.slice(11, 16);
    const today = localDate(0);
    const tomorrow = localDate(1);
    const verb = place.open_now ? "closes" : "opens";
    let when = day === today ? "today" : day === tomorrow ? "tomorrow" : "on";
    if (place.open_now && time === "00:00" && day === tomorrow) {
      when = "today"; // closes at midnight: tonight at 24:00, not "tomorrow at 00:00"
      time = "24:00";
    }
    const weekday = (new Date(day + "T12:00:00Z").getUTCDay() + 6) % 7; // Monday first
    return say(verb + "_" + when, { time: time, day: t("weekdays")[weekday] });
  }

  /* The district's calendar date `days` from now, YYYY-MM-DD. */
  function localDate(days) {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(new Date());
    const d = new Date(parts + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function fact(label, ...value) {
    return [h("dt", { text: label }), h("dd", {}, ...value)];
  }

  function renderCard(place, fromResults) {
    const nav = place.navigation;
    const closed = G.closedToday(place.hours);
    const distance = distanceTo(place);
    const facts = [];
    // Hours beyond the weekly form (OSM rules) read as the next days' times; a holiday in
    // the next days is named under the usual week.
    const days = place.days_ahead || [];
    const hourLines =
      place.hours && place.hours.osm && days.length
        ? G.formatDays(days)
        : G.formatHours(place.hours).concat(G.formatDays(days.filter((d) => d.holiday)));
    facts.push(fact(t("label_hours"), ...hourLines.map((line) => h("div", { text: line }))));
    if (distance !== null) facts.push(fact(t("label_distance"), G.formatDistance(distance)));
    const amenities = G.amenityLines(place.amenities);
    if (amenities.length) {
      facts.push(
        fact(t("label_amenities"), h("ul", { class: "amenity-list" }, amenities.map((a) => h("li", { text: a }))))
      );
    }
    if (place.contact) facts.push(fact(t("label_contact"), h("a", { href: "tel:" + place.contact, text: place.contact })));
    if (place.address) facts.push(fact(t("label_address"), place.address));
    if (place.subdistrict_name) facts.push(fact(t("label_subdistrict"), place.subdistrict_name));
    if (place.operator) facts.push(fact(t("label_operator"), place.operator));
    if (place.capacity) facts.push(fact(t("label_capacity"), t("capacity_people", { n: place.capacity })));
    if (place.notes) facts.push(fact(t("label_notes"), place.notes));

    const keeper = KEEPER_ROLES.includes(G.auth.role());
    cardEl.replaceChildren(
      h(
        "header",
        { class: "sheet-head" },
        h(
          "div",
          { class: "card-title" },
          pinElement(place.kind, place.open_now === false),
          h("div", {}, h("h2", { id: "card-name", text: place.name }), h("p", { class: "kind", text: G.kindLabel(place.kind) }))
        ),
        h("button", { type: "button", class: "icon-button", "aria-label": t("close"), text: "×", onclick: closeCard })
      ),
      h(
        "p",
        { class: "status-line" },
        openBadge(place),
        changeLine(place) ? h("span", { id: "card-change", class: "badge badge-change", text: changeLine(place) }) : null,
        closed
          ? h("span", { class: "badge badge-closed", text: closed.note ? t("closed_today_note", { note: closed.note }) : t("closed_today") })
          : null
      ),
      h("a", {
        class: "btn btn-nav amap-ride",
        href: nav.amap_ride,
        target: "_blank",
        rel: "noopener",
        text: t("navigate_ride"),
      }),
      h(
        "p",
        { class: "nav-links" },
        h("a", { class: "amap-walk", href: nav.amap_walk, target: "_blank", rel: "noopener", text: t("navigate_walk") }),
        h("a", { class: "baidu-link", href: nav.baidu, target: "_blank", rel: "noopener", text: say("navigate_baidu") }),
        h("a", { class: "tencent-link", href: nav.tencent, target: "_blank", rel: "noopener", text: say("navigate_tencent") }),
        h("a", { class: "geo-link", href: nav.geo, text: t("open_geo") }),
        h("a", { class: "osm-link", href: nav.osm, target: "_blank", rel: "noopener", text: t("open_osm") })
      ),
      h("button", {
        type: "button",
        id: "route-here",
        class: "btn btn-small btn-route",
        text: t("route_here"),
        onclick: () => routeTo(place),
      }),
      h("section", { id: "route-info", class: "route-info", "aria-live": "polite", hidden: true }),
      h("dl", { class: "facts" }, facts.flat()),
      h("section", { id: "card-offers", class: "card-offers", hidden: true }),
      h("section", { id: "card-team", class: "card-offers", hidden: true }),
      h(
        "p",
        { class: "card-foot" },
        fromResults && !resultsList.hidden && resultsList.children.length
          ? h("button", { type: "button", class: "btn btn-small", text: t("back_to_list"), onclick: backToResults })
          : null,
        keeper ? h("a", { class: "btn btn-small", href: "/manage?place=" + place.id, text: t("edit_place") }) : null
      )
    );
    cardEl.dataset.placeId = String(place.id);
    delete cardEl.dataset.estateId;
    cardEl.dataset.state = "ready";
    cardEl.hidden = false;
    placeAttribution();
    markCheckinPoint();
    showOffers(place.id);
    if (TEAM_KINDS.includes(place.kind)) showTeam(place.id);
  }

  /* The point's rider meals and free-water fridges (services.care), under its facts once
     they arrive; nothing is shown where there are none, or when they cannot be had. */
  async function showOffers(placeId) {
    let offers;
    try {
      offers = (await api("/api/care/places/" + placeId + "/offers")).filter((o) => o.active);
    } catch (err) {
      return; // the card is whole without them
    }
    const section = document.getElementById("card-offers");
    if (!section || cardEl.dataset.placeId !== String(placeId) || !offers.length) return;
    section.replaceChildren(
      h("h3", { text: say("offers_title") }),
      h(
        "ul",
        { class: "offer-list" },
        offers.map((o) =>
          h(
            "li",
            { class: "offer", "data-offer": String(o.id) },
            h("strong", { text: o.name }),
            " · ",
            h("span", { class: "price", text: o.price_fen > 0 ? say("offer_price", { yuan: G.formatYuan(o.price_fen) }) : say("offer_free") }),
            " ",
            h("span", { class: o.open_now ? "badge badge-open" : "badge badge-closed", text: o.open_now ? t("open_now") : t("closed_now") }),
            h("div", { class: "note", text: say("offer_hours", { hours: o.hours }) })
          )
        )
      )
    );
    section.hidden = false;
  }

  /* ---- organisation: a station's 1+1+N on its card, the check-in points ---- */

  const TEAM_KINDS = ["rider_station", "driver_home", "truck_driver_station"];
  const checkinPoints = new Map(); // place id -> its sub-district's check-in point

  function teamRole(m) {
    return m.position === "sector" ? say("sector_kind_" + m.sector_kind) : say("position_" + m.position);
  }

  /* The station's roster (names, roles, duty hours; phones only to the signed in: the API
     leaves them out for anyone else), fetched when its card opens, never with the map. */
  async function showTeam(placeId) {
    let plan;
    try {
      plan = await api("/api/organisation/stations/" + placeId + "/team");
    } catch (err) {
      return; // the card is whole without it
    }
    const section = document.getElementById("card-team");
    if (!section || cardEl.dataset.placeId !== String(placeId) || !plan.team.length) return;
    section.replaceChildren(
      h("h3", { text: say("team_title") }),
      h(
        "ul",
        { class: "offer-list" },
        plan.team.map((m) =>
          h(
            "li",
            { class: "team-member", "data-position": m.position },
            h("strong", { text: teamRole(m) }),
            " · ",
            h("span", { text: m.name }),
            m.phone ? [" · ", h("a", { href: "tel:" + m.phone, text: m.phone })] : null,
            m.duty_hours ? h("div", { class: "note", text: say("team_hours", { hours: m.duty_hours }) }) : null
          )
        )
      )
    );
    section.hidden = false;
  }

  /* The open card of a check-in point's place says so (whichever arrives last: the card
     or the points). */
  function markCheckinPoint() {
    const line = cardEl.querySelector(".status-line");
    if (!line || !checkinPoints.has(Number(cardEl.dataset.placeId)) || document.getElementById("card-checkin")) return;
    line.append(h("span", { id: "card-checkin", class: "badge badge-change", text: say("checkin_badge") }));
  }

  /* The sub-districts' check-in points (a handful): a "check-in point" badge above their
     pins, asked for once the markers are drawn so the map's first paint does not wait. */
  const checkinLayer = L.layerGroup().addTo(map);

  async function loadCheckinPoints() {
    let points;
    try {
      points = await api("/api/organisation/checkin-points");
    } catch (err) {
      return; // the map works without them
    }
    const html = '<span class="badge badge-change">' + G.escapeHtml(say("checkin_badge")) + "</span>";
    for (const point of points) {
      checkinPoints.set(point.place_id, point);
      const marker = L.marker(C.toMap(point.lat, point.lon), {
        icon: L.divIcon({ html: html, className: "checkin-marker", iconSize: L.point(TAP_PX, TAP_PX), iconAnchor: L.point(TAP_PX / 2, TAP_PX + TAP_PX / 2) }),
        keyboard: false,
        bubblingMouseEvents: false,
        zIndexOffset: 600,
      });
      marker.bindTooltip(G.escapeHtml(point.place_name), { direction: "top", offset: [0, -6] });
      marker.on("click", () => openPlace(point.place_id));
      marker.on("add", function () {
        const el = marker.getElement();
        if (el) el.dataset.checkinPoint = String(point.place_id);
      });
      marker.addTo(checkinLayer);
    }
    markCheckinPoint();
    mapEl.dataset.checkinPoints = String(points.length);
  }

  function restyleAll() {
    for (const entry of markers.values()) styleMarker(entry);
  }

  /* The part of the map a sheet covers: the bottom on phones, the left on wide screens. */
  function coveredBy(sheet) {
    if (sheet.hidden) return { bottom: 0, left: 0 };
    const wide = window.matchMedia("(min-width: 900px)").matches;
    return wide ? { bottom: 0, left: sheet.offsetWidth + 12 } : { bottom: sheet.offsetHeight, left: 0 };
  }

  /* Centre `latlng` in the part of the map the open sheet leaves visible. */
  function focusOn(latlng, zoom, sheet) {
    const covered = coveredBy(sheet);
    const point = map.project(latlng, zoom).add([-covered.left / 2, covered.bottom / 2]);
    map.setView(map.unproject(point, zoom), zoom);
  }

  function fitVisible(bounds, sheet) {
    const covered = coveredBy(sheet);
    map.fitBounds(bounds, {
      paddingTopLeft: [covered.left + 20, 20],
      paddingBottomRight: [20, covered.bottom + 20],
      maxZoom: 17,
    });
  }

  /* A marker was chosen: mark it at once, show its card when its details arrive. */
  async function openPlace(id) {
    clearRoute();
    cardRequest += 1;
    const request = cardRequest;
    selectedId = id;
    restyleAll();
    cardEl.dataset.state = "loading";
    try {
      const place = await placeDetails(id);
      if (request !== cardRequest) return;
      const entry = markers.get(id);
      if (entry) entry.place.open_now = place.open_now; // the card and its marker agree
      selectPlace(place, { pan: false });
    } catch (err) {
      if (request !== cardRequest) return;
      cardEl.dataset.state = "error";
      selectedId = null;
      restyleAll();
      showStatus(err.detail || String(err));
    }
  }

  function selectPlace(place, options) {
    clearRoute();
    cardRequest += 1;
    remember(place);
    selectedId = place.id;
    restyleAll();
    resultsEl.hidden = true;
    renderCard(place, options && options.fromResults);
    if (options && options.pan) focusOn(L.latLng(C.toMap(place.lat, place.lon)), Math.max(map.getZoom(), 16), cardEl);
  }

  function closeCard() {
    clearRoute();
    cardRequest += 1;
    cardEl.hidden = true;
    selectedId = null;
    restyleAll();
    placeAttribution();
  }

  function backToResults() {
    cardEl.hidden = true;
    resultsEl.hidden = false;
    placeAttribution();
  }

  /* The map's credits (tiles, street data) stay readable: on a phone, above whichever sheet
     covers the bottom of the map, never over it. */
  const attributionCorner = map.attributionControl.getContainer().parentElement;
  function placeAttribution() {
    const phone = !window.matchMedia("(min-width: 900px)").matches;
    const sheet = [cardEl, resultsEl].find((el) => !el.hidden);
    const lift = phone && sheet ? Math.ceil(sheet.getBoundingClientRect().height) : 0;
    attributionCorner.style.bottom = lift + "px";
  }
  if (window.ResizeObserver) {
    const watcher = new ResizeObserver(placeAttribution);
    watcher.observe(cardEl);
    watcher.observe(resultsEl);
  }
  window.addEventListener("resize", placeAttribution);

  /* ---- result lists: search and nearest ---- */

  function showResults(title, places, note) {
    places.forEach(remember);
    resultsTitle.textContent = title;
    resultsNote.textContent = note || (places.length ? "" : t("no_results"));
    resultsList.replaceChildren(
      ...places.map(function (place) {
        const distance = distanceTo(place);
        return h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "place-row",
              dataset: { placeId: String(place.id) },
              onclick: () => selectPlace(place, { pan: true, fromResults: true }),
            },
            pinElement(place.kind, place.open_now === false),
            h(
              "span",
              { class: "row-main" },
              h("strong", { text: place.name }),
              h("small", {
                class: "row-where",
                text: [G.kindLabel(place.kind), place.subdistrict_name].filter(Boolean).join(" · "),
              })
            ),
            h("span", { class: "row-side" }, distance !== null ? G.formatDistance(distance) : "", openBadge(place))
          )
        );
      })
    );
    cardEl.hidden = true;
    resultsEl.hidden = false;
    placeAttribution();
  }

  document.getElementById("search-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const q = document.getElementById("search-input").value.trim();
    if (!q) return;
    // Distances from the rider when located already, else from the map centre (said so).
    const from = userPosition && userPosition.located ? userPosition : null;
    const near = from || C.fromMap(map.getCenter());
    const params = new URLSearchParams({ q: q, limit: "30", lat: near.lat.toFixed(6), lon: near.lon.toFixed(6) });
    try {
      const places = await api("/api/places/search?" + params.toString());
      showResults(t("search_results", { q: q }), places, places.length && !from ? say("distance_from_centre") : "");
    } catch (err) {
      showResults(t("search_results", { q: q }), [], err.detail || String(err));
    }
  });

  function currentPosition() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        (pos) => resolve({ lat: pos.coords.latitude, lon: pos.coords.longitude, located: true }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
      );
    });
  }

  let hereMarker = null;

  /* The rider's position, or else the map centre ({located: false}); marked on the map. */
  async function positionOrCentre() {
    let position = await currentPosition();
    if (!position) {
      position = Object.assign(C.fromMap(map.getCenter()), { located: false });
    }
    userPosition = position;
    if (hereMarker) hereMarker.remove();
    hereMarker = L.circleMarker(C.toMap(position.lat, position.lon), { radius: 9, className: "you-are-here", interactive: false })
      .bindTooltip(G.escapeHtml(position.located ? t("you_are_here") : t("map_centre")), { permanent: true, direction: "right" })
      .addTo(map);
    return position;
  }

  const nearestButton = document.getElementById("nearest-button");
  nearestButton.addEventListener("click", async function () {
    nearestButton.disabled = true;
    showStatus(t("locating"));
    const position = await positionOrCentre();
    const note = position.located ? "" : t("position_fallback");
    const params = filterParams(
      new URLSearchParams({ lat: position.lat.toFixed(6), lon: position.lon.toFixed(6), open_now: "true", k: "10" })
    );
    try {
      const places = await api("/api/places/nearby?" + params.toString());
      showStatus("");
      showResults(t("nearest_results"), places, places.length ? note : t("nearest_none"));
      if (places.length) {
        const bounds = L.latLngBounds([C.toMap(position.lat, position.lon)]);
        for (const p of places.slice(0, 5)) bounds.extend(C.toMap(p.lat, p.lon));
        fitVisible(bounds, resultsEl);
      }
    } catch (err) {
      showStatus(err.detail || String(err));
    } finally {
      nearestButton.disabled = false;
    }
  });

  /* ---- route here: street route from the rider (or the map centre) to the chosen point ---- */

  let routeLine = null;
  let routeRequest = 0; // answers to an older request are dropped
  const attributions = new Set();

  function clearRoute() {
    routeRequest += 1;
    if (routeLine) routeLine.remove();
    routeLine = null;
    mapEl.dataset.route = "";
  }

  function formatDuration(seconds) {
    if (seconds < 90) return t("duration_s", { s: Math.round(seconds) });
    return t("duration_min", { min: Math.round(seconds / 60) });
  }

  function formatClock(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, { timeZone: config.timezone, timeStyle: "short" }).format(
      new Date(iso)
    );
  }

  function routeLines(answer, note) {
    const b = answer.breakdown;
    const detour =
      b.closures.length || b.closure_extra_s > 0
        ? t("route_closures", { duration: formatDuration(b.closure_extra_s), distance: G.formatDistance(b.closure_extra_m) })
        : t("route_no_closures");
    return [
      h("p", { id: "route-eta", class: "route-eta", text: t("route_eta", { duration: formatDuration(answer.eta_s), distance: G.formatDistance(answer.distance_m) }) }),
      h("p", { class: "route-arrive", text: t("route_arrive", { time: formatClock(answer.arrive_at) }) }),
      h(
        "ul",
        { class: "route-breakdown" },
        h("li", { class: "route-riding", text: t("route_riding", { duration: formatDuration(b.moving_s) }) }),
        h("li", { class: "route-signals", text: t("route_signals", { n: b.signals_passed, duration: formatDuration(b.signal_wait_s) }) }),
        b.signals_exact > 0 ? h("li", { class: "route-live", text: t("route_signals_live", { exact: b.signals_exact }) }) : null,
        h("li", { class: "route-closures", text: detour })
      ),
      note ? h("p", { class: "note", text: note }) : null,
      h("p", { class: "route-attribution", text: answer.attribution }),
    ];
  }

  /* No street network covers the trip: the estimate, labelled as one, and the apps' links. */
  function estimateLines(answer, note) {
    const links = answer.navigation;
    return [
      h("p", { id: "route-eta", class: "route-eta route-estimate", text: say("estimate_title", { min: answer.minutes, distance: G.formatDistance(answer.distance_m) }) }),
      h("p", { class: "route-estimate-note", text: answer.note }),
      h("p", { class: "route-arrive", text: say("estimate_arrive", { time: formatClock(answer.arrive_at) }) }),
      note ? h("p", { class: "note", text: note }) : null,
      h("p", { class: "note", text: say("estimate_open_app") }),
      h("a", { class: "btn btn-nav estimate-amap", href: links.amap, target: "_blank", rel: "noopener", text: say("estimate_amap") }),
      h(
        "p",
        { class: "nav-links" },
        h("a", { class: "estimate-baidu", href: links.baidu, target: "_blank", rel: "noopener", text: say("navigate_baidu") }),
        h("a", { class: "estimate-tencent", href: links.tencent, target: "_blank", rel: "noopener", text: say("navigate_tencent") })
      ),
    ];
  }

  /* The street data's licence in the map's attribution: a short link to the licence page
     (the card shows the answer's full attribution next to the route). */
  function showLicence(attribution) {
    if (attributions.has(attribution)) return;
    attributions.add(attribution);
    const url = (attribution.match(/https:\/\/[^\s)]+/) || [null])[0];
    const link = url
      ? '<a href="' + G.escapeHtml(url) + '" target="_blank" rel="noopener" title="' + G.escapeHtml(attribution) + '">' +
        G.escapeHtml(t("street_data_licence")) + "</a>"
      : G.escapeHtml(attribution);
    map.attributionControl.addAttribution(link);
  }

  async function routeTo(place) {
    clearRoute();
    const request = routeRequest;
    const button = document.getElementById("route-here");
    const info = document.getElementById("route-info");
    button.disabled = true;
    info.replaceChildren(h("p", { class: "note", text: t("route_finding") }));
    info.hidden = false;
    try {
      const position = await positionOrCentre();
      const params = new URLSearchParams({
        from: position.lon.toFixed(6) + "," + position.lat.toFixed(6),
        to: place.lon.toFixed(6) + "," + place.lat.toFixed(6),
        name: place.name,
      });
      const answer = await api("/api/route?" + params.toString());
      if (request !== routeRequest) return;
      const fromNote = position.located ? "" : t("route_from_centre");
      if (answer.kind === "estimate") {
        // A straight dashed line: where it is, not the way there.
        const ends = answer.geometry.coordinates.map(([lon, lat]) => C.toMap(lat, lon));
        routeLine = L.polyline(ends, { className: "route-line route-beeline", weight: 4, dashArray: "8 8", interactive: false }).addTo(map);
        info.replaceChildren(...estimateLines(answer, fromNote).filter(Boolean));
        mapEl.dataset.route = "estimate";
        fitVisible(routeLine.getBounds(), cardEl);
        return;
      }
      const latlngs = answer.geometry.coordinates.map(([lon, lat]) => C.toMap(lat, lon));
      routeLine = L.polyline(latlngs, { className: "route-line", weight: 6, opacity: 0.85, interactive: false }).addTo(map);
      showLicence(answer.attribution);
      info.replaceChildren(...routeLines(answer, fromNote).filter(Boolean));
      mapEl.dataset.route = "shown";
      fitVisible(routeLine.getBounds(), cardEl);
    } catch (err) {
      if (request !== routeRequest) return;
      info.replaceChildren(h("p", { class: "route-error", role: "alert", text: err.detail || String(err) }));
    } finally {
      button.disabled = false;
    }
  }

  for (const button of document.querySelectorAll("[data-close=results]")) {
    button.addEventListener("click", function () {
      resultsEl.hidden = true;
      placeAttribution();
    });
  }

  /* ---- estates: their own markers, a card that leads to the building guide ---- */

  const estateStrings = document.getElementById("estate-strings");
  const sayEstate = estateStrings ? G.pageStrings("estate-strings") : null;
  // A block of flats, drawn (no text: the card names the estate).
  const ESTATE_SVG =
    '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">' +
    '<path fill="currentColor" d="M2 17V5l5-3v15zm6 0V7h8v10zm2-8v2h2V9zm0 4v2h2v-2z"/></svg>';
  const ESTATE_ICON = '<span class="estate-pin">' + ESTATE_SVG + "</span>";
  const estateLayer = L.layerGroup().addTo(map);

  function estateName(estate) {
    return config.locale === "zh_CN" || !estate.name_en ? estate.name : estate.name_en;
  }

  function renderEstateCard(estate) {
    clearRoute();
    cardRequest += 1;
    selectedId = null;
    restyleAll();
    resultsEl.hidden = true;
    const name = estateName(estate);
    const pin = h("span", { class: "estate-pin", "aria-hidden": "true" });
    pin.innerHTML = ESTATE_SVG;
    const amap =
      "https://uri.amap.com/navigation?to=" + C.wgs84ToGcj02(estate.lon, estate.lat).map((n) => n.toFixed(6)).join(",") +
      "," + encodeURIComponent(name) + "&mode=ride&coordinate=gaode&callnative=1&src=gigcity";
    cardEl.replaceChildren(
      h(
        "header",
        { class: "sheet-head" },
        h("div", { class: "card-title" }, pin,
          h("div", {}, h("h2", { id: "card-name", text: name }),
            h("p", { class: "kind", text: sayEstate("estate_buildings", { n: estate.buildings, gates: estate.gates }) }))),
        h("button", { type: "button", class: "icon-button", "aria-label": t("close"), text: "×", onclick: closeCard })
      ),
      estate.synthetic ? h("p", { class: "sample-badge", text: sayEstate("sample_data") }) : null,
      h("a", { class: "btn btn-nav estate-guide-link", href: "/estates/" + estate.id + "/guide", text: sayEstate("building_guide") }),
      h("p", { class: "nav-links" },
        h("a", { class: "amap-ride", href: amap, target: "_blank", rel: "noopener", text: t("navigate_ride") }))
    );
    delete cardEl.dataset.placeId;
    cardEl.dataset.estateId = String(estate.id);
    cardEl.dataset.state = "ready";
    cardEl.hidden = false;
    placeAttribution();
  }

  async function loadEstates() {
    if (!sayEstate) return;
    let estates;
    try {
      estates = await api("/api/estates");
    } catch (err) {
      return; // the map works without them
    }
    for (const estate of estates) {
      const marker = L.marker(C.toMap(estate.lat, estate.lon), {
        icon: L.divIcon({ html: ESTATE_ICON, className: "estate-marker", iconSize: L.point(TAP_PX, TAP_PX) }),
        keyboard: true,
        bubblingMouseEvents: false,
        zIndexOffset: 500,
      });
      marker.bindTooltip(G.escapeHtml(estateName(estate)), { direction: "top", offset: [0, -6] });
      marker.on("click", () => renderEstateCard(estate));
      marker.on("add", function () {
        const el = marker.getElement();
        if (el) el.dataset.estateId = String(estate.id);
      });
      marker.addTo(estateLayer);
    }
    mapEl.dataset.estates = String(estates.length);
  }

  /* ---- start ---- */

  drawBackdrop();
  loadMarkers().then(loadCheckinPoints);
  loadEstates();
  const wanted = new URLSearchParams(location.search).get("place");
  if (wanted && /^\d+$/.test(wanted)) {
    api("/api/places/" + wanted)
      .then((place) => selectPlace(place, { pan: true }))
      .catch((err) => showStatus(err.detail || String(err)));
  }
})();

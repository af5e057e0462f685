/* A truck driver's stations (/stations): the stations nearest first (GET /api/stations),
   each card with its services and today's hours (GET /api/places/{id}); for showers and
   washing machines the queue now with the expected wait (GET .../services/{id}/queue),
   joining from the road and leaving; my code for the desk as a QR (GET
   /api/stations/me/code); parking offers nearby; legal aid: free slots of a station, a
   booking for a topic, my bookings and their case notes (read only). A washing machine's
   queue offers its programmes (quick, standard, bulky...): the one chosen is sent when
   joining, so the wait of those after counts it. ?station=<id> opens that station's card. A rider who is not a truck driver is told the page is theirs only
   to read, as the API refuses them the rest. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("station-strings");
  const pageEl = $("stations-page");
  const { tell, fail } = G.messages($("alert"), $("notice"));
  const POSITION_TIMEOUT_MS = 6000;
  const REFRESH_MS = 30000; // open cards' queues are read again this often
  const RENEW_BEFORE_MS = 60000; // a new code a minute before the old one expires
  const SLOTS_SHOWN = 10; // the soonest free slots; a phone need not scroll through weeks
  const asked = Number(new URLSearchParams(location.search).get("station")) || null;
  let driver = false;
  let position = null;
  let stations = [];
  const names = {}; // station id -> name
  let renewTimer = null;

  /* ---- time in the district ---- */

  const fmt = G.districtTime;
  const clock = (iso) => fmt(iso, { hour: "2-digit", minute: "2-digit" });
  const when = (iso) => fmt(iso, { month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit" });

  const today = G.todayInDistrict;

  /* ---- my code ---- */

  async function loadCode() {
    let code;
    try {
      code = await api("/api/stations/me/code");
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 403) {
        $("not-driver").hidden = false; // the API says: truck drivers only
        return false;
      }
      fail(err);
      return false;
    }
    $("code-panel").hidden = false;
    $("code-value").textContent = code.code;
    $("code-until").textContent = say("code_until", { time: clock(code.expires_at) });
    if (code.qr_svg) {
      $("code-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(code.qr_svg);
      $("code-qr").hidden = false;
    }
    clearTimeout(renewTimer);
    const left = new Date(code.expires_at).getTime() - Date.now() - RENEW_BEFORE_MS;
    renewTimer = setTimeout(loadCode, Math.max(left, 30000));
    return true;
  }

  /* ---- where I am ---- */

  function locate() {
    if (navigator.geolocation) $("near-line").textContent = say("locating");
    return G.phonePosition(POSITION_TIMEOUT_MS);
  }

  function here() {
    if (position) return position;
    const [west, south, east, north] = config.bbox;
    return { lon: (west + east) / 2, lat: (south + north) / 2 };
  }

  /* ---- the stations and their queues ---- */

  /* The wait of an estimate (a queue's, or a ticket's): one figure when it is close
     enough, else the range 8 in 10 waits fall in (the API gives one only when it is wide). */
  function waitText(est) {
    const minutes = est.estimate_minutes;
    if (minutes === null || minutes === undefined) return say("wait_unknown");
    if (est.estimate_low !== null && est.estimate_low !== undefined && est.estimate_high !== null && est.estimate_high !== undefined) {
      return say("wait_range", { low: est.estimate_low, high: est.estimate_high, minutes: minutes });
    }
    return minutes <= 0 ? say("wait_none") : say("wait_about", { minutes: minutes });
  }

  function ranged(est) {
    return est.estimate_low !== null && est.estimate_low !== undefined;
  }

  function mineLine(mine) {
    const line = (cls, text) => h("p", { class: cls, text: mine.programme_name ? text + " " + say("programme_line", { name: mine.programme_name }) : text });
    if (mine.state === "called") return line("mine called", say("your_turn", { ticket: mine.id }));
    if (mine.state === "in_use") {
      if (mine.left_minutes !== null && mine.left_minutes !== undefined) return line("mine", say("in_use_mine_left", { minutes: mine.left_minutes }));
      return line("mine", say("in_use_mine"));
    }
    if (mine.position === 1) return line("mine next", say("you_are_next", { ticket: mine.id }));
    return line("mine", say("my_place", { position: mine.position, ticket: mine.id, wait: waitText(mine) }));
  }

  /* A machine's programmes to choose from when joining; none chosen: the usual time. */
  function programmeChoice(service, q) {
    const select = h(
      "select",
      { class: "programme", id: "programme-" + service.id },
      h("option", { value: "", text: say("programme_none") }),
      q.programmes.map((p) => h("option", { value: String(p.id), text: say("programme_option", { name: p.name, minutes: Math.round(p.run_minutes) }) }))
    );
    return h("label", { class: "programme-choice", for: "programme-" + service.id }, say("programme"), select);
  }

  function queueBlock(st, service, q) {
    const li = h(
      "li",
      { class: "service queued", "data-service": String(service.id), "data-kind": service.kind },
      h("p", { class: "service-head" }, h("strong", { text: say("service_" + service.kind) }), " ", h("span", { class: "note", text: say("units_minutes", { units: service.units, minutes: service.typical_minutes }) })),
      h("p", { class: "queue-line", text: say("queue_line", { waiting: q.waiting, free: q.free, units: q.units }) }),
      h("p", { class: "wait", text: say("wait_if_join", { wait: waitText(q) }) })
    );
    if (ranged(q) || (q.mine && ranged(q.mine))) li.append(h("p", { class: "note wait-range", text: say("wait_range_note") }));
    if (!q.open_now) li.append(h("p", { class: "closed", text: say("service_closed", { hours: service.hours }) }));
    if (q.mine) li.append(mineLine(q.mine));
    if (!driver) return li;
    const programmes = !q.mine && q.programmes && q.programmes.length ? programmeChoice(service, q) : null;
    if (programmes) li.append(programmes, h("p", { class: "note", text: say("programme_why") }));
    const buttons = h("div", { class: "station-buttons" });
    if (q.mine && (q.mine.state === "waiting" || q.mine.state === "called")) {
      const leave = h("button", { type: "button", class: "btn leave", text: say("leave") });
      leave.addEventListener("click", async () => {
        if (!window.confirm(say("leave_confirm"))) return;
        try {
          await api("/api/stations/tickets/" + q.mine.id, { method: "DELETE" });
          tell(say("left"));
        } catch (err) {
          fail(err);
        }
        openStation(st);
      });
      buttons.append(leave);
    } else if (!q.mine) {
      const join = h("button", { type: "button", class: "btn btn-primary join", text: say("join") });
      join.disabled = !q.open_now || q.units === 0;
      join.addEventListener("click", async () => {
        const chosen = programmes ? programmes.querySelector("select").value : "";
        try {
          const entry = await api("/api/stations/services/" + service.id + "/queue", { method: "POST", json: { programme_id: chosen ? Number(chosen) : null } });
          tell(say("joined", { service: say("service_" + service.kind), station: st.name, ticket: entry.id, wait: waitText(entry) }));
        } catch (err) {
          fail(err);
        }
        openStation(st);
      });
      buttons.append(join);
    }
    if (buttons.childElementCount) li.append(buttons);
    return li;
  }

  function serviceLine(service, st) {
    let own = service.hours !== st.hours ? " · " + say("hours_of", { hours: service.hours }) : "";
    if (service.programmes && service.programmes.length) {
      const list = service.programmes.map((p) => say("programme_minutes", { name: p.name, minutes: p.minutes })).join(G.t("list_separator"));
      own += " · " + say("programmes_of", { list: list });
    }
    return h(
      "li",
      { class: "service", "data-kind": service.kind },
      h("strong", { text: say("service_" + service.kind) }),
      " ",
      h("span", { class: "note", text: say("units_minutes", { units: service.units, minutes: service.typical_minutes }) + own }),
      " ",
      h("span", { class: service.open_now ? "open" : "closed", text: say(service.open_now ? "open_now" : "closed_now") })
    );
  }

  function todayHours(place, st) {
    const day = place && place.days_ahead && place.days_ahead[0];
    if (!day) return say("hours_of", { hours: st.hours });
    if (!day.ranges.length) return say("closed_today");
    return say("today_hours", { hours: day.ranges.map((r) => r.start + "–" + r.end).join(G.t("list_separator")) });
  }

  async function openStation(st) {
    const card = document.querySelector(`#stations details[data-station="${st.id}"]`);
    if (!card) return;
    const services = st.services.filter((s) => s.active);
    const queued = services.filter((s) => s.queued);
    let place = null;
    let queues = [];
    try {
      [place, queues] = await Promise.all([
        api("/api/places/" + st.id).catch(() => null), // the hours line falls back to the text
        Promise.all(queued.map((s) => api("/api/stations/services/" + s.id + "/queue"))),
      ]);
    } catch (err) {
      return fail(err);
    }
    card.dataset.loaded = "1";
    const body = card.querySelector(".station-body");
    body.replaceChildren(
      st.address ? h("p", { class: "note", text: st.address }) : "",
      h("p", { class: "hours-today", text: todayHours(place, st) }),
      services.length ? "" : h("p", { class: "note", text: say("no_services") }),
      h("ol", { class: "service-list" }, queued.map((s, i) => queueBlock(st, s, queues[i]))),
      h("ul", { class: "service-list plain" }, services.filter((s) => !s.queued).map((s) => serviceLine(s, st)))
    );
  }

  function stationRow(st) {
    const card = h(
      "details",
      { class: "station", "data-station": String(st.id) },
      h(
        "summary",
        {},
        h("strong", { text: st.name }),
        " ",
        h("span", { class: "distance", text: G.formatDistance(st.distance) }),
        " ",
        h("span", { class: st.open_now ? "open" : "closed", text: say(st.open_now ? "open_now" : "closed_now") })
      ),
      h("div", { class: "station-body" })
    );
    card.addEventListener("toggle", () => {
      if (card.open && !card.dataset.loaded) openStation(st);
    });
    return h("li", {}, card);
  }

  /* Hours in the reader's words (the weekdays named), not OpenStreetMap's syntax ("Mo-Su"). */
  function hoursText(form, text) {
    const lines = form ? G.formatHours(form) : [];
    return lines.length ? lines.join(G.t("list_separator")) : text;
  }

  async function loadStations() {
    const at = here();
    $("near-line").textContent = say(position ? "near_position" : "near_district");
    stations = (await api("/api/stations")).map((st) => ({ ...st, distance: G.haversine(at.lat, at.lon, st.lat, st.lon) }));
    stations.sort((a, b) => a.distance - b.distance);
    stations.forEach((st) => (names[st.id] = st.name));
    $("stations").replaceChildren(...stations.map(stationRow));
    $("near-empty").hidden = stations.length > 0;
    const first = stations.find((st) => st.id === asked) || stations[0];
    if (first) {
      const card = document.querySelector(`#stations details[data-station="${first.id}"]`);
      await openStation(first);
      card.open = true;
      if (first.id === asked) card.scrollIntoView({ block: "start" });
    }
  }

  /* ---- parking ---- */

  function parkingRow(p) {
    const li = h(
      "li",
      { class: "parking", "data-parking": String(p.id) },
      h("p", { class: "service-head" }, h("strong", { text: p.name }), " ", h("span", { class: "distance", text: G.formatDistance(p.distance_m) })),
      h("p", { text: say("parking_hours", { hours: hoursText(p.hours_form, p.hours) }) + " · " + say("price_hour", { price: G.formatYuan(p.price_per_hour_fen) }) })
    );
    if (p.offpeak_text) li.append(h("p", { class: "discount", text: p.offpeak_text }));
    if (p.offpeak_price_per_hour_fen !== null && p.offpeak_hours) {
      li.append(h("p", { class: "note", text: say("offpeak", { hours: hoursText(p.offpeak_hours_form, p.offpeak_hours), price: G.formatYuan(p.offpeak_price_per_hour_fen) }) }));
    }
    const now = p.open_now ? say("price_now", { price: G.formatYuan(p.price_now_fen) }) : say("parking_closed");
    li.append(h("p", { class: p.offpeak_now ? "open" : "note", text: now }));
    return li;
  }

  async function loadParking() {
    const at = here();
    const query = new URLSearchParams({ lon: String(at.lon), lat: String(at.lat), k: "10" });
    const offers = await api("/api/stations/parking?" + query.toString());
    $("parking").replaceChildren(...offers.map(parkingRow));
    $("parking-empty").hidden = offers.length > 0;
  }

  /* ---- legal aid ---- */

  function slotTime(slot) {
    return say("slot_time", { from: when(slot.starts_at), until: clock(slot.ends_at) });
  }

  async function loadSlots() {
    const stationId = $("legal-station").value;
    if (!stationId) return;
    const slots = await api("/api/stations/" + stationId + "/roster?since=" + today());
    const free = slots.filter((s) => !s.booked && new Date(s.starts_at) > new Date()).slice(0, SLOTS_SHOWN);
    $("slots").replaceChildren(
      ...free.map((slot) => {
        const book = h("button", { type: "button", class: "btn btn-primary book", text: say("book") });
        book.addEventListener("click", () => bookSlot(slot));
        return h(
          "li",
          { class: "slot", "data-slot": String(slot.id) },
          h("p", {}, h("strong", { text: slotTime(slot) }), " ", h("span", { class: "note", text: slot.lawyer_name })),
          h("div", { class: "station-buttons" }, book)
        );
      })
    );
    $("slots-empty").hidden = free.length > 0;
  }

  async function bookSlot(slot) {
    const topic = $("topic").value;
    try {
      await api("/api/stations/slots/" + slot.id + "/booking", { method: "POST", json: { topic: topic } });
      tell(say("booked", { time: slotTime(slot), station: names[slot.place_id] || "", topic: say("topic_" + topic) }));
    } catch (err) {
      fail(err);
    }
    await Promise.all([loadCases(), loadSlots()]).catch(fail);
  }

  async function showNotes(slot, box) {
    try {
      const notes = await api("/api/stations/slots/" + slot.id + "/notes");
      box.replaceChildren(
        notes.length
          ? h("ol", { class: "notes" }, notes.map((n) => h("li", {}, h("p", { class: "note", text: say("note_by_" + n.by, { time: when(n.at) }) }), h("p", { class: "note-text", text: n.text }))))
          : h("p", { class: "note", text: say("no_notes") })
      );
      box.hidden = false;
    } catch (err) {
      fail(err);
    }
  }

  function caseRow(slot) {
    const notes = h("div", { class: "case-notes", hidden: true });
    const read = h("button", { type: "button", class: "btn btn-small read-notes", text: say("case_notes") });
    read.addEventListener("click", () => (notes.hidden ? showNotes(slot, notes) : (notes.hidden = true)));
    const cancel = h("button", { type: "button", class: "btn btn-small cancel", text: say("cancel") });
    cancel.addEventListener("click", async () => {
      if (!window.confirm(say("cancel_confirm"))) return;
      try {
        await api("/api/stations/slots/" + slot.id + "/booking", { method: "DELETE" });
        tell(say("cancelled"));
      } catch (err) {
        fail(err);
      }
      await Promise.all([loadCases(), loadSlots()]).catch(fail);
    });
    const buttons = h("div", { class: "station-buttons" }, read);
    if (new Date(slot.starts_at) > new Date()) buttons.append(cancel);
    return h(
      "li",
      { class: "case", "data-slot": String(slot.id) },
      h("p", {}, h("strong", { text: slotTime(slot) }), " ", h("span", { class: "topic", text: slot.topic ? say("topic_" + slot.topic) : "" })),
      h("p", { class: "note", text: say("case_line", { station: names[slot.place_id] || "", lawyer: slot.lawyer_name }) }),
      buttons,
      notes
    );
  }

  async function loadCases() {
    const cases = await api("/api/stations/legal/mine");
    $("cases").replaceChildren(...cases.map(caseRow));
    $("cases-empty").hidden = cases.length > 0;
  }

  function fillLegalStations() {
    const select = $("legal-station");
    select.replaceChildren(...stations.map((st) => h("option", { value: String(st.id), text: st.name })));
    const first = stations.find((st) => st.id === asked) || stations[0];
    if (first) select.value = String(first.id);
    select.addEventListener("change", () => loadSlots().catch(fail));
  }

  /* ---- start ---- */

  function refreshOpenCards() {
    if (document.hidden) return;
    document.querySelectorAll("#stations details[open]").forEach((card) => {
      const st = stations.find((s) => String(s.id) === card.dataset.station);
      if (st) openStation(st);
    });
  }

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "rider") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_rider") });
    $("code-renew").addEventListener("click", loadCode);
    driver = await loadCode();
    position = await locate();
    try {
      await loadStations();
      await loadParking();
      if (driver) {
        $("legal-panel").hidden = false;
        fillLegalStations();
        await Promise.all([loadCases(), loadSlots()]);
      }
    } catch (err) {
      fail(err);
    }
    pageEl.dataset.state = "ready";
    setInterval(refreshOpenCards, REFRESH_MS);
  }

  start();
})();

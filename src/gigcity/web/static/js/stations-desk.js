/* A truck-driver station's desk (/stations/desk): log a visit by the driver's code or by
   plate with the driver's consent (POST /api/stations/{id}/visits) and today's count; the
   shower and washing-machine queues (who waits, call the next, start, served, did not
   come, add a driver by code or a walk-in; a washing machine's programme named when adding
   a driver and set or changed at the start, and the minutes left of each wash); the station's parking offers (list, add, end
   one); the legal-aid roster (list, add a slot for a lawyer, take a free one off). Staff
   keep their own station; admins name one with ?station=<id>. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("station-strings");
  const pageEl = $("desk-page");
  const { tell, fail } = G.messages($("alert"), $("notice"));
  const REFRESH_MS = 20000; // the queues are read again this often
  const OTHER_LAWYER = "other";
  let station = null;

  const fmt = G.districtTime;
  const clock = (iso) => fmt(iso, { hour: "2-digit", minute: "2-digit" });
  const when = (iso) => fmt(iso, { month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit" });

  const today = G.todayInDistrict;

  function fen(value) {
    return value === "" || value === null ? null : Math.round(Number(value) * 100);
  }

  async function act(promise, done, reload) {
    try {
      await promise;
      tell(done);
    } catch (err) {
      fail(err);
    }
    await reload().catch(fail);
  }

  /* ---- visits ---- */

  async function loadVisits() {
    const day = await api("/api/stations/" + station.id + "/visits?day=" + today());
    $("visit-count").textContent = say("visits_today", { count: day.visits });
  }

  async function logVisit(event) {
    event.preventDefault();
    const code = $("visit-code").value.trim();
    const plate = $("visit-plate").value.trim();
    const services = [...document.querySelectorAll("#visit-form input[name=service]:checked")].map((el) => el.value);
    const body = { services: services };
    if (code) body.code = code;
    else if (plate) Object.assign(body, { plate: plate, plate_consent: $("plate-consent").checked });
    else {
      G.showError($("alert"), { detail: say("need_code") });
      return $("visit-code").focus();
    }
    try {
      await api("/api/stations/" + station.id + "/visits", { method: "POST", json: body });
      const used = services.map((k) => say("service_" + k)).join(G.t("list_separator"));
      tell(used ? say("visit_logged_with", { services: used }) : say("visit_logged"));
      $("visit-form").reset();
      $("by-plate").open = false;
    } catch (err) {
      fail(err);
    }
    loadVisits().catch(fail);
  }

  /* ---- queues ---- */

  /* A select of the service's programmes; `current`: the one chosen (or none). */
  function programmeSelect(programmes, current, cls) {
    return h(
      "select",
      { class: cls, "aria-label": say("programme") },
      h("option", { value: "", text: say("programme_none") }),
      programmes.map((p) => {
        const option = h("option", { value: String(p.id), text: say("programme_option", { name: p.name, minutes: Math.round(p.run_minutes) }) });
        if (p.id === current) option.selected = true;
        return option;
      })
    );
  }

  function chosen(select) {
    return select && select.value ? Number(select.value) : null;
  }

  function entryRow(e, programmes) {
    const head = h(
      "p",
      { class: "service-head" },
      h("strong", { text: say("ticket", { ticket: e.id }) }),
      " ",
      h("span", { class: "entry-state", text: say("entry_" + e.state) }),
      " ",
      h("span", { class: "note", text: say("joined_at", { time: clock(e.joined_at), how: say("origin_" + e.origin) }) })
    );
    const li = h("li", { class: "entry state-" + e.state, "data-entry": String(e.id) }, head);
    if (e.state === "waiting") li.append(h("p", { class: "note", text: say("entry_waiting_line", { position: e.position, minutes: e.estimate_minutes === null ? "–" : e.estimate_minutes }) }));
    if (e.programme_name) li.append(h("p", { class: "note programme-line", text: say("programme_line", { name: e.programme_name }) }));
    if (e.state === "in_use" && e.left_minutes !== null && e.left_minutes !== undefined) li.append(h("p", { class: "note left", text: say("left_minutes", { minutes: e.left_minutes }) }));
    const buttons = h("div", { class: "station-buttons" });
    const start = e.state === "called" && programmes.length ? programmeSelect(programmes, e.programme_id, "start-programme") : null;
    const button = (cls, key, path, done, body) => {
      const b = h("button", { type: "button", class: "btn btn-small " + cls, text: say(key) });
      b.addEventListener("click", () => act(api("/api/stations/tickets/" + e.id + "/" + path, { method: "POST", json: body ? body() : undefined }), done, loadQueues));
      buttons.append(b);
    };
    if (start) buttons.append(start);
    if (e.state === "called") button("start", "start", "start", say("started", { ticket: e.id }), () => ({ programme_id: chosen(start) }));
    if (e.state === "in_use") button("served", "served", "finish", say("served_ok", { ticket: e.id }));
    if (e.state === "waiting" || e.state === "called") button("no-show", "no_show", "no-show", say("no_show_ok", { ticket: e.id }));
    li.append(buttons);
    return li;
  }

  function queueSection(service, q, entries) {
    const name = say("service_" + service.kind);
    const next = h("button", { type: "button", class: "btn btn-primary call-next", text: say("call_next") });
    next.disabled = !entries.some((e) => e.state === "waiting");
    next.addEventListener("click", async () => {
      try {
        const e = await api("/api/stations/services/" + service.id + "/queue/next", { method: "POST" });
        tell(say("called", { ticket: e.id, service: name }));
      } catch (err) {
        fail(err);
      }
      loadQueues().catch(fail);
    });
    const programmes = q.programmes || [];
    const addProgramme = programmes.length ? programmeSelect(programmes, null, "add-programme") : null;
    const add = h("button", { type: "button", class: "btn add-driver", text: say("add_to_queue") });
    add.addEventListener("click", async () => {
      const code = $("visit-code").value.trim();
      try {
        const e = await api("/api/stations/services/" + service.id + "/queue/desk", { method: "POST", json: { code: code || null, programme_id: chosen(addProgramme) } });
        tell(say(code ? "added_driver" : "added_walk_in", { ticket: e.id, service: name }));
        if (code) $("visit-code").value = "";
      } catch (err) {
        fail(err);
      }
      loadQueues().catch(fail);
    });
    return h(
      "section",
      { class: "desk-queue", "data-service": String(service.id), "data-kind": service.kind },
      h("h3", { text: name }),
      h("p", { class: "note", text: say("desk_queue_line", { in_use: q.in_use, units: q.units, waiting: q.waiting, wait: q.estimate_minutes === null ? "–" : q.estimate_minutes }) }),
      h("div", { class: "station-buttons" }, next, addProgramme || "", add),
      entries.length ? h("ol", { class: "station-list entries" }, entries.map((e) => entryRow(e, programmes))) : h("p", { class: "note", text: say("nobody_waiting") })
    );
  }

  async function loadQueues() {
    const queued = station.services.filter((s) => s.queued && s.active);
    const loaded = await Promise.all(
      queued.map((s) => Promise.all([api("/api/stations/services/" + s.id + "/queue"), api("/api/stations/services/" + s.id + "/queue/entries")]))
    );
    $("queues").replaceChildren(...queued.map((s, i) => queueSection(s, loaded[i][0], loaded[i][1])));
    $("queues-empty").hidden = queued.length > 0;
  }

  /* ---- parking ---- */

  function parkingRow(p) {
    const end = h("button", { type: "button", class: "btn btn-small end", text: say("end_offer") });
    end.addEventListener("click", () => {
      if (!window.confirm(say("end_confirm", { name: p.name }))) return;
      act(api("/api/stations/parking/" + p.id, { method: "PATCH", json: { active: false } }), say("ended", { name: p.name }), loadParking);
    });
    const lines = [say("parking_hours", { hours: p.hours }) + " · " + say("price_hour", { price: G.formatYuan(p.price_per_hour_fen) })];
    if (p.offpeak_price_per_hour_fen !== null && p.offpeak_hours) lines.push(say("offpeak", { hours: p.offpeak_hours, price: G.formatYuan(p.offpeak_price_per_hour_fen) }));
    return h(
      "li",
      { class: "parking", "data-parking": String(p.id) },
      h("p", { class: "service-head" }, h("strong", { text: p.name }), " ", h("span", { class: "distance", text: G.formatDistance(p.distance_m) })),
      lines.map((text) => h("p", { class: "note", text: text })),
      p.offpeak_text ? h("p", { class: "discount", text: p.offpeak_text }) : "",
      h("div", { class: "station-buttons" }, end)
    );
  }

  async function loadParking() {
    const offers = (await api("/api/stations/parking?station_id=" + station.id + "&k=50")).filter((p) => p.place_id === station.id);
    $("parking").replaceChildren(...offers.map(parkingRow));
    $("parking-empty").hidden = offers.length > 0;
  }

  async function addParking(event) {
    event.preventDefault();
    const body = {
      place_id: station.id,
      name: $("parking-name").value,
      lon: Number($("parking-lon").value),
      lat: Number($("parking-lat").value),
      hours: $("parking-hours").value || "24/7",
      price_per_hour_fen: fen($("parking-price").value),
      offpeak_text: $("parking-offpeak-text").value,
      offpeak_hours: $("parking-offpeak-hours").value || null,
      offpeak_price_per_hour_fen: fen($("parking-offpeak-price").value),
    };
    try {
      await api("/api/stations/parking", { method: "POST", json: body });
      tell(say("parking_added", { name: body.name }));
      $("parking-form").reset();
      fillPosition();
      $("parking-add").open = false;
    } catch (err) {
      fail(err);
    }
    loadParking().catch(fail);
  }

  function fillPosition() {
    $("parking-lon").value = String(station.lon);
    $("parking-lat").value = String(station.lat);
  }

  /* ---- the legal-aid roster ---- */

  function slotRow(slot) {
    const li = h(
      "li",
      { class: "slot" + (slot.booked ? " booked" : ""), "data-slot": String(slot.id) },
      h("p", {}, h("strong", { text: say("slot_time", { from: when(slot.starts_at), until: clock(slot.ends_at) }) }), " ", h("span", { class: "note", text: slot.lawyer_name })),
      h("p", { class: "entry-state", text: say(slot.booked ? "slot_booked" : "slot_free") })
    );
    if (!slot.booked) {
      const remove = h("button", { type: "button", class: "btn btn-small remove", text: say("remove_slot") });
      remove.addEventListener("click", () => {
        if (!window.confirm(say("remove_confirm"))) return;
        act(api("/api/stations/slots/" + slot.id, { method: "DELETE" }), say("slot_removed"), loadRoster);
      });
      li.append(h("div", { class: "station-buttons" }, remove));
    }
    return li;
  }

  async function loadRoster() {
    const slots = await api("/api/stations/" + station.id + "/roster?since=" + today());
    $("roster").replaceChildren(...slots.map(slotRow));
    $("roster-empty").hidden = slots.length > 0;
    // The volunteer lawyers to choose from (GET /api/stations/legal/lawyers) and those the
    // roster names; were the list refused, another is named by their account number.
    const lawyers = new Map(slots.map((s) => [s.lawyer_id, s.lawyer_name]));
    let listed = true;
    try {
      (await api("/api/stations/legal/lawyers")).forEach((l) => lawyers.set(l.id, l.display_name));
    } catch (err) {
      listed = false;
    }
    const select = $("slot-lawyer");
    const chosen = select.value;
    select.replaceChildren(
      ...[...lawyers].map(([id, name]) => h("option", { value: String(id), text: name })),
      listed && lawyers.size ? "" : h("option", { value: OTHER_LAWYER, text: say("other_lawyer") })
    );
    if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
    showLawyerId();
  }

  function showLawyerId() {
    $("slot-lawyer-id-label").hidden = $("slot-lawyer").value !== OTHER_LAWYER;
  }

  async function addSlot(event) {
    event.preventDefault();
    const picked = $("slot-lawyer").value;
    const body = {
      lawyer_id: Number(picked === OTHER_LAWYER ? $("slot-lawyer-id").value : picked),
      day: $("slot-day").value,
      start: $("slot-start").value,
      end: $("slot-end").value,
    };
    try {
      await api("/api/stations/" + station.id + "/roster", { method: "POST", json: body });
      tell(say("slot_added"));
      $("slot-add").open = false;
    } catch (err) {
      fail(err);
    }
    loadRoster().catch(fail);
  }

  /* ---- start ---- */

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "staff" && role !== "admin") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_" + role) });
    let stationId = Number(new URLSearchParams(location.search).get("station")) || null;
    try {
      if (!stationId && role === "staff") stationId = (await api("/api/me")).station_id;
      if (!stationId) return G.showError($("alert"), { detail: say("desk_choose") });
      station = await api("/api/stations/" + stationId);
    } catch (err) {
      return fail(err);
    }
    $("desk-title").textContent = say("desk_title", { station: station.name });
    $("visit-form").addEventListener("submit", logVisit);
    $("parking-form").addEventListener("submit", addParking);
    $("slot-form").addEventListener("submit", addSlot);
    $("slot-lawyer").addEventListener("change", showLawyerId);
    $("slot-day").value = today();
    fillPosition();
    try {
      await Promise.all([loadVisits(), loadQueues(), loadParking(), loadRoster()]);
    } catch (err) {
      fail(err);
    }
    pageEl.dataset.state = "ready";
    setInterval(() => {
      if (!document.hidden) loadQueues().catch(fail);
    }, REFRESH_MS);
  }

  start();
})();

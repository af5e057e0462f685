/* A rider's or driver's beds (/stays): the homes near the phone with free beds for the night
   chosen (GET /api/stays/homes), a booking of nights or of today's nap (POST
   /api/stays/bookings; no bed of that kind free: join the waiting list instead), my
   bookings with their check-in code and its QR for the desk, an offer from the waiting list
   to accept or decline, my waiting lists, and my code for a home's desk (GET
   /api/stays/me/code) to walk in without a booking. The server decides what is free and who
   gets a bed; the page shows its answers. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("stays-strings");
  const pageEl = $("stays-page");
  const alertBox = $("alert");
  const notice = $("notice");
  const { tell, fail } = G.messages(alertBox, notice);
  const { shortDate, when } = window.gigcityNights;
  const dialog = $("book-dialog");
  const POSITION_TIMEOUT_MS = 6000;
  const RADIUS_M = 20000;
  const ACTIVE = ["offered", "booked", "checked_in"];
  let position = null;
  let chosen = null; // the home being booked: {place_id, name, ...HomeOut}


  /* ---- my bookings and waiting lists ---- */

  function bookingRow(b) {
    const li = h(
      "li",
      { class: "stay state-" + b.state, "data-booking": String(b.id) },
      h("p", { class: "stay-head" }, h("strong", { text: b.home_name }), " ", h("span", { class: "stay-state", text: say("state_" + b.state) })),
      h("p", { text: say("stay_night", { from: when(b.starts_at), until: when(b.ends_at) }) }),
      h("p", { text: say("bed_line", { room: b.room_name, bed: b.bed_label, kind: say("kind_" + b.bed_kind) }) + (b.price_fen ? " · " + say("price", { price: G.formatYuan(b.price_fen) }) : " · " + say("free")) })
    );
    if (b.state === "offered" && b.offer_expires_at) li.append(h("p", { class: "stay-warn", text: say("offer_until", { time: when(b.offer_expires_at) }) }));
    if (b.state === "booked") li.append(h("p", { class: "note", text: say("check_by", { time: when(b.check_by) }) }));
    if (b.code && (b.state === "booked" || b.state === "checked_in")) {
      const box = h("div", { class: "stay-code" }, h("span", { class: "stay-code-label", text: say("code") }), h("span", { class: "stay-code-value", text: b.code }));
      if (b.qr_svg) box.prepend(h("img", { class: "stay-qr", alt: say("qr_alt"), width: "160", height: "160", src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(b.qr_svg) }));
      li.append(box);
    }
    const buttons = h("div", { class: "stay-buttons" });
    if (b.state === "offered") {
      const accept = h("button", { type: "button", class: "btn btn-primary accept", text: say("accept") });
      accept.addEventListener("click", () => step(b, "accept", say("accepted")));
      buttons.append(accept);
    }
    if (b.state === "offered" || b.state === "booked") {
      const cancel = h("button", { type: "button", class: "btn cancel", text: say(b.state === "offered" ? "decline" : "cancel") });
      cancel.addEventListener("click", () => {
        if (b.state === "booked" && !window.confirm(say("cancel_confirm"))) return;
        step(b, "cancel", say("cancelled"));
      });
      buttons.append(cancel);
    }
    if (buttons.childElementCount) li.append(buttons);
    return li;
  }

  async function step(b, action, done) {
    try {
      await api("/api/stays/bookings/" + b.id + "/" + action, { method: "POST" });
      tell(done);
    } catch (err) {
      fail(err);
    }
    await Promise.all([loadMine(), loadHomes()]);
  }

  function waitRow(w, homes) {
    const home = homes[w.place_id] || "#" + w.place_id;
    const text =
      w.state === "offered"
        ? say("wait_offered", { home: home, night: shortDate(w.night) })
        : say("wait_line", { home: home, night: shortDate(w.night), position: w.position || "–" });
    const li = h("li", { class: "stay wait", "data-wait": String(w.id) }, h("p", { text: text }));
    if (w.state === "waiting") {
      const leave = h("button", { type: "button", class: "btn btn-small leave", text: say("leave") });
      leave.addEventListener("click", async () => {
        try {
          await api("/api/stays/waits/" + w.id + "/leave", { method: "POST" });
          tell(say("left"));
        } catch (err) {
          fail(err);
        }
        loadMine();
      });
      li.append(leave);
    }
    return li;
  }

  let homeNames = {};

  async function loadMine() {
    try {
      const [bookings, waits] = await Promise.all([api("/api/stays/bookings/mine"), api("/api/stays/waits/mine")]);
      bookings.forEach((b) => (homeNames[b.place_id] = b.home_name));
      const shown = bookings.filter((b) => ACTIVE.includes(b.state)).concat(bookings.filter((b) => !ACTIVE.includes(b.state)));
      $("mine").replaceChildren(...shown.map(bookingRow));
      const open = waits.filter((w) => w.state === "waiting" || w.state === "offered");
      $("waits").replaceChildren(...open.map((w) => waitRow(w, homeNames)));
      $("mine-empty").hidden = shown.length + open.length > 0;
    } catch (err) {
      fail(err);
    }
  }

  /* ---- homes near me ---- */

  function locate() {
    if (navigator.geolocation) $("near-line").textContent = say("locating");
    return G.phonePosition(POSITION_TIMEOUT_MS);
  }

  function districtCentre() {
    const [west, south, east, north] = config.bbox;
    return { lon: (west + east) / 2, lat: (south + north) / 2 };
  }

  function homeRow(home) {
    const sections = home.sections.map((s) => say("section_free", { section: say("section_" + s.section), free: s.free })).join(" · ");
    const book = h("button", { type: "button", class: "btn btn-primary book", text: say("book_here") });
    book.addEventListener("click", () => openBooking(home));
    return h(
      "li",
      { class: "stay home" + (home.free ? "" : " full"), "data-home": String(home.place_id) },
      h("p", { class: "stay-head" }, h("strong", { text: home.name }), " ", h("span", { class: "distance", text: G.formatDistance(home.distance_m) })),
      h("p", { class: "home-free", text: say("free_of", { free: home.free, beds: home.beds }) }),
      h("p", { class: "note", text: sections }),
      h("div", { class: "stay-buttons" }, book)
    );
  }

  async function loadHomes() {
    const at = position || districtCentre();
    $("near-line").textContent = say(position ? "near_position" : "near_district");
    const query = new URLSearchParams({ lon: String(at.lon), lat: String(at.lat), radius_m: String(RADIUS_M), night: $("night").value });
    try {
      const homes = await api("/api/stays/homes?" + query.toString());
      homes.forEach((home) => (homeNames[home.place_id] = home.name));
      $("homes").replaceChildren(...homes.map(homeRow));
      $("near-empty").hidden = homes.length > 0;
    } catch (err) {
      fail(err);
    }
  }

  /* ---- booking ---- */

  function kind() {
    return document.querySelector("#book-form input[name=kind]:checked").value;
  }

  function showKind() {
    const nap = kind() === "nap";
    $("nights-label").hidden = nap;
    $("nap-label").hidden = !nap;
  }

  async function openBooking(home) {
    G.hideError(alertBox);
    try {
      const detail = await api("/api/stays/homes/" + home.place_id + "?night=" + $("night").value);
      chosen = { ...home, ...detail };
    } catch (err) {
      return fail(err);
    }
    $("book-title").textContent = say("book_title", { home: chosen.name });
    $("book-rules").textContent = chosen.house_rules || "";
    const sections = [...new Set(chosen.rooms.map((r) => r.section))];
    $("section").replaceChildren(...sections.map((s) => h("option", { value: s, text: say("section_" + s) })));
    $("nap").replaceChildren(
      ...chosen.nap_slots.map((slot) => h("option", { value: slot.starts, text: say("nap_slot", { starts: slot.starts, ends: slot.ends }) }))
    );
    $("kind-nap").disabled = chosen.nap_slots.length === 0;
    if (!chosen.nap_slots.length) document.querySelector("#book-form input[value=night]").checked = true;
    $("book-wait").hidden = true;
    G.hideError($("book-alert"));
    showKind();
    dialog.showModal();
  }

  async function book(event) {
    event.preventDefault();
    const body = { place_id: chosen.place_id, kind: kind(), section: $("section").value || null };
    if ($("bed-kind").value) body.bed_kind = $("bed-kind").value;
    if (body.kind === "nap") body.nap_starts = $("nap").value;
    else Object.assign(body, { night: $("night").value, nights: Number($("nights").value) });
    try {
      const made = await api("/api/stays/bookings", { method: "POST", json: body });
      dialog.close();
      tell(say("booked", { bed: made.bed_label, home: made.home_name }));
      await Promise.all([loadMine(), loadHomes()]);
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
      G.showError($("book-alert"), err); // said in the dialog, where the rider looks
      $("book-wait").hidden = !(err instanceof G.ApiError && err.status === 409 && body.kind === "night");
    }
  }

  async function wait() {
    try {
      await api("/api/stays/homes/" + chosen.place_id + "/waits", {
        method: "POST",
        json: { night: $("night").value, section: $("section").value || null },
      });
      dialog.close();
      tell(say("waiting_joined", { home: chosen.name }));
      loadMine();
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
      G.showError($("book-alert"), err);
    }
  }

  /* My code for a home's desk (a walk-in): good for 15 minutes, asked for when wanted. */
  async function showDeskCode() {
    try {
      const c = await api("/api/stays/me/code");
      $("desk-code-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(c.qr_svg);
      $("desk-code-value").textContent = c.code;
      $("desk-code-until").textContent = say("desk_code_until", { time: when(c.expires_at) });
      $("desk-code").hidden = false;
    } catch (err) {
      fail(err);
    }
  }

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "rider") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_rider") });
    window.gigcityNights.fillNights($("night"), say);
    $("night").addEventListener("change", loadHomes);
    $("book-form").addEventListener("submit", book);
    $("book-form").querySelectorAll("input[name=kind]").forEach((el) => el.addEventListener("change", showKind));
    $("book-close").addEventListener("click", () => dialog.close());
    $("book-wait").addEventListener("click", wait);
    $("desk-code-show").addEventListener("click", showDeskCode);
    await loadMine();
    position = await locate();
    await loadHomes();
    pageEl.dataset.state = "ready";
  }

  start();
})();

/* The desk of a home with beds (/stays/desk): check a guest in by their code (POST
   /api/stays/homes/{id}/check-in), a free bed for a guest who walked in (POST
   /api/stays/homes/{id}/walk-in, by their desk code or username), the bookings of the
   night chosen and today's naps (GET /api/stays/homes/{id}/bookings) with a move to another
   free bed (POST /api/stays/bookings/{id}/move), check-out and cancel, and the night's
   counts. Staff keep the home of their own station; admins name one with ?home=<id>. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("stays-strings");
  const pageEl = $("desk-page");
  const alertBox = $("alert");
  const notice = $("notice");
  const { tell, fail } = G.messages(alertBox, notice);
  const { when } = window.gigcityNights;
  let homeId = null;
  let freeBeds = []; // the night's free beds: [{id, label, room, kind}], for moves

  function guestName(b) {
    return b.guest || "#" + b.id;
  }

  function row(b) {
    const li = h(
      "li",
      { class: "stay state-" + b.state, "data-booking": String(b.id) },
      h("p", { class: "stay-head" }, h("strong", { text: say("guest_line", { guest: guestName(b), room: b.room_name, bed: b.bed_label }) }), " ", h("span", { class: "stay-state", text: say("state_" + b.state) })),
      h("p", { text: say("stay_night", { from: when(b.starts_at), until: when(b.ends_at) }) })
    );
    if (b.state === "booked") li.append(h("p", { class: "note", text: say("check_by", { time: when(b.check_by) }) }));
    const buttons = h("div", { class: "stay-buttons" });
    if (b.state === "checked_in") {
      const out = h("button", { type: "button", class: "btn check-out", text: say("check_out") });
      out.addEventListener("click", async () => {
        if (!window.confirm(say("check_out_confirm", { guest: guestName(b) }))) return;
        try {
          await api("/api/stays/bookings/" + b.id + "/check-out", { method: "POST" });
          tell(say("checked_out_ok", { guest: guestName(b) }));
        } catch (err) {
          fail(err);
        }
        load();
      });
      buttons.append(out);
    }
    if (b.state === "booked" || b.state === "checked_in") {
      const move = h("button", { type: "button", class: "btn move", text: say("move") });
      move.addEventListener("click", () => {
        move.disabled = true;
        li.append(moveForm(b));
      });
      buttons.append(move);
    }
    if (b.state === "booked") {
      const cancel = h("button", { type: "button", class: "btn cancel", text: say("cancel") });
      cancel.addEventListener("click", async () => {
        if (!window.confirm(say("cancel_confirm"))) return;
        try {
          await api("/api/stays/bookings/" + b.id + "/cancel", { method: "POST" });
          tell(say("cancelled"));
        } catch (err) {
          fail(err);
        }
        load();
      });
      buttons.append(cancel);
    }
    if (buttons.childElementCount) li.append(buttons);
    return li;
  }

  /* Under a booking: the night's other free beds and "move here" (the server checks the
     bed is free for the rest of the stay, and refuses naming it if someone was faster). */
  function moveForm(b) {
    const others = freeBeds.filter((bed) => bed.id !== b.bed_id);
    if (!others.length) return h("p", { class: "note move-none", text: say("no_free_beds") });
    const select = h("select", { class: "move-bed", id: "move-bed-" + b.id });
    others.forEach((bed) => select.append(h("option", { value: String(bed.id), text: say("bed_line", { room: bed.room, bed: bed.label, kind: say("kind_" + bed.kind) }) })));
    const go = h("button", { type: "submit", class: "btn btn-primary move-go", text: say("move_go") });
    const form = h("form", { class: "form move-form" }, h("label", { for: select.id, text: say("move_to", { guest: guestName(b) }) }), select, go);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      go.disabled = true;
      try {
        const moved = await api("/api/stays/bookings/" + b.id + "/move", { method: "POST", json: { bed_id: Number(select.value) } });
        tell(say("moved_ok", { guest: guestName(moved), bed: moved.bed_label }));
      } catch (err) {
        fail(err);
      }
      load();
    });
    return form;
  }

  async function walkIn(event) {
    event.preventDefault();
    const guest = $("walkin-guest").value.trim();
    if (!guest) {
      G.showError(alertBox, { detail: say("need_guest") });
      return $("walkin-guest").focus();
    }
    const body = { guest: guest, night: $("night").value, nights: Number($("walkin-nights").value), check_in: $("walkin-checkin").checked };
    if ($("walkin-section").value) body.section = $("walkin-section").value;
    try {
      const b = await api("/api/stays/homes/" + homeId + "/walk-in", { method: "POST", json: body });
      tell(say(b.state === "checked_in" ? "checked_in_ok" : "walkin_booked_ok", { guest: guestName(b), bed: b.bed_label }));
      $("walkin-guest").value = "";
    } catch (err) {
      fail(err);
    }
    load();
  }

  async function load() {
    const night = $("night").value;
    try {
      const [home, bookings] = await Promise.all([
        api("/api/stays/homes/" + homeId + "?night=" + night),
        api("/api/stays/homes/" + homeId + "/bookings?night=" + night),
      ]);
      $("desk-title").textContent = say("desk_title", { home: home.name });
      const beds = home.rooms.flatMap((r) => r.beds.map((b) => ({ ...b, room: r.name }))).filter((b) => b.active);
      freeBeds = beds.filter((b) => b.free);
      $("desk-counts").textContent = say("counts", {
        booked: bookings.filter((b) => b.state === "booked" || b.state === "offered").length,
        in: bookings.filter((b) => b.state === "checked_in").length,
        free: beds.filter((b) => b.free).length,
      });
      $("bookings").replaceChildren(...bookings.map(row));
      $("desk-empty").textContent = say("desk_empty");
      $("desk-empty").hidden = bookings.length > 0;
      pageEl.dataset.state = "ready";
    } catch (err) {
      fail(err);
    }
  }

  async function checkIn(event) {
    event.preventDefault();
    const code = $("checkin-code").value.replace(/\s+/g, "");
    if (!code) {
      G.showError(alertBox, { detail: say("need_code") });
      return $("checkin-code").focus();
    }
    try {
      const b = await api("/api/stays/homes/" + homeId + "/check-in", { method: "POST", json: { code: code } });
      tell(say("checked_in_ok", { guest: guestName(b), bed: b.bed_label }));
      $("checkin-code").value = "";
    } catch (err) {
      fail(err);
    }
    load();
  }

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "staff" && role !== "admin") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_" + role) });
    const asked = new URLSearchParams(location.search).get("home");
    if (asked) homeId = Number(asked);
    else if (role === "staff") {
      try {
        homeId = (await api("/api/me")).station_id;
      } catch (err) {
        return fail(err);
      }
    }
    if (!homeId) return G.showError(alertBox, { detail: say("desk_choose") });
    window.gigcityNights.fillNights($("night"), say);
    $("night").addEventListener("change", load);
    $("checkin-form").addEventListener("submit", checkIn);
    $("walkin-form").addEventListener("submit", walkIn);
    load();
  }

  start();
})();

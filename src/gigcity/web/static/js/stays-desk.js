/* The desk of a home with beds (/stays/desk): check a guest in by their code (POST
   /api/stays/homes/{id}/check-in), the bookings of the night chosen and today's naps (GET
   /api/stays/homes/{id}/bookings) with check-out and cancel, and the night's counts. Staff
   keep the home of their own station; admins name one with ?home=<id>. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("stays-strings");
  const NIGHT_ENDS_HOUR = 10; // a night ends at 10:00 district time (services/stays)
  const pageEl = $("desk-page");
  const alertBox = $("alert");
  const notice = $("notice");
  let homeId = null;

  function tell(text) {
    G.hideError(alertBox);
    notice.textContent = text;
    notice.hidden = false;
  }

  function fail(err) {
    if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
    notice.hidden = true;
    G.showError(alertBox, err);
  }

  /* "YYYY-MM-DD" of the night `offsetDays` after tonight, as the server counts nights: one
     runs from 18:00 to 10:00, so before 10:00 (district time) last night is still on. */
  function localDay(offsetDays) {
    const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: config.timezone, hour: "2-digit", hourCycle: "h23" }).format(new Date()));
    const shift = hour < NIGHT_ENDS_HOUR ? -1 : 0;
    const when = new Date(Date.now() + (offsetDays + shift) * 86400000);
    return new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(when);
  }

  function shortDate(day) {
    return new Intl.DateTimeFormat(config.htmlLang, { timeZone: "UTC", month: "numeric", day: "numeric", weekday: "short" }).format(
      new Date(day + "T00:00:00Z")
    );
  }

  function when(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  }

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

  async function load() {
    const night = $("night").value;
    try {
      const [home, bookings] = await Promise.all([
        api("/api/stays/homes/" + homeId + "?night=" + night),
        api("/api/stays/homes/" + homeId + "/bookings?night=" + night),
      ]);
      $("desk-title").textContent = say("desk_title", { home: home.name });
      const beds = home.rooms.flatMap((r) => r.beds).filter((b) => b.active);
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
    for (let i = 0; i <= 7; i += 1) {
      const day = localDay(i);
      $("night").append(h("option", { value: day, text: i === 0 ? say("tonight", { date: shortDate(day) }) : say("night_of", { date: shortDate(day) }) }));
    }
    $("night").addEventListener("change", load);
    $("checkin-form").addEventListener("submit", checkIn);
    load();
  }

  start();
})();

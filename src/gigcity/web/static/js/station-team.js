/* A station's 1+1+N and "one station, one plan" (/station-team): the station's staff (an
   admin: ?station=<id>) read GET /api/organisation/stations/{id}/team and edit it (POST and
   DELETE team members; PUT goals; POST, PUT done and DELETE actions). Below, this month's
   theme day at the station (GET /api/organisation/theme-days/stations/{id}): its QR poster
   to print (or download, GET /theme-days/{id}/poster), make-up sessions (POST
   /theme-days/{id}/makeups) and who came (GET /theme-days/{id}/attendance). Words come from
   #org-strings; no text is written here. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("org-strings");
  const show = G.messages($("alert"), $("notice"));
  const POSITIONS = ["master", "resident_instructor", "sector"];
  const SECTORS = ["police_safety", "market_supervision_food", "enterprise_liaison", "other"];
  const THEMES = "/api/organisation/theme-days";
  let base = "";
  let themeBase = "";
  let themeId = null; // the month's theme day, which make-up sessions follow

  const day = (iso) => G.districtTime(iso + "T12:00:00+08:00", { year: "numeric", month: "2-digit", day: "2-digit" });

  function role(m) {
    return m.position === "sector" ? say("sector_kind_" + m.sector_kind) : say("position_" + m.position);
  }

  function memberRow(m) {
    const remove = h("button", { type: "button", class: "btn btn-small", text: say("remove") });
    remove.addEventListener("click", () => change(api(base + "/team/" + m.id, { method: "DELETE" }), say("removed")));
    return h(
      "li",
      { "data-member": String(m.id) },
      h("div", { class: "org-row" }, h("strong", { text: role(m) }), remove),
      h("p", { text: m.name }),
      m.phone ? h("p", {}, h("a", { href: "tel:" + m.phone, text: m.phone })) : null,
      m.duty_hours ? h("p", { class: "note", text: say("hours", { hours: m.duty_hours }) }) : null
    );
  }

  function actionRow(a) {
    const box = h("input", { type: "checkbox", checked: a.done });
    box.addEventListener("change", () =>
      change(api(base + "/plan/actions/" + a.id + "/done", { method: "PUT", json: { done: box.checked } }), say("saved"))
    );
    const remove = h("button", { type: "button", class: "btn btn-small", text: say("remove") });
    remove.addEventListener("click", () => change(api(base + "/plan/actions/" + a.id, { method: "DELETE" }), say("removed")));
    return h(
      "li",
      { class: "org-action" + (a.done ? " org-action-done" : ""), "data-action": String(a.id), "data-done": a.done ? "yes" : "no" },
      h("div", { class: "org-row" }, h("label", {}, box, h("span", { class: "org-action-title", text: a.title })), remove),
      h("p", { class: "note", text: say("due", { day: day(a.due) }) })
    );
  }

  async function change(request, done) {
    try {
      await request;
      show.tell(done);
    } catch (err) {
      show.fail(err);
    }
    await load();
  }

  async function load() {
    let plan;
    try {
      plan = await api(base + "/team");
    } catch (err) {
      show.fail(err);
      return false;
    }
    $("station-name").textContent = plan.station_name;
    $("team").replaceChildren(...plan.team.map(memberRow));
    $("actions").replaceChildren(...plan.actions.map(actionRow));
    const done = plan.actions.filter((a) => a.done).length;
    $("plan-progress").value = plan.progress;
    $("plan-progress-text").textContent = say("progress", { done: done, total: plan.actions.length });
    if (document.activeElement !== $("goals")) $("goals").value = plan.goals;
    return true;
  }

  function fillSelects() {
    $("team-position").replaceChildren(...POSITIONS.map((p) => h("option", { value: p, text: say("position_" + p) })));
    $("team-sector").replaceChildren(...SECTORS.map((s) => h("option", { value: s, text: say("sector_kind_" + s) })));
    $("team-position").addEventListener("change", () => {
      $("team-sector-label").hidden = $("team-position").value !== "sector";
    });
  }

  function wireForms() {
    $("team-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const position = $("team-position").value;
      const body = {
        position: position,
        sector_kind: position === "sector" ? $("team-sector").value : null,
        name: $("team-name").value.trim(),
        phone: $("team-phone").value.trim() || null,
        duty_hours: $("team-hours").value.trim() || null,
      };
      change(api(base + "/team", { method: "POST", json: body }), say("added")).then(() => $("team-form").reset());
    });
    $("goals-form").addEventListener("submit", (event) => {
      event.preventDefault();
      change(api(base + "/plan/goals", { method: "PUT", json: { goals: $("goals").value } }), say("saved"));
    });
    $("action-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { title: $("action-title").value.trim(), due: $("action-due").value };
      change(api(base + "/plan/actions", { method: "POST", json: body }), say("added")).then(() => $("action-form").reset());
    });
  }

  /* ---- this month's theme day ---- */

  const clock = (iso) => G.districtTime(iso, { hour: "2-digit", minute: "2-digit" });
  const closes = (iso) => (clock(iso) === "00:00" ? "24:00" : clock(iso));

  function when(s) {
    return say("theme_held_on", { day: day(s.held_on), opens: clock(s.opens_at), closes: closes(s.closes_at) });
  }

  function showPoster(s) {
    $("poster-heading").textContent = say("theme_poster_heading_" + s.kind);
    $("poster-station").textContent = s.station_name;
    $("poster-when").textContent = when(s);
    $("poster-moved").textContent = s.moved_from ? say("theme_moved_from", { day: day(s.moved_from) }) : "";
    $("poster-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(s.qr_svg);
    $("theme-poster").dataset.session = String(s.id);
    $("theme-poster").hidden = false;
  }

  function sessionRow(s) {
    const print = h("button", { type: "button", class: "btn btn-small", text: say("theme_print") });
    print.addEventListener("click", () => {
      showPoster(s);
      window.print();
    });
    const download = h("button", { type: "button", class: "btn btn-small", text: say("theme_download") });
    download.addEventListener("click", () => G.downloadFile(THEMES + "/" + s.id + "/poster", "theme-day-" + s.id + ".svg").catch(show.fail));
    const who = h("button", { type: "button", class: "btn btn-small", text: say("theme_who") });
    who.addEventListener("click", () => loadAttendance(s.id));
    return h(
      "li",
      { "data-session": String(s.id), "data-kind": s.kind },
      h("div", { class: "org-row" }, h("strong", { text: say("theme_kind_" + s.kind) + (s.title ? " · " + s.title : "") }), h("span", { text: say("theme_attendance", { count: s.attendance }) })),
      h("p", { text: when(s) }),
      s.moved_from ? h("p", { class: "note", text: say("theme_moved_from", { day: day(s.moved_from) }) }) : null,
      h("div", { class: "org-row" }, print, download, who)
    );
  }

  async function loadAttendance(id) {
    let list;
    try {
      list = await api(THEMES + "/" + id + "/attendance");
    } catch (err) {
      show.fail(err);
      return;
    }
    $("attendance-count").textContent = list.count ? say("theme_count", { count: list.count }) : say("theme_none");
    $("attendance").replaceChildren(
      ...list.attendees.map((a) =>
        h("li", {}, h("p", { text: say("theme_attendee", { name: a.display_name, mode: say("theme_mode_" + a.mode), at: G.formatDateTime(a.at) }) }), a.kind === "makeup" ? h("p", { class: "note", text: say("theme_kind_makeup") + " · " + day(a.held_on) }) : null)
      )
    );
  }

  async function loadTheme() {
    let month;
    try {
      month = await api(themeBase);
    } catch (err) {
      show.fail(err);
      return false;
    }
    $("theme-sessions").replaceChildren(...month.sessions.map(sessionRow));
    const theme = month.sessions.find((s) => s.kind === "theme");
    themeId = theme ? theme.id : null;
    $("makeup-window").textContent = say("theme_makeup_window", { first: day(month.makeup_from), last: day(month.makeup_until) });
    const today = G.todayInDistrict();
    $("makeup-day").min = today > month.makeup_from ? today : month.makeup_from;
    $("makeup-day").max = month.makeup_until;
    $("makeup-form").hidden = !themeId || today > month.makeup_until;
    if (theme) {
      const shown = Number($("theme-poster").dataset.session);
      showPoster(month.sessions.find((s) => s.id === shown) || theme);
      await loadAttendance(theme.id);
    }
    return true;
  }

  function wireTheme() {
    $("makeup-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { held_on: $("makeup-day").value, title: $("makeup-title").value.trim() };
      try {
        await api(THEMES + "/" + themeId + "/makeups", { method: "POST", json: body });
        show.tell(say("added"));
        $("makeup-form").reset();
      } catch (err) {
        show.fail(err);
      }
      await loadTheme();
    });
  }

  /* A book handed to a member at this station: the member shows the code from their page. */
  function wireBooks(station) {
    $("book-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { code: $("book-code").value.trim(), title: $("book-title").value.trim(), place_id: station };
      api("/api/organisation/books", { method: "POST", json: body })
        .then((b) => {
          show.tell(say("given", { title: b.title, name: b.display_name }));
          $("book-code").value = "";
        })
        .catch(show.fail);
    });
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    const me = await G.signedIn(show.fail);
    if (!me) return;
    const asked = Number(new URLSearchParams(location.search).get("station"));
    const station = me.role === "admin" && asked > 0 ? asked : me.station_id;
    if (!station) {
      $("no-station").hidden = false;
      $("station-team-page").dataset.state = "ready";
      return;
    }
    base = "/api/organisation/stations/" + station;
    themeBase = THEMES + "/stations/" + station;
    fillSelects();
    wireForms();
    wireTheme();
    wireBooks(station);
    if (await load()) {
      $("team-panel").hidden = false;
      $("plan-panel").hidden = false;
      $("book-panel").hidden = false;
      if (await loadTheme()) $("theme-panel").hidden = false;
    }
    $("station-team-page").dataset.state = "ready";
  }

  start();
})();

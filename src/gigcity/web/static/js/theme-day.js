/* A rider's theme day (/theme-day). Opened from a station's QR poster (?code=...) it posts
   the code to POST /api/organisation/theme-days/checkin at once and shows the answer (the
   code then leaves the address, so reloading does not post it again). It lists this month's
   sessions (GET /theme-days), nearest first once the position is allowed, with online
   check-in (POST /theme-days/{id}/online) while a session is open, and the rider's own
   attendance (GET /theme-days/mine). Words come from #theme-strings. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("theme-strings");
  const show = G.messages($("alert"), $("notice"));
  const API = "/api/organisation/theme-days";
  const FIRST = 12; // rows shown before "show every station"
  let days = [];
  let here = null;
  let showAll = false;
  let attended = new Set(); // the months the rider has checked in already

  const day = (iso) => G.districtTime(iso + "T12:00:00+08:00", { year: "numeric", month: "2-digit", day: "2-digit" });
  const longDay = (iso) => G.districtTime(iso + "T12:00:00+08:00", { month: "long", day: "numeric", weekday: "long" });
  const monthName = (ym) => G.districtTime(ym + "-15T12:00:00+08:00", { year: "numeric", month: "long" });
  let usual = null; // the day most stations hold this month's theme day: said once, above the list
  const clock = (iso) => G.districtTime(iso, { hour: "2-digit", minute: "2-digit" });

  function showResult(a) {
    const params = { station: a.station_name, day: day(a.held_on), mode: say("mode_" + a.mode) };
    $("result-title").textContent = say(a.already ? "already" : "checked_in");
    $("result-line").textContent = say(a.already ? "already_line" : "checked_in_line", params);
    $("result-panel").dataset.already = a.already ? "yes" : "no";
    $("result-panel").hidden = false;
  }

  async function attend(request) {
    try {
      showResult(await request);
      show.clear();
    } catch (err) {
      show.fail(err);
    }
    await loadMine();
    if (days.length) render();
  }

  function closes(d) {
    // The window ends at midnight: "24:00", not the next day's "00:00".
    const end = clock(d.closes_at);
    return end === "00:00" ? "24:00" : end;
  }

  function dayRow(d) {
    const lines = [
      h("div", { class: "org-row" }, h("strong", { text: d.station_name }), d.open_now ? h("span", { class: "theme-open", text: say("open_now") }) : null),
    ];
    // The usual theme day is said once above the list; a row says its day only when it differs.
    if (d.kind !== "theme" || d.title) lines.push(h("p", { text: say("kind_" + d.kind) + (d.title ? " · " + d.title : "") }));
    if (d.kind !== "theme" || d.held_on !== usual) {
      lines.push(h("p", { text: say("held_on", { day: day(d.held_on), opens: clock(d.opens_at), closes: closes(d) }) }));
    }
    if (d.moved_from) lines.push(h("p", { class: "note", text: say("moved_from", { day: day(d.moved_from) }) }));
    if (here) {
      const metres = G.haversine(here.lat, here.lon, d.lat, d.lon);
      lines.push(h("p", { class: "note", text: say("distance", { distance: G.formatDistance(metres) }) }));
    }
    if (d.open_now && !attended.has(d.month)) {
      const online = h("button", { type: "button", class: "btn btn-primary", text: say("online") });
      online.addEventListener("click", () => attend(api(API + "/" + d.id + "/online", { method: "POST" })));
      lines.push(online);
    }
    return h("li", { class: "theme-day-row", "data-day": String(d.id), "data-open": d.open_now ? "yes" : "no" }, ...lines);
  }

  /* The day most stations hold the theme day on (they differ only where a station moved it). */
  function summarise() {
    const counts = new Map();
    days.filter((d) => d.kind === "theme").forEach((d) => counts.set(d.held_on, (counts.get(d.held_on) || 0) + 1));
    const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    usual = common ? common[0] : null;
    const sample = days.find((d) => d.kind === "theme" && d.held_on === usual);
    $("theme-summary").hidden = !sample;
    if (sample) {
      $("theme-summary").textContent = say("summary", { day: longDay(usual), opens: clock(sample.opens_at), closes: closes(sample) });
    }
  }

  function render() {
    const sorted = days.slice();
    if (here) {
      const far = (d) => G.haversine(here.lat, here.lon, d.lat, d.lon);
      sorted.sort((a, b) => far(a) - far(b));
    } else {
      sorted.sort((a, b) => Number(b.open_now) - Number(a.open_now) || a.station_name.localeCompare(b.station_name, document.documentElement.lang));
    }
    const shown = showAll ? sorted : sorted.slice(0, FIRST);
    $("days").replaceChildren(...shown.map(dayRow));
    $("days-empty").hidden = days.length > 0;
    $("show-all").hidden = shown.length >= sorted.length;
  }

  async function loadDays() {
    try {
      days = await api(API);
    } catch (err) {
      show.fail(err);
      return;
    }
    summarise();
    render();
  }

  async function loadMine() {
    let mine;
    try {
      mine = await api(API + "/mine");
    } catch (err) {
      show.fail(err);
      return;
    }
    $("mine").replaceChildren(
      ...mine.map((a) =>
        h("li", { "data-month": a.month }, h("p", { text: say("mine_line", { month: monthName(a.month), station: a.station_name, kind: say("kind_" + a.kind), mode: say("mode_" + a.mode) }) }))
      )
    );
    $("mine-empty").hidden = mine.length > 0;
    attended = new Set(mine.map((a) => a.month));
  }

  function wire() {
    $("show-all").addEventListener("click", () => {
      showAll = true;
      render();
    });
    $("use-position").addEventListener("click", async () => {
      here = await G.phonePosition(8000);
      if (!here) return show.tell(say("position_denied"));
      $("near-from").textContent = say("near_you");
      render();
    });
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    const me = await G.signedIn(show.fail);
    if (!me) return;
    wire();
    const params = new URLSearchParams(location.search);
    const code = params.get("code");
    if (code) {
      // Posted once: the code leaves the address before the answer comes.
      params.delete("code");
      history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
      await attend(api(API + "/checkin", { method: "POST", json: { code: code } }));
    } else {
      await loadMine();
    }
    await loadDays();
    $("theme-day-page").dataset.state = "ready";
  }

  start();
})();

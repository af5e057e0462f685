/* A station's 1+1+N and "one station, one plan" (/station-team): the station's staff (an
   admin: ?station=<id>) read GET /api/organisation/stations/{id}/team and edit it (POST and
   DELETE team members; PUT goals; POST, PUT done and DELETE actions). Words come from
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
  let base = "";

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
    fillSelects();
    wireForms();
    if (await load()) {
      $("team-panel").hidden = false;
      $("plan-panel").hidden = false;
    }
    $("station-team-page").dataset.state = "ready";
  }

  start();
})();

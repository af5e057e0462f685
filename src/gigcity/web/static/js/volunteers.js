/* Volunteer teams (/volunteers): GET /api/volunteers/me (my teams, their coming activities,
   my sign-ups and hours) and /teams; sign up and take it back, record the minutes given,
   download the certificate (its verification code shown beside it); a leader schedules and
   cancels activities and confirms others' hours; an admin creates teams and appoints
   leaders. A patrol under way links to the report page, which credits the report to the
   team. Words come from #vol-strings; no text is written here. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("vol-strings");
  const show = G.messages($("alert"), $("notice"));
  const API = "/api/volunteers";
  const KINDS = ["patrol", "traffic_guidance", "visit", "carry", "other"];
  const SECTORS = ["instant_retail", "ride_hailing", "express_logistics", "trucking", "other"];
  const ON_THE_ROAD = new Set(["patrol", "traffic_guidance"]); // where hazards are seen
  const SLACK_BEFORE_MS = 30 * 60 * 1000; // as the report intake allows
  let me = null;
  let teams = [];

  const when = (iso) => G.districtTime(iso, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  const clock = (iso) => G.districtTime(iso, { hour: "2-digit", minute: "2-digit" });
  const span = (a) => say("time_span", { start: when(a.starts_at), end: clock(a.ends_at) });

  function duration(minutes) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (hours && rest) return say("duration_hm", { hours: hours, minutes: rest });
    if (hours) return say("duration_h", { hours: hours });
    return say("duration_m", { minutes: rest });
  }

  function button(text, onClick, primary) {
    const b = h("button", { type: "button", class: "btn btn-small" + (primary ? " btn-primary" : ""), text: text });
    b.addEventListener("click", onClick);
    return b;
  }

  async function change(request, done) {
    try {
      await request;
      if (done) show.tell(done);
    } catch (err) {
      show.fail(err);
    }
    await load();
  }

  /* ---- a volunteer's own ---- */

  function activityRow(a) {
    const now = Date.now();
    const underWay = now >= Date.parse(a.starts_at) - SLACK_BEFORE_MS;
    const action = a.i_signed_up
      ? underWay
        ? null
        : button(say("withdraw"), () => change(api(API + "/activities/" + a.id + "/signup", { method: "DELETE" }), say("withdrawn")))
      : underWay || a.places_left === 0
        ? null
        : button(say("sign_up"), () => change(api(API + "/activities/" + a.id + "/signup", { method: "POST" }), say("signed_up")), true);
    const report =
      a.i_signed_up && underWay && ON_THE_ROAD.has(a.kind)
        ? h("a", { class: "btn btn-small vol-report", href: "/report?volunteer_activity=" + a.id, text: say("report_hazard") })
        : null;
    return h(
      "li",
      { "data-activity": String(a.id), "data-signed": a.i_signed_up ? "yes" : "no" },
      h("div", { class: "vol-row" }, h("strong", { text: say("kind_" + a.kind) + " · " + a.title }), action),
      h("p", { text: span(a) + (a.where_text ? " · " + a.where_text : "") }),
      h("p", { class: "note" }, a.team_name + " · ", h("span", { class: "vol-places", text: say("places_left", { n: a.places_left, capacity: a.capacity }) })),
      a.i_signed_up ? h("p", { class: "vol-badge", text: say("you_are_in") }) : null,
      report
    );
  }

  function minutesForm(s) {
    const most = Math.max(1, Math.floor((Math.min(Date.now(), Date.parse(s.ends_at)) - Date.parse(s.starts_at)) / 60000));
    const input = h("input", { type: "number", min: "1", max: String(Math.floor(most)), value: String(s.minutes || Math.floor(most)), "aria-label": say("minutes_label"), class: "vol-minutes" });
    const save = button(say("record"), () =>
      change(api(API + "/signups/" + s.id + "/minutes", { method: "PUT", json: { minutes: Number(input.value) } }), say("recorded"))
    );
    return h("div", { class: "vol-row vol-record" }, h("label", {}, say("minutes_label"), input), save);
  }

  function signupRow(s) {
    const started = Date.now() >= Date.parse(s.starts_at);
    let state = say("state_" + s.state);
    if (s.minutes) state = duration(s.minutes) + " · " + state;
    if (s.state === "confirmed") state += " · " + say("confirmed_by", { name: s.confirmed_by || "" });
    return h(
      "li",
      { "data-signup": String(s.id), "data-hours": s.state },
      h("strong", { text: say("kind_" + s.kind) + " · " + s.activity_title }),
      h("p", { class: "note", text: s.team_name + " · " + span(s) }),
      started ? h("p", { text: state }) : h("p", { class: "note", text: say("not_started") }),
      started && s.state !== "confirmed" ? minutesForm(s) : null
    );
  }

  function teamRow(team) {
    const facts = [say("sector_" + team.sector), say("members_count", { n: team.members }), say("reports_count", { n: team.reports })];
    let action = null;
    if (team.my_role === "member") {
      action = button(say("leave"), () => change(api(API + "/teams/" + team.id + "/members/" + me.id, { method: "DELETE" }), say("left")));
    } else if (!team.my_role && me.role === "rider") {
      action = button(say("join"), () => change(api(API + "/teams/" + team.id + "/join", { method: "POST" }), say("joined")), true);
    }
    const reports = h("ol", { class: "vol-reports", hidden: true });
    const open = button(say("show_reports"), async () => {
      try {
        const detail = await api(API + "/teams/" + team.id);
        reports.replaceChildren(
          ...(detail.reports.length
            ? detail.reports.map((r) =>
                h("li", { text: say("report_line", { id: r.report_id, day: when(r.created_at), activity: r.activity_title || "" }) })
              )
            : [h("li", { class: "note", text: say("no_reports") })])
        );
        reports.hidden = false;
      } catch (err) {
        show.fail(err);
      }
    });
    return h(
      "li",
      { "data-team": String(team.id), "data-role": team.my_role || "" },
      h("div", { class: "vol-row" }, h("strong", { text: team.name }), action),
      team.my_role ? h("p", { class: "vol-badge", text: say("role_" + team.my_role) }) : null,
      h("p", { class: "note", text: facts.join(" · ") }),
      team.leaders.length ? h("p", { text: say("leaders", { names: team.leaders.join(say("list_separator")) }) }) : null,
      team.description ? h("p", { class: "note", text: team.description }) : null,
      open,
      reports
    );
  }

  function empty(text) {
    return [h("li", { class: "note", text: text })];
  }

  /* ---- a leader's ---- */

  function leadable() {
    return me.role === "admin" ? teams : teams.filter((t) => t.my_role === "leader");
  }

  async function loadLeader() {
    const id = $("lead-team").value;
    if (!id) return;
    try {
      const [waiting, unrecorded, detail] = await Promise.all([
        api(API + "/teams/" + id + "/hours?state=waiting"),
        api(API + "/teams/" + id + "/hours?state=unrecorded"),
        api(API + "/teams/" + id),
      ]);
      // The leader may record a volunteer's minutes for them (a phone left at home).
      $("unrecorded").replaceChildren(
        ...(unrecorded.length
          ? unrecorded.map((s) =>
              h(
                "li",
                { "data-signup": String(s.id) },
                h("strong", { text: s.display_name }),
                h("p", { class: "note", text: say("kind_" + s.kind) + " · " + s.activity_title + " · " + span(s) }),
                minutesForm(s)
              )
            )
          : empty(say("nothing_unrecorded")))
      );
      $("waiting").replaceChildren(
        ...(waiting.length
          ? waiting.map((s) =>
              h(
                "li",
                { "data-signup": String(s.id) },
                h("div", { class: "vol-row" }, h("strong", { text: s.display_name + " · " + duration(s.minutes) }),
                  s.account_id === me.id ? null : button(say("confirm"), () => change(api(API + "/signups/" + s.id + "/confirm", { method: "POST" }), say("confirmed_done")), true)),
                h("p", { class: "note", text: say("kind_" + s.kind) + " · " + s.activity_title + " · " + span(s) })
              )
            )
          : empty(say("nothing_waiting")))
      );
      $("team-activities").replaceChildren(
        ...(detail.activities.length
          ? detail.activities.map((a) =>
              h(
                "li",
                { "data-activity": String(a.id) },
                h("div", { class: "vol-row" }, h("strong", { text: say("kind_" + a.kind) + " · " + a.title }),
                  button(say("cancel_activity"), () => change(api(API + "/activities/" + a.id + "/cancel", { method: "POST" }), say("cancelled")))),
                h("p", { class: "note", text: span(a) + " · " + say("signed_count", { n: a.signed_up, capacity: a.capacity }) })
              )
            )
          : empty(say("no_activities")))
      );
    } catch (err) {
      show.fail(err);
    }
  }

  function fillTeamSelect(select, list) {
    const kept = select.value;
    select.replaceChildren(...list.map((t) => h("option", { value: String(t.id), text: t.name })));
    if (list.some((t) => String(t.id) === kept)) select.value = kept;
  }

  /* ---- loading ---- */

  async function load() {
    let mine;
    try {
      [mine, teams] = await Promise.all([api(API + "/me"), api(API + "/teams")]);
    } catch (err) {
      show.fail(err);
      return;
    }
    $("confirmed-hours").textContent = duration(mine.hours.confirmed_minutes);
    $("waiting-hours").textContent = duration(mine.hours.waiting_minutes);
    $("activities").replaceChildren(...(mine.activities.length ? mine.activities.map(activityRow) : empty(say("no_activities"))));
    $("signups").replaceChildren(...(mine.hours.signups.length ? mine.hours.signups.map(signupRow) : empty(say("no_signups"))));
    $("teams").replaceChildren(...(teams.length ? teams.map(teamRow) : empty(say("no_teams"))));
    const lead = leadable();
    $("leader-panel").hidden = lead.length === 0;
    if (lead.length) {
      fillTeamSelect($("lead-team"), lead);
      await loadLeader();
    }
    if (me.role === "admin") fillTeamSelect($("leader-team"), teams);
  }

  function wireForms() {
    $("act-kind").replaceChildren(...KINDS.map((k) => h("option", { value: k, text: say("kind_" + k) })));
    $("team-sector").replaceChildren(...SECTORS.map((s) => h("option", { value: s, text: say("sector_" + s) })));
    $("lead-team").addEventListener("change", loadLeader);
    $("schedule-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        kind: $("act-kind").value,
        title: $("act-title").value.trim(),
        where_text: $("act-where").value.trim(),
        starts_at: $("act-starts").value, // district time: the API reads a naive time so
        ends_at: $("act-ends").value,
        capacity: Number($("act-capacity").value),
      };
      change(api(API + "/teams/" + $("lead-team").value + "/activities", { method: "POST", json: body }), say("scheduled")).then(() =>
        $("schedule-form").reset()
      );
    });
    $("team-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        name: $("team-name").value.trim(),
        sector: $("team-sector").value,
        subdistrict: $("team-subdistrict").value || null,
        description: $("team-description").value.trim(),
      };
      change(api(API + "/teams", { method: "POST", json: body }), say("team_created")).then(() => $("team-form").reset());
    });
    $("leader-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { account_id: Number($("leader-account").value) };
      change(api(API + "/teams/" + $("leader-team").value + "/leaders", { method: "PUT", json: body }), say("leader_appointed"));
    });
    $("certificate-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const query = new URLSearchParams();
      if ($("cert-from").value) query.set("from", $("cert-from").value);
      if ($("cert-to").value) query.set("to", $("cert-to").value);
      try {
        const response = await G.fetchAuthed(API + "/me/certificate.pdf?" + query.toString());
        const code = response.headers.get("x-verification-code") || "";
        await G.saveResponse(response, "volunteer-hours.pdf");
        $("cert-code").textContent = say("certificate_code", { code: code });
      } catch (err) {
        show.fail(err);
      }
    });
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    me = await G.signedIn(show.fail);
    if (!me) return;
    $("admin-panel").hidden = me.role !== "admin";
    wireForms();
    await load();
    $("volunteers-page").dataset.state = "ready";
  }

  start();
})();

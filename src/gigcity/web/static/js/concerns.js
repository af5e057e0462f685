/* The concerns board (/concerns, "see you on Tuesday"): GET /api/organisation/concerns, /meetings and
   /committees (and /api/workbench/options for the proposal form). Riders raise concerns and
   say "me too" (PUT/DELETE .../support); the committee's officers and admins (`may_manage`)
   put them on a Tuesday meeting, set owner, due date, status and answer (PATCH with the
   version they saw: a 409 says someone changed it meanwhile, and the board reloads); admins
   price a concern on the workbench (POST .../proposal). Words come from #concerns-strings;
   no text is written here. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("concerns-strings");
  const show = G.messages($("alert"), $("notice"));
  const API = "/api/organisation";
  const TOPICS = ["pay", "stairs_weight", "detours", "deductions", "rest", "safety", "other"];
  const STATUSES = ["open", "on_agenda", "answered", "closed", "declined"];
  const NEXT = {
    open: ["open", "on_agenda", "answered", "declined"],
    on_agenda: ["on_agenda", "open", "answered", "declined"],
    answered: ["answered", "on_agenda", "closed"],
    closed: [],
    declined: [],
  };
  const FINAL = ["closed", "declined"];
  let me = null;
  let meetings = [];
  let committees = [];
  let options = null;

  const day = (iso) => G.districtTime(iso + "T12:00:00+08:00", { year: "numeric", month: "2-digit", day: "2-digit" });
  const moment = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit" });
  const optionsOf = (values, label) => values.map((v) => h("option", { value: v, text: label(v) }));

  function nextTuesday() {
    const today = new Date(G.todayInDistrict() + "T00:00:00Z");
    today.setUTCDate(today.getUTCDate() + ((2 - today.getUTCDay() + 7) % 7));
    return today.toISOString().slice(0, 10);
  }

  async function act(request, done) {
    try {
      await request;
      show.tell(done);
    } catch (err) {
      show.fail(err);
      if (err.status === 409) await load(); // someone else changed it: show what is there now
      return false;
    }
    await load();
    return true;
  }

  /* ---- one concern ---- */

  function supportButton(c) {
    if (me.role !== "rider" || FINAL.includes(c.status)) return null;
    const button = h("button", {
      type: "button",
      class: "btn btn-small" + (c.supported ? "" : " btn-primary"),
      "data-role": "support",
      "aria-pressed": c.supported ? "true" : "false",
      text: c.supported ? say("me_too_back") : say("me_too"),
    });
    button.addEventListener("click", () =>
      act(api(API + "/concerns/" + c.id + "/support", { method: c.supported ? "DELETE" : "PUT" }), say(c.supported ? "support_taken_back" : "supported"))
    );
    return button;
  }

  function runLine(c) {
    if (!c.run) return null;
    return h(
      "p",
      { class: "concern-run", "data-run": String(c.run.id) },
      h("span", { text: say("run_line", { status: say("run_" + c.run.status) }) + " " }),
      h("a", { href: c.run.page_url, text: say("run_open") })
    );
  }

  function facts(c) {
    const lines = [];
    if (c.owner) lines.push(say("owner_line", { owner: c.owner }));
    if (c.due_on) lines.push(say("due_line", { day: day(c.due_on) }));
    if (c.meeting_on) lines.push(say("meeting_line", { day: day(c.meeting_on) }));
    return lines.map((text) => h("p", { class: "note", text: text }));
  }

  function concernRow(c) {
    const badges = h(
      "span",
      { class: "concern-badges" },
      h("span", { class: "concern-status concern-status-" + c.status, text: say("status_" + c.status) }),
      c.overdue ? h("span", { class: "concern-overdue", text: say("overdue") }) : null
    );
    return h(
      "li",
      { "data-concern": String(c.id), "data-status": c.status },
      h("div", { class: "concern-head" }, h("strong", { class: "concern-title", text: c.title }), badges),
      h("p", { class: "note", text: say("meta_line", { topic: say("topic_" + c.topic), committee: c.organisation_name, day: moment(c.created_at) }) }),
      c.detail ? h("p", { class: "concern-detail", text: c.detail }) : null,
      h(
        "div",
        { class: "concern-support" },
        h("span", { "data-role": "supporters", text: say("supporters", { count: c.supporters }) }),
        c.mine ? h("span", { class: "note", text: say("mine") }) : null,
        supportButton(c)
      ),
      ...facts(c),
      c.answer ? h("div", { class: "concern-answer" }, h("strong", { text: say(c.status === "declined" ? "declined_answer" : "answer_title") }), h("p", { text: c.answer })) : null,
      runLine(c),
      c.may_manage && !FINAL.includes(c.status) ? manageForm(c) : null,
      proposalForm(c)
    );
  }

  function manageForm(c) {
    const status = h("select", { name: "status" }, ...optionsOf(NEXT[c.status], (s) => say("status_" + s)));
    const own = meetings.filter((m) => m.organisation_id === c.organisation_id);
    const meeting = h("select", { name: "meeting" }, h("option", { value: "", text: say("no_meeting") }), ...own.map((m) => h("option", { value: String(m.id), text: day(m.held_on), selected: m.id === c.meeting_id })));
    const owner = h("input", { name: "owner", maxlength: "120", value: c.owner || "", autocomplete: "off" });
    const due = h("input", { name: "due", type: "date", value: c.due_on || "" });
    const answer = h("textarea", { name: "answer", rows: "3", maxlength: "8000" });
    answer.value = c.answer || "";
    meeting.addEventListener("change", () => {
      // choosing a meeting for an open concern means putting it on that meeting's agenda
      if (meeting.value && status.value === "open" && NEXT[c.status].includes("on_agenda")) status.value = "on_agenda";
    });
    const form = h(
      "form",
      { class: "form concern-manage", novalidate: true },
      h("label", {}, say("status_label"), status),
      h("label", {}, say("meeting_label"), meeting),
      h("label", {}, say("owner_label"), owner),
      h("label", {}, say("due_label"), due),
      h("label", {}, say("answer_label"), answer),
      h("button", { type: "submit", class: "btn btn-primary", text: say("save") })
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { updated_at: c.updated_at, status: status.value, owner: owner.value.trim() || null, due_on: due.value || null };
      if (status.value === "on_agenda" && meeting.value) body.meeting_id = Number(meeting.value);
      if (["answered", "declined"].includes(status.value)) body.answer = answer.value.trim();
      act(api(API + "/concerns/" + c.id, { method: "PATCH", json: body }), say("saved"));
    });
    return h("details", { class: "concern-more concern-manage-box" }, h("summary", { text: say("manage") }), form);
  }

  function proposalForm(c) {
    if (!options || !options.may_start || c.run || FINAL.includes(c.status)) return null;
    const books = (chosen) => options.rulebooks.map((b) => h("option", { value: b.id, text: b.title, selected: b.id === chosen }));
    const a = h("select", { name: "rules_a" }, ...books("baseline-2024"));
    const b = h("select", { name: "rules_b" }, ...books("putuo-2025"));
    const scenario = h("select", { name: "scenario" }, ...options.scenarios.map((s) => h("option", { value: s.id, text: s.title })));
    const orders = h("input", { name: "orders", type: "number", min: "50", max: String(options.max_orders), step: "50", value: "1000", inputmode: "numeric" });
    const form = h(
      "form",
      { class: "form concern-propose", novalidate: true },
      h("p", { class: "note", text: say("propose_note") }),
      h("label", {}, say("rules_a_label"), a),
      h("label", {}, say("rules_b_label"), b),
      h("label", {}, say("scenario_label"), scenario),
      h("label", {}, say("orders_label"), orders),
      h("button", { type: "submit", class: "btn btn-primary", text: say("propose") })
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { rules_a: a.value, rules_b: b.value, scenario: scenario.value, orders: Number(orders.value) };
      act(api(API + "/concerns/" + c.id + "/proposal", { method: "POST", json: body }), say("proposed"));
    });
    return h("details", { class: "concern-more concern-propose-box" }, h("summary", { text: say("propose_title") }), form);
  }

  /* ---- the next Tuesday's meeting ---- */

  function agendaBlock(m, onIt) {
    const block = h(
      "article",
      { class: "concern-meeting", "data-meeting": String(m.id) },
      h("h3", { text: say("meeting_title", { day: day(m.held_on), committee: m.organisation_name }) }),
      m.agenda ? h("p", { class: "concern-detail", text: m.agenda }) : h("p", { class: "note", text: say("no_agenda") }),
      h("p", { class: "note", text: say("on_agenda_count", { count: onIt.length }) }),
      h("ol", { class: "concern-agenda" }, ...onIt.map((c) => h("li", { text: say("agenda_item", { title: c.title, count: c.supporters }) })))
    );
    if (m.may_manage) block.append(meetingForm(m));
    return block;
  }

  function meetingForm(m) {
    const agenda = h("textarea", { name: "agenda", rows: "3", maxlength: "4000" });
    agenda.value = m.agenda;
    const minutes = h("textarea", { name: "minutes", rows: "3", maxlength: "10000" });
    minutes.value = m.minutes || "";
    const form = h(
      "form",
      { class: "form", novalidate: true },
      h("label", {}, say("agenda_label"), agenda),
      h("label", {}, say("minutes_label"), minutes),
      h("button", { type: "submit", class: "btn", text: say("save") })
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { agenda: agenda.value, minutes: minutes.value };
      act(api(API + "/meetings/" + m.id, { method: "PATCH", json: body }), say("saved"));
    });
    return h("details", { class: "concern-more" }, h("summary", { text: say("edit_meeting") }), form);
  }

  function showAgenda(concerns) {
    const today = G.todayInDistrict();
    const coming = meetings.filter((m) => m.held_on >= today).map((m) => m.held_on).sort();
    const next = coming.length ? meetings.filter((m) => m.held_on === coming[0]) : [];
    $("agenda").replaceChildren(...next.map((m) => agendaBlock(m, concerns.filter((c) => c.meeting_id === m.id))));
    $("agenda-none").hidden = next.length > 0;
  }

  /* ---- loading ---- */

  async function load() {
    const query = new URLSearchParams();
    if ($("filter-status").value) query.set("status", $("filter-status").value);
    if ($("filter-topic").value) query.set("topic", $("filter-topic").value);
    let board, all;
    try {
      [board, meetings, all] = await Promise.all([
        api(API + "/concerns?" + query.toString()),
        api(API + "/meetings"),
        query.toString() ? api(API + "/concerns") : null, // the agenda lists every concern on it
      ]);
    } catch (err) {
      show.fail(err);
      return false;
    }
    $("concerns").replaceChildren(...board.map(concernRow));
    $("concerns-none").hidden = board.length > 0;
    showAgenda(all || board);
    return true;
  }

  function fillForms() {
    const anyTopic = h("option", { value: "", text: say("all_topics") });
    $("filter-topic").replaceChildren(anyTopic, ...optionsOf(TOPICS, (t) => say("topic_" + t)));
    $("filter-status").replaceChildren(h("option", { value: "", text: say("all_statuses") }), ...optionsOf(STATUSES, (s) => say("status_" + s)));
    $("raise-topic").replaceChildren(...optionsOf(TOPICS, (t) => say("topic_" + t)));
    const own = h("option", { value: "", text: say("my_committee") });
    $("raise-committee").replaceChildren(own, ...committees.map((c) => h("option", { value: String(c.id), text: c.name })));
    const managed = committees.filter((c) => c.may_manage);
    $("meeting-committee").replaceChildren(...managed.map((c) => h("option", { value: String(c.id), text: c.name })));
    $("meeting-day").value = nextTuesday();
    $("meeting-form-box").hidden = managed.length === 0;
    $("raise-panel").hidden = me.role !== "rider";
  }

  function wire() {
    $("filter-status").addEventListener("change", load);
    $("filter-topic").addEventListener("change", load);
    $("raise-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const committee = $("raise-committee").value;
      const body = {
        title: $("raise-title-input").value.trim(),
        topic: $("raise-topic").value,
        detail: $("raise-detail").value.trim(),
        organisation_id: committee ? Number(committee) : null,
      };
      if (await act(api(API + "/concerns", { method: "POST", json: body }), say("raised"))) $("raise-form").reset();
    });
    $("meeting-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = { organisation_id: Number($("meeting-committee").value), held_on: $("meeting-day").value, agenda: $("meeting-agenda").value };
      act(api(API + "/meetings", { method: "POST", json: body }), say("meeting_added"));
    });
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    me = await G.signedIn(show.fail);
    if (!me) return;
    try {
      [committees, options] = await Promise.all([api(API + "/committees"), api("/api/workbench/options").catch(() => null)]);
    } catch (err) {
      show.fail(err);
      return;
    }
    fillForms();
    wire();
    await load();
    $("concerns-page").dataset.state = "ready";
  }

  start();
})();

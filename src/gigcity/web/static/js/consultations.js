/* The consultations half of /voices: the meetings of the caller's area
   (GET /api/governance/consultations) with who took part (parties and how many people, no
   names) and what was agreed, each item due, overdue or done; recording a meeting; marking
   an item done today or not done after all; the CSV of every agreed item. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("survey-strings");
  const { tell, fail } = G.messages($("alert"), $("notice"));
  const pageEl = $("voices-page");

  function itemEl(meeting, a) {
    const status = a.done_on ? say("done_on", { day: a.done_on }) : a.due_on ? say("due", { day: a.due_on }) : "";
    const flag = a.overdue ? h("span", { class: "overdue", text: say("overdue") }) : null;
    const toggle = a.done_on
      ? h("button", { type: "button", class: "btn btn-small", text: say("mark_undone"), onclick: () => mark(meeting.id, a.position, null) })
      : h("button", { type: "button", class: "btn btn-small", text: say("mark_done"), onclick: () => mark(meeting.id, a.position, G.todayInDistrict()) });
    return h("li", { class: a.overdue ? "agreed is-overdue" : "agreed", dataset: { position: a.position } },
      h("p", {}, a.what + " — " + say("party_" + a.owner)),
      h("p", { class: "note" }, status, " ", flag),
      toggle);
  }

  function meetingEl(m) {
    const parties = m.parties.map((p) => say("party_people", { party: say("party_" + p.party), people: p.people })).join(say("list_separator"));
    const head = [m.held_on, m.place_name, say("people_total", { people: m.people })];
    if (m.overdue) head.push(say("overdue_count", { count: m.overdue }));
    return h("li", { dataset: { id: m.id } },
      h("p", {}, h("strong", { text: m.title })),
      h("p", { class: m.overdue ? "overdue" : "note", text: head.join(" · ") }),
      h("p", { text: parties }),
      m.note ? h("p", { class: "note", text: m.note }) : null,
      h("ul", { class: "item-list agreed-list" }, m.agreed.map((a) => itemEl(m, a))));
  }

  async function loadMeetings() {
    const meetings = await api("/api/governance/consultations");
    $("meeting-list").replaceChildren(...meetings.map(meetingEl));
    $("meeting-empty").textContent = say("no_meetings");
    $("meeting-empty").hidden = meetings.length > 0;
    pageEl.dataset.meetings = "ready";
  }

  async function mark(id, position, day) {
    try {
      await api("/api/governance/consultations/" + id + "/agreed/" + position, { method: "PUT", json: { done_on: day } });
      tell(say("item_updated"));
      await loadMeetings();
    } catch (err) {
      fail(err);
    }
  }

  function addItem() {
    $("mt-items").append($("mt-item").content.firstElementChild.cloneNode(true));
  }

  function number(id) {
    const v = $(id).value.trim();
    return v === "" ? null : Number(v);
  }

  async function record(event) {
    event.preventDefault();
    const parties = [...document.querySelectorAll(".mt-party")]
      .filter((el) => Number(el.value) > 0)
      .map((el) => ({ party: el.dataset.party, people: Number(el.value) }));
    if (!parties.length) return fail(new Error(say("need_party")));
    const agreed = [...document.querySelectorAll("#mt-items .agreed-row")]
      .map((el) => ({ what: el.querySelector(".mt-what").value.trim(), owner: el.querySelector(".mt-owner").value, due_on: el.querySelector(".mt-due").value || null }))
      .filter((a) => a.what);
    const body = { title: $("mt-title").value.trim(), held_on: $("mt-held").value, parties: parties, agreed: agreed, note: $("mt-note").value.trim() };
    const estate = number("mt-estate");
    if (estate) body.estate_id = estate;
    else Object.assign(body, { lon: number("mt-lon"), lat: number("mt-lat"), place_name: $("mt-place").value.trim() || null });
    try {
      await api("/api/governance/consultations", { method: "POST", json: body });
      tell(say("recorded"));
      $("meeting-create").reset();
      $("mt-items").replaceChildren();
      addItem();
      $("meeting-add").open = false;
      await loadMeetings();
    } catch (err) {
      fail(err);
    }
  }

  function start() {
    if (!G.auth.token()) return; // survey-staff.js sends the page to sign in
    addItem();
    $("mt-held").value = G.todayInDistrict();
    $("mt-add-item").addEventListener("click", addItem);
    $("meeting-create").addEventListener("submit", record);
    $("meetings-csv").addEventListener("click", (event) => {
      event.preventDefault();
      G.voicesDownload("/api/governance/consultations.csv", "consultations.csv");
    });
    loadMeetings().catch(fail);
  }

  start();
})();

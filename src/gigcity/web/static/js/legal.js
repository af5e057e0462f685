/* The volunteer lawyers' page (/legal): my slots to come at every station, soonest first
   (GET /api/stations/legal/slots); a booked one with its topic and the driver's name, and
   its case notes (GET and POST /api/stations/slots/{id}/notes: the server answers them to
   the slot's lawyer and its driver only). */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("legal-strings");
  const show = G.messages($("alert"), $("notice"));

  function format(iso, options) {
    return new Intl.DateTimeFormat(config.htmlLang, Object.assign({ timeZone: config.timezone }, options)).format(new Date(iso));
  }

  function day(iso) {
    return format(iso, { month: "long", day: "numeric", weekday: "short" });
  }

  function clock(iso) {
    return format(iso, { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function noteRow(n) {
    const by = n.by === "lawyer" ? say("by_lawyer") : say("by_driver");
    return h(
      "li",
      { "data-note": String(n.id) },
      h("span", { class: "note-by", text: say("note_line", { by: by, at: day(n.at) + " " + clock(n.at) }) }),
      h("span", { class: "note-text", text: n.text })
    );
  }

  async function loadNotes(slotId, list, empty) {
    let notes;
    try {
      notes = await api("/api/stations/slots/" + slotId + "/notes");
    } catch (err) {
      return show.fail(err);
    }
    list.replaceChildren(...notes.map(noteRow));
    empty.hidden = notes.length > 0;
  }

  /* A booked slot's case: its notes and a box to add one. */
  function caseBlock(s) {
    const list = h("ol", { class: "notes" });
    const empty = h("p", { class: "note", text: say("no_notes"), hidden: true });
    const fieldId = "note-" + s.id;
    const text = h("textarea", { id: fieldId, maxlength: "4000", rows: "3", required: true });
    const add = h("button", { type: "submit", class: "btn btn-primary big-btn", text: say("add_note") });
    const form = h(
      "form",
      { class: "note-form", novalidate: true },
      h("label", { for: fieldId, text: say("note_label") }),
      text,
      add
    );
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      add.disabled = true;
      try {
        await api("/api/stations/slots/" + s.id + "/notes", { method: "POST", json: { text: text.value } });
        text.value = "";
        show.tell(say("note_added"));
      } catch (err) {
        show.fail(err);
      }
      add.disabled = false;
      await loadNotes(s.id, list, empty);
    });
    const block = h("section", { class: "case" }, h("h3", { text: say("notes_title") }), empty, list, form);
    return { block: block, loaded: loadNotes(s.id, list, empty) };
  }

  function slotRow(s, pending) {
    const when = say("slot_when", { day: day(s.starts_at), start: clock(s.starts_at), end: clock(s.ends_at) });
    const state = s.booked
      ? h("p", { class: "slot-booked", text: say("booked", { driver: s.driver_name || "", topic: say("topic_" + s.topic) }) })
      : h("p", { class: "slot-free", text: say("free") });
    let block = null;
    if (s.booked) {
      const made = caseBlock(s);
      block = made.block;
      pending.push(made.loaded);
    }
    return h(
      "li",
      { class: "slot", "data-slot": String(s.id), "data-booked": s.booked ? "yes" : "no" },
      h("p", {}, h("strong", { text: when })),
      h("p", { text: s.station_name }),
      state,
      block
    );
  }

  async function load() {
    let slots;
    try {
      slots = await api("/api/stations/legal/slots");
    } catch (err) {
      return show.fail(err);
    }
    const pending = [];
    $("slots").replaceChildren(...slots.map((s) => slotRow(s, pending)));
    $("slots-empty").hidden = slots.length > 0;
    await Promise.all(pending);
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    await load();
    $("legal-page").dataset.state = "ready";
  }

  start();
})();

/* The opening hours form of the staff page (_hours_form.html): fills it from a place's
   hours and reads it back as the API's `hours` object, or as OpenStreetMap text when the
   staff changed the text under "Advanced" (or the hours need more than the form holds). */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("hours-strings");
  const DAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"];
  let originalText = "";
  let osmOnly = false;

  /* <input type="time"> cannot hold 24:00: midnight as an end is 00:00 in the form. */
  const toInput = (time) => (time === "24:00" ? "00:00" : time);
  const fromInput = (time, isEnd) => (isEnd && time === "00:00" ? "24:00" : time);

  function timeInput(cls, label) {
    return h("input", { type: "time", class: cls, "aria-label": label });
  }

  function dayRow(code, index) {
    const name = G.t("weekdays")[index];
    const first = h("span", { class: "time-range" },
      timeInput("start", name + " " + say("opens")), h("span", { "aria-hidden": "true", text: "–" }),
      timeInput("end", name + " " + say("closes")));
    const second = h("span", { class: "time-range second" },
      timeInput("start", name + " " + say("second_range") + " " + say("opens")),
      h("span", { "aria-hidden": "true", text: "–" }),
      timeInput("end", name + " " + say("second_range") + " " + say("closes")));
    const more = h("button", { type: "button", class: "btn btn-small add-range", text: "+ " + say("second_range") });
    const row = h("div", { class: "hours-day", dataset: { day: code } },
      h("span", { class: "day-name", text: name }),
      h("label", { class: "check" }, h("input", { type: "checkbox", class: "day-closed" }), " " + say("closed")),
      first, more, second);
    more.addEventListener("click", function () {
      row.dataset.second = "shown";
      sync();
      second.querySelector("input").focus();
    });
    return row;
  }

  function build() {
    $("hours-week").replaceChildren(...DAYS.map(dayRow));
    $("hours-24h").addEventListener("change", sync);
    $("hours-holidays").addEventListener("change", sync);
    $("hours-week").addEventListener("change", sync);
    $("hours-copy-monday").addEventListener("click", copyMonday);
  }

  function copyMonday() {
    const rows = [...document.querySelectorAll("#hours-week .hours-day")];
    const monday = rows[0];
    const times = [...monday.querySelectorAll("input[type=time]")].map((i) => i.value);
    for (const row of rows.slice(1, 5)) {
      row.querySelector(".day-closed").checked = monday.querySelector(".day-closed").checked;
      row.querySelectorAll("input[type=time]").forEach((input, i) => (input.value = times[i]));
    }
    sync();
  }

  /* Show only what applies: no week under 24 h, no times on a closed day. */
  function sync() {
    const always = $("hours-24h").checked;
    $("hours-week").hidden = always;
    $("hours-copy-monday").hidden = always || osmOnly;
    for (const row of document.querySelectorAll("#hours-week .hours-day")) {
      const closed = row.querySelector(".day-closed").checked;
      const [first, second] = row.querySelectorAll(".time-range");
      const secondUsed = [...second.querySelectorAll("input")].some((i) => i.value);
      first.hidden = closed;
      second.hidden = closed || !(secondUsed || row.dataset.second === "shown");
      row.querySelector(".add-range").hidden = closed || !second.hidden || osmOnly;
    }
    $("hours-holiday-range").hidden = $("hours-holidays").value !== "ranges";
  }

  function setRange(span, range) {
    const [start, end] = span.querySelectorAll("input");
    start.value = range ? toInput(range.start) : "";
    end.value = range ? toInput(range.end) : "";
  }

  function fill(hours, hoursText) {
    hours = hours || { always_open: true };
    originalText = hoursText || "";
    osmOnly = Boolean(hours.osm);
    $("hours-osm-note").hidden = !osmOnly;
    $("hours-advanced").open = osmOnly;
    $("status-hours").value = originalText;
    for (const input of document.querySelectorAll("#hours-editor input, #hours-editor select")) {
      if (input.id !== "status-hours") input.disabled = osmOnly;
    }
    $("hours-24h").checked = Boolean(hours.always_open);
    const weekly = hours.weekly || {};
    for (const row of document.querySelectorAll("#hours-week .hours-day")) {
      const ranges = weekly[row.dataset.day] || [];
      row.querySelector(".day-closed").checked = !hours.always_open && ranges.length === 0;
      const [first, second] = row.querySelectorAll(".time-range");
      setRange(first, ranges[0]);
      setRange(second, ranges[1]);
      delete row.dataset.second;
    }
    const holidays = hours.public_holidays;
    $("hours-holidays").value = holidays == null ? "usual" : holidays.length ? "ranges" : "closed";
    setRange($("hours-holiday-range"), holidays && holidays[0]);
    $("hours-makeup").value = hours.makeup_workdays || "";
    sync();
  }

  /* The range of a span, null when empty; an error naming `label` when half filled. */
  function readRange(span, message) {
    const [start, end] = span.querySelectorAll("input");
    if (!start.value && !end.value) return null;
    if (!start.value || !end.value) throw new Error(message);
    return { start: fromInput(start.value, false), end: fromInput(end.value, true) };
  }

  /* What to send as `hours`: text when the OSM text was changed (or is all there is), the
     form's object otherwise; null when nothing changed. Throws an Error naming a bad field. */
  function read(currentHours) {
    const text = $("status-hours").value.trim();
    if (osmOnly || text !== originalText) return text && text !== originalText ? text : null;
    const weekly = {};
    for (const row of document.querySelectorAll("#hours-week .hours-day")) {
      if (row.querySelector(".day-closed").checked) continue;
      const day = G.t("weekdays")[DAYS.indexOf(row.dataset.day)];
      const message = say("range_incomplete", { day: day });
      const ranges = [...row.querySelectorAll(".time-range")].map((s) => readRange(s, message)).filter(Boolean);
      if (ranges.length) weekly[row.dataset.day] = ranges;
    }
    let holidays = null;
    if ($("hours-holidays").value === "closed") holidays = [];
    if ($("hours-holidays").value === "ranges") {
      const range = readRange($("hours-holiday-range"), say("holiday_incomplete"));
      if (!range) throw new Error(say("holiday_incomplete"));
      holidays = [range];
    }
    const next = {
      always_open: $("hours-24h").checked,
      weekly: $("hours-24h").checked ? {} : weekly,
      public_holidays: holidays,
      makeup_workdays: $("hours-makeup").value || null,
    };
    return same(next, currentHours || {}) ? null : next;
  }

  /* The form's content equals these hours (weekday order and empty days aside). */
  function same(next, before) {
    const week = (weekly) =>
      DAYS.filter((d) => (weekly[d] || []).length).map((d) => [d, weekly[d].map((r) => [r.start, r.end])]);
    const shape = (x) =>
      JSON.stringify([
        Boolean(x.always_open),
        x.always_open ? [] : week(x.weekly || {}),
        (x.public_holidays ?? null) && x.public_holidays.map((r) => [r.start, r.end]),
        x.makeup_workdays ?? null,
      ]);
    return shape(next) === shape(before);
  }

  build();
  G.hoursForm = { fill: fill, read: read };
})();

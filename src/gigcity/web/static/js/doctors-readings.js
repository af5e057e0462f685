/* A health reading as both family-doctor pages show it (doctors.js for the worker,
   doctors-desk.js for the doctor): its time and place, and each value taken. `say` is the
   pages' strings (_doctors_strings.html), `when` their district-time format. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h } = G;

  function values(r, say) {
    const lines = [];
    if (r.systolic != null) lines.push(say("bp", { systolic: r.systolic, diastolic: r.diastolic }));
    if (r.heart_rate != null) lines.push(say("heart_rate", { value: r.heart_rate }));
    if (r.glucose != null) lines.push(say("glucose", { value: r.glucose }));
    if (r.weight != null) lines.push(say("weight", { value: r.weight }));
    return lines;
  }

  G.readingRow = function (r, say, when) {
    return h(
      "li",
      { class: "doc-item reading", "data-reading": String(r.id) },
      h("p", { class: "doc-head", text: say("reading_at", { time: when(r.taken_at), place: r.place || "" }) }),
      h("ul", { class: "doc-values" }, values(r, say).map((line) => h("li", { text: line })))
    );
  };
})();

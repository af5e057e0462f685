/* A rider's own organisation page (/my-organisation): the membership (GET /api/organisation/me;
   404 = not registered: pick a check-in point and POST .../checkin-points/{id}/register; a
   member asks a transfer with POST .../me/transfer to the organisation holding another
   point, and withdraws it with DELETE .../me/transfer while it waits), this month's letters (GET .../letters/mine; opening one POSTs .../open, which writes
   the read receipt once), the learning library with progress bars (GET .../learning; PUT
   .../learning/{id}/progress only ever raises it) and the books received (GET .../books/mine),
   with the short code the station's staff type in to hand one out (GET .../books/code).
   Words come from #mine-strings; no text is written here. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("mine-strings");
  const show = G.messages($("alert"), $("notice"));
  const subdistricts = JSON.parse($("org-subdistricts").textContent);
  const BASE = "/api/organisation";
  const STEP = 25; // "studied a quarter more"
  let points = [];

  const day = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit" });
  const clock = (iso) => G.districtTime(iso, { hour: "2-digit", minute: "2-digit" });
  const pointName = (p) => say("point_option", { subdistrict: subdistricts[p.subdistrict] || p.subdistrict, place: p.place_name });

  async function act(request, done) {
    try {
      await request;
      if (done) show.tell(done);
    } catch (err) {
      show.fail(err);
    }
  }

  /* -- membership ------------------------------------------------------------------------ */

  function membershipLines(m) {
    const point = points.find((p) => p.id === m.checkin_point_id);
    const lines = [
      h("p", {}, h("strong", { text: point ? say("membership_line", { point: point.place_name, subdistrict: subdistricts[point.subdistrict] || point.subdistrict }) : "" })),
      h("p", { text: say("since", { day: day(m.checked_in_at) }) }),
      h("p", { class: "org-status", "data-status": m.transfer_status, text: say("transfer_" + m.transfer_status) }),
    ];
    if (m.transfer_status === "transfer_out_requested") lines.push(h("p", { class: "note", text: say("transfer_waiting", { day: day(m.transfer_requested_at) }) }));
    if (m.transferred_at) lines.push(h("p", { class: "note", text: say("transfer_done", { day: day(m.transferred_at) }) }));
    return lines;
  }

  async function loadMembership() {
    let m = null;
    try {
      m = await api(BASE + "/me");
    } catch (err) {
      if (err.status !== 404) throw err;
    }
    $("register-form").hidden = m !== null;
    $("membership").hidden = m === null;
    $("transfer-form").hidden = true;
    $("cancel-transfer").hidden = m === null || m.transfer_status !== "transfer_out_requested";
    if (m === null) {
      $("register-point").replaceChildren(...points.map((p) => h("option", { value: String(p.id), text: pointName(p) })));
      return;
    }
    $("membership").replaceChildren(...membershipLines(m));
    // Another point's organisation to move to; none while a transfer waits.
    const targets = points.filter((p) => p.organisation_id && p.organisation_id !== m.organisation_id);
    const seen = new Set();
    const options = targets.filter((p) => !seen.has(p.organisation_id) && seen.add(p.organisation_id));
    $("transfer-point").replaceChildren(...options.map((p) => h("option", { value: String(p.organisation_id), text: pointName(p) })));
    $("transfer-form").hidden = options.length === 0 || m.transfer_status === "transfer_out_requested";
  }

  /* -- letters ----------------------------------------------------------------------------- */

  function letterRow(letter) {
    const status = h("span", { class: "org-status", text: letter.read_at ? say("read_on", { day: day(letter.read_at) }) : say("unread") });
    const open = h("button", { type: "button", class: "btn btn-small", text: say("open") });
    const row = h(
      "li",
      { "data-letter": String(letter.id), "data-read": letter.read_at ? "yes" : "no" },
      h("div", { class: "org-row" }, h("strong", { text: letter.title }), open),
      h("p", { class: "note" }, say("sent_on", { day: day(letter.sent_at) }), " · ", status)
    );
    open.addEventListener("click", async () => {
      try {
        const opened = await api(BASE + "/letters/" + letter.id + "/open", { method: "POST" });
        row.dataset.read = "yes";
        status.textContent = say("read_on", { day: day(opened.read_at) });
        open.remove();
        row.append(h("div", { class: "org-letter-body", text: opened.body }));
      } catch (err) {
        show.fail(err);
      }
    });
    return row;
  }

  async function loadLetters() {
    const letters = await api(BASE + "/letters/mine");
    $("letters").replaceChildren(...letters.map(letterRow));
    $("no-letters").hidden = letters.length > 0;
  }

  /* -- learning ---------------------------------------------------------------------------- */

  function resourceRow(r) {
    const percent = r.percent || 0;
    const bar = h("progress", { class: "org-progress", max: "100", value: String(percent) });
    const state = r.completed_at ? say("completed_on", { day: day(r.completed_at) }) : say("percent_done", { percent: percent });
    const buttons = h("div", { class: "org-row" });
    if (r.url) buttons.append(h("a", { class: "btn btn-small", href: r.url, target: "_blank", rel: "noopener", text: say("open_resource") }));
    if (!r.completed_at) {
      const step = h("button", { type: "button", class: "btn btn-small", "data-step": "yes", text: say("step") });
      const finish = h("button", { type: "button", class: "btn btn-small", "data-finish": "yes", text: say("finish") });
      step.addEventListener("click", () => progress(r, Math.min(100, percent + STEP)));
      finish.addEventListener("click", () => progress(r, 100));
      buttons.append(step, finish);
    }
    return h(
      "li",
      { "data-resource": String(r.id), "data-percent": String(percent) },
      h("strong", { text: r.title }),
      h("p", { class: "note", text: say("resource_line", { kind: say("kind_" + r.kind), minutes: r.minutes }) }),
      r.body ? h("details", {}, h("summary", { text: say("open_resource") }), h("p", { class: "org-letter-body", text: r.body })) : null,
      bar,
      h("p", { class: "org-progress-text", text: state }),
      buttons
    );
  }

  async function progress(r, percent) {
    await act(api(BASE + "/learning/" + r.id + "/progress", { method: "PUT", json: { percent: percent } }), say("saved"));
    await loadLearning().catch(show.fail);
  }

  async function loadLearning() {
    const resources = await api(BASE + "/learning");
    $("resources").replaceChildren(...resources.map(resourceRow));
    $("no-resources").hidden = resources.length > 0;
  }

  /* -- books ------------------------------------------------------------------------------- */

  async function loadBooks() {
    const books = await api(BASE + "/books/mine");
    $("books").replaceChildren(
      ...books.map((b) =>
        h(
          "li",
          {},
          h("strong", { text: b.title }),
          h("p", { class: "note", text: b.place_name ? say("book_line", { day: day(b.given_at), place: b.place_name }) : say("book_line_no_place", { day: day(b.given_at) }) })
        )
      )
    );
    $("no-books").hidden = books.length > 0;
  }

  async function showCode() {
    try {
      const code = await api(BASE + "/books/code");
      $("book-code-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(code.qr_svg);
      $("book-code-text").textContent = code.code;
      $("book-code-until").textContent = say("code_until", { time: clock(code.expires_at) });
      $("book-code").hidden = false;
    } catch (err) {
      show.fail(err);
    }
  }

  function wireForms() {
    $("register-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      await act(api(BASE + "/checkin-points/" + $("register-point").value + "/register", { method: "POST" }), say("registered"));
      await Promise.all([loadMembership(), loadLetters()]).catch(show.fail);
    });
    $("transfer-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { to_organisation_id: Number($("transfer-point").value) };
      await act(api(BASE + "/me/transfer", { method: "POST", json: body }), say("transfer_asked"));
      await loadMembership().catch(show.fail);
    });
    $("cancel-transfer").addEventListener("click", async () => {
      await act(api(BASE + "/me/transfer", { method: "DELETE" }), say("transfer_withdrawn"));
      await loadMembership().catch(show.fail);
    });
    $("show-code").addEventListener("click", showCode);
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    wireForms();
    try {
      points = await api(BASE + "/checkin-points");
      await Promise.all([loadMembership(), loadLetters(), loadLearning(), loadBooks()]);
    } catch (err) {
      show.fail(err);
    }
    $("my-organisation-page").dataset.state = "ready";
    if (location.hash === "#learning") $("learning").scrollIntoView();
  }

  start();
})();

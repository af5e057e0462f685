/* The surveys half of /voices (grid officers and district admins): the surveys of the
   caller's area (GET /api/governance/surveys), making one at a place with its questions,
   a survey's QR code (SVG to print, PNG to download), closing or reopening it, its results
   and its answers as CSV. The QR and CSV need the token, so they are fetched as blobs. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("survey-strings");
  const { tell, fail } = G.messages($("alert"), $("notice"));
  const pageEl = $("voices-page");

  /* A file behind the token, as an object URL. */
  async function blobUrl(path) {
    const response = await fetch(path, { headers: { Authorization: "Bearer " + G.auth.token() } });
    if (!response.ok) throw new G.ApiError(response.status, G.t("error_status", { status: response.status }), null);
    return URL.createObjectURL(await response.blob());
  }

  /* The same file as a data: URL (the pages' policy lets images come from data:). */
  async function dataUrl(path) {
    const response = await fetch(path, { headers: { Authorization: "Bearer " + G.auth.token() } });
    if (!response.ok) throw new G.ApiError(response.status, G.t("error_status", { status: response.status }), null);
    const blob = await response.blob();
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  async function download(path, name) {
    try {
      const url = await blobUrl(path);
      const a = h("a", { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      fail(err);
    }
  }
  G.voicesDownload = download; // consultations.js downloads its CSV the same way

  function surveyRow(s) {
    const state = s.open_now ? say("open") : say("closed");
    return h(
      "li",
      { dataset: { id: s.id } },
      h("p", {}, h("strong", { text: s.title })),
      h("p", { class: "note", text: [say("place", { place: s.place_name }), say("audience_" + s.audience), state, say("answers", { count: s.answers })].join(" · ") }),
      h("div", { class: "row" }, h("button", { type: "button", class: "btn", text: say("results"), onclick: () => openSurvey(s.id) }))
    );
  }

  async function loadSurveys() {
    const surveys = await api("/api/governance/surveys");
    $("survey-list").replaceChildren(...surveys.map(surveyRow));
    $("survey-empty").textContent = say("no_surveys");
    $("survey-empty").hidden = surveys.length > 0;
  }

  function resultEl(q) {
    const item = h("li", {}, h("p", {}, h("strong", { text: q.position + 1 + ". " + q.text })), h("p", { class: "note", text: say("answered_of", { answered: q.answered }) }));
    if (q.kind === "text") {
      if (!q.texts.length) item.append(h("p", { class: "note", text: say("no_texts") }));
      item.append(h("ul", { class: "texts" }, q.texts.map((t) => h("li", { text: t }))));
    }
    return item;
  }

  async function openSurvey(id) {
    try {
      const r = await api("/api/governance/surveys/" + id + "/results");
      const s = r.survey;
      $("detail-title").textContent = s.title + " · " + (s.open_now ? say("open") : say("closed"));
      $("detail-link").textContent = location.origin + s.url;
      $("detail-respondents").textContent = say("respondents", r.by_respondent);
      const items = r.questions.map((q) => {
        const el = resultEl(q);
        if (q.kind !== "text") {
          const labels = q.kind === "scale" ? ["1", "2", "3", "4", "5"] : s.questions[q.position].options;
          el.append(h("ul", { class: "bars" }, q.counts.map((n, i) => h("li", {}, h("span", { text: labels[i] }), h("strong", { text: String(n) })))));
          if (q.mean !== null) el.append(h("p", { text: say("mean", { mean: q.mean }) }));
        }
        return el;
      });
      $("detail-questions").replaceChildren(...items);
      const base = "/api/governance/surveys/" + s.id;
      $("detail-actions").replaceChildren(
        h("button", { type: "button", class: "btn", text: s.is_open ? say("close") : say("reopen"), onclick: () => setOpen(s.id, !s.is_open) }),
        h("button", { type: "button", class: "btn", text: say("qr_print"), onclick: () => window.print() }),
        h("button", { type: "button", class: "btn", text: say("qr_png"), onclick: () => download(base + "/qr.png", "survey-" + s.code + ".png") }),
        h("button", { type: "button", class: "btn", text: say("csv"), onclick: () => download(base + "/answers.csv", "survey-" + s.code + ".csv") })
      );
      const qr = await dataUrl(base + "/qr.svg");
      $("detail-qr").replaceChildren(h("img", { src: qr, alt: say("qr") + " " + s.title, id: "detail-qr-img" }));
      $("survey-detail").hidden = false;
      $("survey-detail").dataset.id = s.id;
    } catch (err) {
      fail(err);
    }
  }

  async function setOpen(id, open) {
    try {
      await api("/api/governance/surveys/" + id + (open ? "/reopen" : "/close"), { method: "POST" });
      tell(open ? say("reopened") : say("closed_done"));
      await loadSurveys();
      await openSurvey(id);
    } catch (err) {
      fail(err);
    }
  }

  function addQuestion() {
    if (document.querySelectorAll(".sv-question").length >= 10) return;
    const el = $("sv-question").content.firstElementChild.cloneNode(true);
    const kind = el.querySelector(".sv-kind");
    const sync = () => (el.querySelector(".sv-options-label").hidden = !["single", "multiple"].includes(kind.value));
    kind.addEventListener("change", sync);
    sync();
    $("sv-questions").append(el);
  }

  function number(id) {
    const v = $(id).value.trim();
    return v === "" ? null : Number(v);
  }

  async function create(event) {
    event.preventDefault();
    const questions = [...document.querySelectorAll(".sv-question")]
      .map((el) => {
        const kind = el.querySelector(".sv-kind").value;
        const q = { kind: kind, text: el.querySelector(".sv-text").value.trim() };
        if (kind === "single" || kind === "multiple") q.options = el.querySelector(".sv-options").value.split("\n").map((o) => o.trim()).filter(Boolean);
        return q;
      })
      .filter((q) => q.text);
    const body = { title: $("sv-title").value.trim(), audience: $("sv-audience").value, questions: questions, closes_on: $("sv-closes").value || null };
    const placeId = number("sv-place-id");
    if (placeId) body.place_id = placeId;
    else Object.assign(body, { lon: number("sv-lon"), lat: number("sv-lat"), place_name: $("sv-place").value.trim() || null });
    if (placeId && $("sv-place").value.trim()) body.place_name = $("sv-place").value.trim();
    try {
      const s = await api("/api/governance/surveys", { method: "POST", json: body });
      tell(say("created"));
      $("survey-create").reset();
      $("sv-questions").replaceChildren();
      addQuestion();
      $("survey-add").open = false;
      await loadSurveys();
      await openSurvey(s.id);
    } catch (err) {
      fail(err);
    }
  }

  async function start() {
    const me = await G.signedIn(fail);
    if (!me) return;
    addQuestion();
    $("sv-add-question").addEventListener("click", addQuestion);
    $("survey-create").addEventListener("submit", create);
    try {
      await loadSurveys();
      pageEl.dataset.state = "ready";
    } catch (err) {
      fail(err);
    }
  }

  start();
})();

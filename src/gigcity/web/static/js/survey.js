/* The answer page a survey's QR code opens (/s/{code}): reads the survey
   (GET /api/governance/public-surveys/{code}), draws its questions with large tap targets
   and sends the answers without any sign-in token. A random client key made once per
   visit goes with them, so a resend after a lost answer counts once. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("survey-strings");
  const show = G.messages($("alert"), $("notice"));
  const pageEl = $("survey-page");
  const code = pageEl.dataset.code;
  const KEY_STORE = "gigcity.survey." + code;
  let survey = null;

  function clientKey() {
    let key = sessionStorage.getItem(KEY_STORE);
    if (!key) {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem(KEY_STORE, key);
    }
    return key;
  }

  function choice(type, name, value, label) {
    return h("label", { class: "answer" }, h("input", { type: type, name: name, value: value }), " ", label);
  }

  function questionEl(q, i) {
    const name = "q" + i;
    const box = h("fieldset", { class: "question", dataset: { position: i, kind: q.kind } });
    box.append(h("legend", { text: i + 1 + ". " + q.text }));
    if (q.kind === "single" || q.kind === "multiple") {
      const type = q.kind === "single" ? "radio" : "checkbox";
      q.options.forEach((o, n) => box.append(choice(type, name, n, o)));
    } else if (q.kind === "scale") {
      const row = h("div", { class: "scale" });
      for (let n = 1; n <= 5; n++) row.append(h("label", { class: "step" }, h("input", { type: "radio", name: name, value: n }), h("span", { text: String(n) })));
      box.append(row, h("p", { class: "note scale-ends", text: say("scale_low") + " · " + say("scale_high") }));
    } else {
      box.append(h("textarea", { name: name, maxlength: 300, rows: 3, "aria-label": q.text }), h("p", { class: "note", text: say("text_hint") }));
    }
    return box;
  }

  function collect() {
    const answers = {};
    survey.questions.forEach((q, i) => {
      const name = "q" + i;
      if (q.kind === "multiple") {
        const picked = [...document.querySelectorAll("input[name='" + name + "']:checked")].map((el) => Number(el.value));
        if (picked.length) answers[i] = picked;
      } else if (q.kind === "text") {
        const text = document.querySelector("textarea[name='" + name + "']").value.trim();
        if (text) answers[i] = text;
      } else {
        const picked = document.querySelector("input[name='" + name + "']:checked");
        if (picked) answers[i] = Number(picked.value);
      }
    });
    return answers;
  }

  function setState(state) {
    pageEl.dataset.state = state;
    $("survey-form").hidden = state !== "ready";
    $("survey-thanks").hidden = state !== "thanks";
    $("survey-closed").hidden = state !== "closed";
    $("survey-missing-page").hidden = state !== "missing";
  }

  async function submit(event) {
    event.preventDefault();
    const respondent = document.querySelector("input[name='respondent']:checked");
    const answers = collect();
    const missing = !respondent ? say("need_respondent") : !Object.keys(answers).length ? say("need_answer") : "";
    $("survey-missing").textContent = missing;
    $("survey-missing").hidden = !missing;
    if (missing) return;
    $("survey-submit").disabled = true;
    try {
      const body = { client_key: clientKey(), respondent: respondent.value, answers: answers };
      await api("/api/governance/public-surveys/" + code + "/answers", { method: "POST", json: body, auth: false });
      show.clear();
      setState("thanks");
      $("survey-thanks").scrollIntoView({ block: "start" });
    } catch (err) {
      if (err.status === 409) {
        $("survey-closed-text").textContent = err.detail;
        setState("closed");
      } else show.fail(err);
    } finally {
      $("survey-submit").disabled = false;
    }
  }

  async function load() {
    try {
      survey = await api("/api/governance/public-surveys/" + code, { auth: false });
    } catch (err) {
      if (err.status === 404 || err.status === 422) return setState("missing");
      return show.fail(err);
    }
    $("survey-title").textContent = survey.title;
    document.title = survey.title;
    const place = say("place", { place: survey.place_name });
    $("survey-place").textContent = survey.closes_on ? place + " · " + say("until", { day: survey.closes_on }) : place;
    $("questions").replaceChildren(...survey.questions.map(questionEl));
    setState(survey.open_now ? "ready" : "closed");
  }

  $("survey-form").addEventListener("submit", submit);
  load();
})();

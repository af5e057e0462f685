/* The familiar rider's round (/eldercare/round): today's meals in the order the API gives
   them (GET /api/eldercare/my-meals: a first name, the door, the diet for this meal, whom to
   call — nothing else), one tap to navigate (Amap, GCJ-02) and to call, and the door check
   with three big buttons (POST /api/eldercare/meals/{id}/door-check). After "needs help" or
   "no answer" the rider is shown what happens next, from the API's answer.

   A poor signal is the normal case on stairs and in basements:
   - the day's round is kept on the phone (localStorage, per account, today only) and shown
     when the API cannot be reached, so the page (kept by the service worker once opened)
     still lists the doors;
   - a door check made without signal waits in an outbox (localStorage, per account, one per
     meal) shown on its meal as "waiting to send", and is sent when the signal returns (the
     `online` event, on load, and every 30 s while something waits). Sending one twice is
     safe: the server answers the same answer again with the one recorded; a different
     answer recorded meanwhile (409) is shown, not retried. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("round-strings");
  const pageEl = $("round-page");
  const alertBox = $("alert");
  const notice = $("notice");
  const RESULTS = ["seen_well", "needs_help", "no_answer"];
  const OPEN_STATES = ["ordered", "out"]; // a door check may be recorded from these
  const RETRY_MS = 30000;
  const drafts = new Map(); // meal id -> the note being typed, kept across redraws

  /* ---- what the phone keeps: per account (the token's subject), today's only ---- */

  function account() {
    const token = G.auth.token() || "";
    try {
      return String(JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub);
    } catch (err) {
      return "";
    }
  }

  function key(kind) {
    return "gigcity.eldercare." + kind + "." + account();
  }

  function read(kind, fallback) {
    try {
      const value = JSON.parse(localStorage.getItem(key(kind)) || "null");
      return value === null ? fallback : value;
    } catch (err) {
      return fallback;
    }
  }

  function write(kind, value) {
    localStorage.setItem(key(kind), JSON.stringify(value));
  }

  /* Today where the district is (YYYY-MM-DD). */
  function today() {
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: config.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date());
  }

  /* The round as last loaded: {day, at, meals}; only today's counts. */
  function keptRound() {
    const kept = read("round", null);
    return kept && kept.day === today() ? kept : null;
  }

  /* The answers the server gave to this phone's door checks today, by meal id. */
  function answers() {
    const kept = read("answers", null);
    return kept && kept.day === today() ? kept.byMeal : {};
  }

  /* Rounds and answers of other days are not kept, whichever account on this phone they
     were for (door checks waiting to be sent are: they must still go). */
  function forgetOtherDays() {
    const day = today();
    Object.keys(localStorage)
      .filter((k) => /^gigcity\.eldercare\.(round|answers)\./.test(k))
      .forEach((k) => {
        let kept = null;
        try {
          kept = JSON.parse(localStorage.getItem(k));
        } catch (err) {
          /* damaged: removed below */
        }
        if (!kept || kept.day !== day) localStorage.removeItem(k);
      });
  }

  function outbox() {
    return read("outbox", []);
  }

  function saveOutbox(items) {
    write("outbox", items);
    const box = $("outbox");
    box.hidden = !items.length;
    box.textContent = items.length ? say("outbox", { count: items.length }) : "";
  }

  /* The server's answer to a door check: kept to show what happens next, and the kept
     round's meal moved to its new state. */
  function remember(answer) {
    const byMeal = answers();
    byMeal[answer.meal_id] = answer;
    write("answers", { day: today(), byMeal: byMeal });
    const kept = keptRound();
    if (kept) {
      kept.meals.forEach((meal) => {
        if (meal.meal_id === answer.meal_id) meal.state = answer.state;
      });
      write("round", kept);
    }
  }

  /* ---- words ---- */

  function tell(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  function clock(iso) {
    const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : iso + "Z";
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(zoned));
  }

  function list(items) {
    return items.join(say("list_separator"));
  }

  /* Amap's navigation to the door (Amap reads GCJ-02; the API gives WGS-84). */
  function amapLink(meal) {
    const [lon, lat] = G.coords.wgs84ToGcj02(meal.lon, meal.lat);
    return (
      "https://uri.amap.com/navigation?to=" + lon.toFixed(6) + "," + lat.toFixed(6) + "," +
      encodeURIComponent(meal.building || meal.first_name) + "&mode=ride&coordinate=gaode&callnative=1&src=gigcity"
    );
  }

  function telLink(phone) {
    return "tel:" + phone.replace(/[^0-9+]/g, "");
  }

  /* ---- a door ---- */

  function callButton(meal) {
    const contact = meal.call_first;
    if (!contact) return null;
    return h("a", { class: "btn round-call", href: telLink(contact.phone), text: say("call", { phone: contact.phone }) });
  }

  function facts(meal) {
    const lines = [h("p", { class: "door-address", text: meal.door })];
    const where = [meal.building, meal.floor === null || meal.floor === undefined ? "" : say("floor", { floor: meal.floor })];
    lines.push(h("p", { class: "note", text: where.filter(Boolean).join(" · ") }));
    if (!meal.primary) lines.push(h("p", { class: "note standing-in", text: say("standing_in") }));
    if (meal.diet.length) {
      lines.push(h("p", { class: "door-diet", text: say("diet", { diets: list(meal.diet.map((d) => say("diet_" + d))) }) }));
    }
    if (meal.allergies.length) {
      lines.push(h("p", { class: "door-warning", text: say("allergies", { allergies: list(meal.allergies) }) }));
    }
    if (meal.clashes.length) {
      lines.push(h("p", { class: "door-warning door-clashes", text: say("clashes", { dishes: list(meal.clashes) }) }));
    }
    if (meal.call_first) {
      const who = say("relation_" + meal.call_first.relation);
      lines.push(h("p", { class: "door-contact", text: say("call_first", { name: meal.call_first.name, relation: who }) }));
    }
    return lines;
  }

  function checkForm(meal) {
    const box = h("div", { class: "door-check" });
    const note = h("textarea", {
      class: "door-note", rows: "2", maxlength: "500", "aria-label": say("note"), placeholder: say("note_hint"),
    });
    note.value = drafts.get(meal.meal_id) || "";
    note.addEventListener("input", () => drafts.set(meal.meal_id, note.value));
    const buttons = RESULTS.map((result) =>
      h("button", {
        type: "button",
        class: "btn check-btn check-" + result,
        dataset: { result: result },
        text: say("check_" + result),
        onclick: () => {
          buttons.forEach((b) => (b.disabled = true));
          doorCheck(meal, result, note.value.trim());
        },
      })
    );
    box.append(
      h("p", { class: "check-question", text: say("question") }),
      h("div", { class: "check-buttons" }, buttons),
      h("details", { class: "door-note-box", open: note.value ? true : null }, h("summary", { text: say("note") }), note)
    );
    return box;
  }

  /* What was recorded, and what happens next (the API's answer, or what waits to be sent). */
  function outcome(meal, waiting, answer) {
    const box = h("div", { class: "door-outcome", role: "status" });
    if (waiting) {
      box.append(h("p", { class: "outcome-result", text: say("check_" + waiting.result) }));
      if (waiting.result !== "seen_well") {
        box.append(...[h("p", { class: "door-warning", text: say("what_next_waiting") }), callButton(meal)].filter(Boolean));
      }
      return box;
    }
    if (!answer) return box; // recorded on another phone: the state says enough
    box.append(h("p", { class: "outcome-result", text: say("recorded", { result: answer.result_text }) }));
    if (answer.result === "seen_well") return box;
    box.classList.add("is-alert");
    box.append(h("p", { class: "outcome-next", text: say("what_next_" + answer.result) }));
    const next = answer.next_step;
    if (next) {
      const text = next.is_due
        ? say("next_step", { step: next.text })
        : say("next_step_due", { step: next.text, time: clock(next.due_at) });
      box.append(h("p", { class: "outcome-step", dataset: { step: next.kind }, text: text }));
    }
    const call = callButton(meal);
    if (call) box.append(call);
    return box;
  }

  function doorRow(meal, index, waiting, answer) {
    const state = waiting ? "waiting" : meal.state;
    const li = h("li", {
      class: "door door-" + state,
      dataset: { meal: String(meal.meal_id), state: state },
    });
    li.append(
      h(
        "div",
        { class: "door-head" },
        h("span", { class: "door-n", text: say("door_number", { n: index + 1 }) }),
        h("strong", { class: "door-name", text: meal.first_name }),
        h("span", { class: "badge meal-badge", text: say("meal_" + meal.meal) }),
        h("span", { class: "badge state-badge", text: say("state_" + state) })
      ),
      ...facts(meal)
    );
    const open = !waiting && OPEN_STATES.includes(meal.state);
    if (open) {
      li.append(
        h(
          "div",
          { class: "door-actions" },
          h("a", { class: "btn btn-nav round-nav", href: amapLink(meal), target: "_blank", rel: "noopener", text: say("navigate") }),
          callButton(meal)
        ),
        checkForm(meal)
      );
    } else {
      li.append(outcome(meal, waiting, answer));
    }
    return li;
  }

  function draw() {
    const kept = keptRound();
    const meals = kept ? kept.meals : [];
    const waiting = new Map(outbox().map((item) => [item.meal_id, item]));
    const known = answers();
    $("doors").replaceChildren(...meals.map((meal, i) => doorRow(meal, i, waiting.get(meal.meal_id), known[meal.meal_id])));
    $("round-empty").hidden = !kept || meals.length > 0;
    const done = meals.filter((m) => waiting.has(m.meal_id) || !OPEN_STATES.includes(m.state)).length;
    $("round-summary").textContent = kept ? say("summary", { done: done, count: meals.length }) : "";
    saveOutbox(outbox());
  }

  /* ---- talking to the server ---- */

  function checkPath(mealId) {
    return "/api/eldercare/meals/" + mealId + "/door-check";
  }

  /* An answer that says "try again later": no network, the server busy or down, or the
     sign-in run out (kept until the rider signs in again as the same account). */
  function later(err) {
    return !(err instanceof G.ApiError) || err.status === 0 || err.status === 401 || err.status === 429 || err.status >= 500;
  }

  function keep(meal, result, note) {
    const items = outbox().filter((item) => item.meal_id !== meal.meal_id);
    items.push({ meal_id: meal.meal_id, result: result, note: note, name: meal.first_name, at: Date.now() });
    saveOutbox(items);
    tell(say("queued"));
  }

  async function doorCheck(meal, result, note) {
    G.hideError(alertBox);
    drafts.delete(meal.meal_id);
    if (!navigator.onLine) {
      keep(meal, result, note);
    } else {
      try {
        const answer = await api(checkPath(meal.meal_id), { method: "POST", json: { result: result, note: note } });
        remember(answer);
        tell(say("recorded", { result: answer.result_text }));
      } catch (err) {
        if (later(err)) keep(meal, result, note);
        else G.showError(alertBox, err);
        if (err instanceof G.ApiError && err.status === 401) {
          draw();
          return G.signInAgain(true);
        }
        if (err instanceof G.ApiError && err.status === 409) return load(); // recorded meanwhile
      }
    }
    draw();
  }

  /* Send what waits, oldest first; stops at the first that must wait. */
  async function sendWaiting() {
    let sent = 0;
    for (const item of outbox().sort((a, b) => a.at - b.at)) {
      try {
        remember(await api(checkPath(item.meal_id), { method: "POST", json: { result: item.result, note: item.note } }));
        sent += 1;
      } catch (err) {
        if (later(err)) break;
        G.showError(alertBox, { detail: say("failed", { name: item.name, detail: err.detail || err.message }) });
      }
      saveOutbox(outbox().filter((i) => i.meal_id !== item.meal_id));
    }
    if (sent) tell(say("sent_later"));
    draw();
    return sent;
  }

  let flushing = null;
  /* One run at a time: a second call while one runs gets the running one. */
  function flush() {
    if (!flushing) flushing = sendWaiting().finally(() => (flushing = null));
    return flushing;
  }

  async function load() {
    const kept = $("round-kept");
    try {
      const meals = await api("/api/eldercare/my-meals");
      write("round", { day: today(), at: Date.now(), meals: meals });
      kept.hidden = true;
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
      if (err instanceof G.ApiError && err.status === 0) {
        const round = keptRound();
        kept.textContent = round ? say("kept", { time: clock(new Date(round.at).toISOString()) }) : say("not_loaded");
        kept.hidden = false;
      } else {
        G.showError(alertBox, err);
      }
    }
    draw();
    pageEl.dataset.state = "ready";
  }

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "rider") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_rider") });
    forgetOtherDays();
    draw();
    await flush();
    await load();
    window.addEventListener("online", async () => {
      await flush();
      await load();
    });
    setInterval(() => {
      if (outbox().length && navigator.onLine) flush().then(load);
    }, RETRY_MS);
  }

  start();
})();

/* The family's page (/eldercare/family), in large type: the older person's next meals with
   the menu, skip or add one meal until the canteen's cut-off, a pause with the day meals
   start again by themselves, and ending a pause. With several older people linked, a
   chooser. What may still change is the server's answer (`changeable_until`); a refused
   change shows the server's reason. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("family-strings");
  const show = G.messages($("alert"), $("notice"));
  const DAYS = 7;
  // A meal still to come to the older person (not skipped, paused, brought or cancelled).
  const COMING = ["subscribed", "added", "generated:ordered", "generated:out"];

  let elders = [];
  let chosen = null;

  /* "2026-12-07" as the reader says a day: weekday, month and day. */
  function dayText(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: "UTC",
      month: "long",
      day: "numeric",
      weekday: "short",
    }).format(new Date(iso + "T00:00:00Z"));
  }

  function addDays(iso, n) {
    const d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function mealName(meal) {
    return say("meal_" + meal.meal);
  }

  function what(meal) {
    return say("day_meal", { day: dayText(meal.day), meal: mealName(meal) });
  }

  function statusText(status) {
    return status.startsWith("generated:") ? say("state_" + status.slice(10)) : say("status_" + status);
  }

  /* The button of a meal that may still change, or the reason it may not. */
  function changeControl(meal, action) {
    const key = meal.day + "-" + meal.meal;
    if (!meal.changeable_until) {
      const why = h("p", { class: "why", id: "why-" + key, text: say("too_late", { time: meal.cutoff }) });
      const button = h("button", {
        type: "button", class: "btn big-btn " + action, disabled: true, "aria-describedby": "why-" + key, text: say(action),
      });
      return [button, why];
    }
    const button = h("button", { type: "button", class: "btn btn-primary big-btn " + action, text: say(action) });
    button.addEventListener("click", async function () {
      button.disabled = true;
      try {
        await api("/api/eldercare/elders/" + chosen.id + "/changes", {
          method: "POST",
          json: { day: meal.day, meal: meal.meal, action: action },
        });
        show.tell(say(action === "skip" ? "skipped_done" : "added_done", { what: what(meal) }));
      } catch (err) {
        show.fail(err);
      }
      loadMeals();
    });
    return [h("p", { class: "until", text: say("until", { time: meal.cutoff }) }), button];
  }

  function mealRow(meal, action) {
    const dishes = meal.dishes.length ? meal.dishes.join(G.t("list_separator")) : say("no_menu");
    return h(
      "li",
      { class: "meal", "data-day": meal.day, "data-meal": meal.meal, "data-status": meal.status },
      h("p", { class: "meal-when" }, h("strong", { text: what(meal) }), " ", h("span", { class: "badge", text: statusText(meal.status) })),
      action === "skip" ? h("p", { class: "meal-menu", text: dishes }) : null,
      changeControl(meal, action)
    );
  }

  async function loadMeals() {
    let meals;
    try {
      meals = await api("/api/eldercare/family/elders/" + chosen.id + "/meals?days=" + DAYS);
    } catch (err) {
      return show.fail(err);
    }
    const coming = meals.filter((m) => COMING.includes(m.status));
    $("next-meals").replaceChildren(...coming.map((m) => mealRow(m, "skip")));
    $("next-empty").hidden = coming.length > 0;
    // Meals that could be added: not ordered, or skipped, and still open.
    const open = meals.filter((m) => (m.status === "none" || m.status === "skipped") && m.changeable_until);
    $("add-meals").replaceChildren(...open.map((m) => mealRow(m, "add")));
    $("add-panel").hidden = open.length === 0;
    await loadPauses(meals.length ? meals[0].day : null);
    $("family-page").dataset.state = "ready";
  }

  async function loadPauses(today) {
    let pauses;
    try {
      pauses = await api("/api/eldercare/elders/" + chosen.id + "/pauses");
    } catch (err) {
      return show.fail(err);
    }
    const current = pauses.filter((p) => !p.cancelled && (!today || p.last_day >= today));
    $("pauses").replaceChildren(
      ...current.map(function (p) {
        const end = h("button", { type: "button", class: "btn big-btn cancel-pause", text: say("cancel_pause") });
        end.addEventListener("click", async function () {
          end.disabled = true;
          try {
            await api("/api/eldercare/elders/" + chosen.id + "/pauses/" + p.id + "/cancel", { method: "POST" });
            show.tell(say("pause_cancelled"));
          } catch (err) {
            show.fail(err);
          }
          loadMeals();
        });
        return h(
          "li",
          { class: "pause", "data-pause": String(p.id) },
          h("p", { class: "pause-when", text: say("pause_line", { first: dayText(p.first_day), last: dayText(p.last_day), reason: say("reason_" + p.reason) }) }),
          h("p", { class: "resumes", text: say("resumes", { day: dayText(p.resumes_on) }) }),
          end
        );
      })
    );
    $("pauses-empty").hidden = current.length > 0;
    if (today && !$("pause-first").value) {
      $("pause-first").value = addDays(today, 1);
      $("pause-last").value = addDays(today, 1);
      $("pause-first").min = today;
      $("pause-last").min = today;
      showResume();
    }
  }

  function showResume() {
    const last = $("pause-last").value;
    $("pause-resumes").textContent = last ? say("resumes", { day: dayText(addDays(last, 1)) }) : "";
  }

  function choose(elder) {
    chosen = elder;
    show.clear();
    document.querySelectorAll("#elder-choices button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.elder) === elder.id));
    });
    $("elder-title").textContent = say("meals_of", { name: elder.first_name });
    $("canteen-line").textContent = say("canteen_line", {
      canteen: elder.canteen_name, lunch: elder.lunch_cutoff, dinner: elder.dinner_cutoff,
    });
    $("pause-first").value = "";
    const url = new URL(location.href);
    url.searchParams.set("elder", String(elder.id));
    history.replaceState(null, "", url);
    return loadMeals();
  }

  $("pause-last").addEventListener("input", showResume);
  $("pause-last").addEventListener("change", showResume);
  $("pause-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const first = $("pause-first").value;
    const last = $("pause-last").value;
    if (!first || !last) return show.fail({ detail: say("dates_needed") });
    if (last < first) return show.fail({ detail: say("dates_order") });
    const button = $("pause-submit");
    button.disabled = true;
    try {
      const made = await api("/api/eldercare/elders/" + chosen.id + "/pauses", {
        method: "POST",
        json: { first_day: first, last_day: last, reason: $("pause-reason").value },
      });
      show.tell(say("paused_done", { day: dayText(made.resumes_on) }));
    } catch (err) {
      show.fail(err);
    }
    button.disabled = false;
    loadMeals();
  });

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    try {
      elders = await api("/api/eldercare/family/elders");
    } catch (err) {
      return show.fail(err);
    }
    if (!elders.length) {
      $("none-linked").hidden = false;
      $("family-page").dataset.state = "ready";
      return;
    }
    $("elder-choices").replaceChildren(
      ...elders.map(function (elder) {
        const b = h("button", { type: "button", class: "btn big-btn choice", "data-elder": String(elder.id), "aria-pressed": "false", text: elder.first_name });
        b.addEventListener("click", () => choose(elder));
        return b;
      })
    );
    $("chooser").hidden = elders.length < 2;
    $("meals-panel").hidden = false;
    $("pause-panel").hidden = false;
    const asked = Number(new URLSearchParams(location.search).get("elder"));
    choose(elders.find((e) => e.id === asked) || elders[0]);
  }

  start();
})();

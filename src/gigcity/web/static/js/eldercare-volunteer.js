/* Volunteer tasks for older people (/eldercare/volunteer), for riders and truck drivers:
   - my tasks (GET /api/eldercare/volunteer-tasks/mine): a task I hold shows its door, a
     note box, "done" and "give back"; the ones done are folded away below;
   - open tasks of an area (GET .../open), soonest first, each with "take": the area is the
     one chosen (?area= in the address, or the chooser, remembered on this phone), else
     where the phone is (when it allows its position), else the account's sub-district;
     without any of these the rider is asked to choose. The kind filter narrows the list.
   Taking is first come, first served: when someone else was quicker (409) the page says
   so kindly and shows the lists as they are now. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("volunteer-strings");
  const pageEl = $("volunteer-page");
  const msg = G.messages($("alert"), $("notice"));
  const BASE = "/api/eldercare/volunteer-tasks";
  const AREA_KEY = "gigcity.volunteer.area";
  const POSITION_TIMEOUT_MS = 8000;
  const drafts = new Map(); // task id -> the note being typed, kept across redraws
  let position = null; // {lon, lat} once the phone gave it
  let asked = false; // the phone was asked for its position (once per visit)

  /* ---- words ---- */

  function dayKey(offset) {
    const day = new Date(Date.now() + offset * 86400000);
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: config.timezone, year: "numeric", month: "2-digit", day: "2-digit",
    }).format(day);
  }

  /* "today", "tomorrow", else the date with its weekday. */
  function dayText(iso) {
    if (iso === dayKey(0)) return say("day_today");
    if (iso === dayKey(1)) return say("day_tomorrow");
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: "UTC", month: "long", day: "numeric", weekday: "short",
    }).format(new Date(iso + "T00:00:00Z"));
  }

  function dateOf(isoTime) {
    const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(isoTime) ? isoTime : isoTime + "Z";
    return dayText(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: config.timezone, year: "numeric", month: "2-digit", day: "2-digit",
      }).format(new Date(zoned))
    );
  }

  /* ---- a task ---- */

  function head(task) {
    return h(
      "div",
      { class: "task-head" },
      h("span", { class: "badge kind-badge", text: task.kind_text }),
      h("span", { class: "task-day", text: dayText(task.day) })
    );
  }

  function facts(task) {
    const lines = [
      h("p", { class: "task-title", text: task.title }),
      h("p", { class: "task-whom", text: say("for_whom", { name: task.first_name, building: task.building }) }),
    ];
    if (task.team) lines.push(h("p", { class: "note task-team", text: say("team", { team: task.team }) }));
    return lines;
  }

  function openRow(task) {
    const li = h("li", { class: "task task-open", dataset: { task: String(task.id) } }, head(task), ...facts(task));
    const take = h("button", {
      type: "button",
      class: "btn btn-primary task-take",
      text: say("take"),
      onclick: () => {
        take.disabled = true;
        step(task, "take");
      },
    });
    li.append(take);
    return li;
  }

  function heldRow(task) {
    const li = h("li", { class: "task task-held", dataset: { task: String(task.id) } }, head(task), ...facts(task));
    li.append(h("p", { class: "task-door", text: say("door", { door: task.door || "" }) }));
    const note = h("textarea", {
      class: "task-note", rows: "2", maxlength: "500", "aria-label": say("note"), placeholder: say("note_hint"),
    });
    note.value = drafts.get(task.id) || "";
    note.addEventListener("input", () => drafts.set(task.id, note.value));
    const buttons = [
      h("button", { type: "button", class: "btn btn-primary task-done", text: say("done"), onclick: () => finish(task, note.value.trim()) }),
      h("button", { type: "button", class: "btn task-give-back", text: say("give_back"), onclick: () => step(task, "give-back") }),
    ];
    li.append(
      h("label", { class: "task-note-label" }, say("note"), note),
      h("div", { class: "task-actions" }, buttons)
    );
    return li;
  }

  function doneRow(task) {
    const li = h("li", { class: "task task-finished", dataset: { task: String(task.id) } }, head(task), ...facts(task));
    if (task.done_at) li.append(h("p", { class: "note", text: say("done_on", { day: dateOf(task.done_at) }) }));
    if (task.note) li.append(h("p", { class: "note task-done-note", text: say("your_note", { note: task.note }) }));
    return li;
  }

  /* ---- the lists ---- */

  function drawMine(tasks) {
    const held = tasks.filter((t) => t.state === "taken");
    const done = tasks.filter((t) => t.state === "done");
    $("mine").replaceChildren(...held.map(heldRow));
    $("mine-empty").hidden = held.length > 0;
    $("done").replaceChildren(...done.map(doneRow));
    $("done-box").hidden = done.length === 0;
    $("done-title").textContent = say("done_before", { count: done.length });
  }

  function drawOpen(tasks) {
    $("open").replaceChildren(...tasks.map(openRow));
    $("open-empty").hidden = tasks.length > 0;
  }

  /* The phone's position, asked once per visit; null when not allowed or not found. */
  function locate() {
    if (asked) return Promise.resolve(position);
    asked = true;
    if (!navigator.geolocation) return Promise.resolve(null);
    $("area-line").textContent = say("locating");
    return new Promise((resolve) => {
      const give = (value) => {
        position = value;
        resolve(value);
      };
      const timer = setTimeout(() => give(null), POSITION_TIMEOUT_MS + 500);
      navigator.geolocation.getCurrentPosition(
        (p) => {
          clearTimeout(timer);
          give({ lon: p.coords.longitude, lat: p.coords.latitude });
        },
        () => {
          clearTimeout(timer);
          give(null);
        },
        { timeout: POSITION_TIMEOUT_MS, maximumAge: 300000 }
      );
    });
  }

  function areaName(code) {
    const option = Array.from($("area").options).find((o) => o.value === code);
    return option ? option.textContent : code;
  }

  /* The open tasks: of the chosen area, else by position, else the account's; the line
     under the filters says which. */
  async function loadOpen() {
    const params = new URLSearchParams();
    const kind = $("kind").value;
    if (kind) params.set("kind", kind);
    const area = $("area").value;
    const line = $("area-line");
    if (area) {
      params.set("subdistrict", area);
      line.textContent = say("area_named", { area: areaName(area) });
      return drawOpen(await api(BASE + "/open?" + params.toString()));
    }
    const here = await locate();
    if (here) {
      const near = new URLSearchParams(params);
      near.set("lon", here.lon.toFixed(6));
      near.set("lat", here.lat.toFixed(6));
      try {
        line.textContent = say("area_position");
        return drawOpen(await api(BASE + "/open?" + near.toString()));
      } catch (err) {
        if (!(err instanceof G.ApiError && err.status === 422)) throw err; // outside the district
      }
    }
    try {
      line.textContent = say("area_account");
      drawOpen(await api(BASE + "/open?" + params.toString()));
    } catch (err) {
      if (!(err instanceof G.ApiError && err.status === 422)) throw err;
      line.textContent = say("area_choose"); // no position, no area of the account's
      drawOpen([]);
      $("open-empty").hidden = true;
    }
  }

  async function load() {
    try {
      const [mine] = await Promise.all([api(BASE + "/mine"), loadOpen()]);
      drawMine(mine);
    } catch (err) {
      msg.fail(err);
    }
    pageEl.dataset.state = "ready";
  }

  /* ---- taking, giving back, finishing ---- */

  async function post(task, action, body) {
    return api(BASE + "/" + task.id + "/" + action, { method: "POST", json: body });
  }

  async function step(task, action) {
    const words = { take: "taken", "give-back": "given_back" };
    try {
      await post(task, action);
      msg.tell(say(words[action]));
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 409 && action === "take") {
        msg.tell(say("taken_by_other"));
      } else {
        msg.fail(err);
      }
    }
    await load();
  }

  async function finish(task, note) {
    try {
      await post(task, "done", { note: note });
      drafts.delete(task.id);
      msg.tell(say("finished"));
    } catch (err) {
      msg.fail(err);
    }
    await load();
  }

  function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "rider") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_rider") });
    const chosen = new URLSearchParams(location.search).get("area") || localStorage.getItem(AREA_KEY) || "";
    if (Array.from($("area").options).some((o) => o.value === chosen)) $("area").value = chosen;
    $("area").addEventListener("change", () => {
      if ($("area").value) localStorage.setItem(AREA_KEY, $("area").value);
      else localStorage.removeItem(AREA_KEY);
      pageEl.dataset.state = "loading";
      load();
    });
    $("kind").addEventListener("change", () => {
      pageEl.dataset.state = "loading";
      load();
    });
    load();
  }

  start();
})();

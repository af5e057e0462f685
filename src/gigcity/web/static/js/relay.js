/* Relay delivery (jieli song): the community courier's page (/relay) — the point's queue, oldest
   first with late items marked, claim, my items (deliver with the recipient's code, nobody
   home, back to the point), my earnings today — and property staff's consents page
   (/relay/consents). The server decides who may do what; the page shows its answers.

   Without signal a courier can still finish a delivery: deliver, nobody-home and back-to-the-
   point are kept in an outbox (localStorage, per account) and sent when the signal returns.
   Sending one twice is safe: the server answers a repeated step with the item as it is. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("relay-strings");
  const alertBox = $("alert");
  const notice = $("notice");
  const params = new URLSearchParams(location.search);

  function signIn() {
    const next = new URLSearchParams({ next: location.pathname + location.search });
    location.replace("/login?" + next.toString());
  }

  function tell(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  function address(item) {
    const building = item.building_number;
    if (item.unit) return say("address", { building: building, unit: item.unit, room: item.room || "-" });
    return say("address_no_unit", { building: building, room: item.room || "-" });
  }

  function minutesSince(iso) {
    return Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  }

  function money(fen) {
    return say("money", { amount: (fen / 100).toFixed(2) });
  }

  /* ---- the outbox: steps sent when the signal returns ---- */

  function accountKey() {
    const token = G.auth.token() || "";
    try {
      return "gigcity.relay.outbox." + JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub;
    } catch (err) {
      return "gigcity.relay.outbox";
    }
  }

  function outbox() {
    try {
      return JSON.parse(localStorage.getItem(accountKey()) || "[]");
    } catch (err) {
      return [];
    }
  }

  function saveOutbox(items) {
    localStorage.setItem(accountKey(), JSON.stringify(items));
    const box = $("outbox");
    if (!box) return;
    box.hidden = !items.length;
    box.textContent = items.length ? say("outbox", { count: items.length }) : "";
  }

  /* Send a step now; without network keep it for later. The answer, or null when queued. */
  async function step(path, body) {
    try {
      return await api(path, { method: "POST", json: body || {} });
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 0) {
        saveOutbox(outbox().concat([{ path: path, body: body || {} }]));
        tell(say("queued"));
        return null;
      }
      throw err;
    }
  }

  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      let waiting = outbox();
      while (waiting.length) {
        const next = waiting[0];
        try {
          await api(next.path, { method: "POST", json: next.body });
        } catch (err) {
          if (err instanceof G.ApiError && (err.status === 0 || err.status >= 500 || err.status === 401)) break;
          G.showError(alertBox, { detail: say("failed", { detail: err.detail || err.message }) });
        }
        waiting = waiting.slice(1);
        saveOutbox(waiting);
      }
    } finally {
      flushing = false;
    }
  }

  /* ---- the courier's page ---- */

  let estateId = null;
  let point = null;

  function badge(kind) {
    return h("span", { class: "badge badge-alert", text: say("alert_" + kind) });
  }

  function itemHead(item) {
    return h(
      "div",
      { class: "item-head" },
      h("strong", { class: "item-address", text: address(item) }),
      h("span", { class: "note", text: say("order", { ref: item.order_ref }) }),
      item.alerts.map(badge)
    );
  }

  function queueRow(item, canClaim) {
    const li = h("li", { class: "relay-item" + (item.alerts.length ? " is-late" : ""), "data-item": String(item.id) });
    li.append(itemHead(item));
    li.append(h("p", { class: "note", text: say("waited", { minutes: minutesSince(item.dropped_at || item.announced_at) }) + (item.attempts ? " · " + say("attempt", { n: item.attempts + 1 }) : "") }));
    if (canClaim) {
      const button = h("button", { type: "button", class: "btn btn-primary claim", text: say("claim") });
      button.addEventListener("click", async function () {
        button.disabled = true;
        try {
          await api("/api/relay/items/" + item.id + "/claim", { method: "POST" });
          tell(say("claimed"));
        } catch (err) {
          G.showError(alertBox, err);
        }
        refresh();
      });
      li.append(button);
    }
    return li;
  }

  function dueText(item) {
    if (!item.deliver_due_at) return "";
    const left = Math.round((new Date(item.deliver_due_at).getTime() - Date.now()) / 60000);
    return left >= 0 ? say("due_in", { minutes: left }) : say("overdue", { minutes: -left });
  }

  function mineRow(item) {
    const li = h("li", { class: "relay-item" + (item.alerts.length ? " is-late" : ""), "data-item": String(item.id) });
    li.append(itemHead(item));
    const base = "/api/relay/items/" + item.id;
    if (item.state === "returning") {
      li.append(h("p", { class: "note", text: say("returning") }));
      const back = h("button", { type: "button", class: "btn btn-primary return", text: say("return") });
      back.addEventListener("click", async function () {
        back.disabled = true;
        try {
          if (await step(base + "/return", {})) tell(say("returned"));
        } catch (err) {
          G.showError(alertBox, err);
        }
        refresh();
      });
      li.append(back);
      return li;
    }
    li.append(h("p", { class: "note", text: dueText(item) }));
    const form = h("form", { class: "deliver-form", novalidate: "" });
    const input = h("input", {
      type: "text", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{4,12}",
      maxlength: "12", required: "", class: "code", "aria-label": say("code"), placeholder: say("code_hint"),
    });
    const deliver = h("button", { type: "submit", class: "btn btn-primary deliver", text: say("deliver") });
    const absent = h("button", { type: "button", class: "btn absent", text: say("absent") });
    form.append(input, deliver, absent);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      G.hideError(alertBox);
      if (!/^[0-9]{4,12}$/.test(input.value.trim())) {
        input.focus();
        return;
      }
      deliver.disabled = true;
      try {
        if (await step(base + "/deliver", { code: input.value.trim() })) tell(say("delivered"));
        else li.remove();
      } catch (err) {
        G.showError(alertBox, err);
      }
      refresh();
    });
    absent.addEventListener("click", async function () {
      absent.disabled = true;
      try {
        if (await step(base + "/absent", {})) tell(say("absent_done"));
      } catch (err) {
        G.showError(alertBox, err);
      }
      refresh();
    });
    li.append(form);
    return li;
  }

  function showPoint(queue) {
    const p = queue.point;
    $("point-name").textContent = p.name;
    const facts = [
      p.open_now ? say("open_now") : say("closed_now"),
      p.hours ? say("hours", { hours: p.hours }) : say("always_open"),
      say("shelf", { on: p.on_shelf, capacity: p.shelf_capacity }),
      say("limits", { claim: p.claim_within_min, deliver: p.deliver_within_min }),
    ];
    $("point-facts").textContent = facts.join(" · ");
    $("queue-note").textContent = queue.coming ? say("coming", { count: queue.coming }) : "";
  }

  async function refresh() {
    if (!point) return;
    const role = G.auth.role();
    try {
      const queue = await api("/api/relay/estates/" + estateId + "/points/" + encodeURIComponent(point) + "/queue");
      showPoint(queue);
      $("queue").replaceChildren(...queue.waiting.map((item) => queueRow(item, role === "courier")));
      $("queue-empty").hidden = queue.waiting.length > 0;
      $("out").replaceChildren(...queue.out.map((item) => queueRow(item, false)));
      if (role === "courier") {
        const [mine, earned] = await Promise.all([api("/api/relay/me/items"), api("/api/relay/me/earnings")]);
        $("mine").replaceChildren(...mine.map(mineRow));
        $("mine-empty").hidden = mine.length > 0;
        $("earnings-total").textContent = money(earned.total_fen);
        $("earnings-count").textContent = say("items_count", { count: earned.items });
      }
      $("relay-page").dataset.state = "ready";
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return signIn();
      if (!(err instanceof G.ApiError && err.status === 0)) G.showError(alertBox, err);
    }
  }

  async function startCourierPage() {
    const role = G.auth.role();
    if (!role) return signIn();
    $("whoami").textContent = say("whoami", { role: G.t("role_" + role) });
    saveOutbox(outbox());
    try {
      let points;
      if (params.get("estate")) {
        estateId = Number(params.get("estate"));
        points = await api("/api/relay/estates/" + estateId + "/points");
      } else if (role === "courier" || role === "property") {
        points = await api("/api/relay/me/points");
      } else {
        G.showError(alertBox, { detail: say("choose_estate") });
        return;
      }
      if (!points.length) {
        G.showError(alertBox, { detail: say("no_point") });
        $("relay-page").dataset.state = "ready";
        return;
      }
      estateId = points[0].estate_id;
      point = params.get("point") || points[0].ref;
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return signIn();
      G.showError(alertBox, err);
      return;
    }
    await flush();
    await refresh();
    window.addEventListener("online", async function () {
      await flush();
      refresh();
    });
    setInterval(refresh, 30000);
  }

  /* ---- property staff: residents' consents ---- */

  async function startConsentsPage() {
    const role = G.auth.role();
    if (!role) return signIn();
    $("whoami").textContent = say("whoami", { role: G.t("role_" + role) });
    if (params.get("estate")) {
      estateId = Number(params.get("estate"));
    } else if (role === "property") {
      try {
        const points = await api("/api/relay/me/points");
        estateId = points.length ? points[0].estate_id : null;
      } catch (err) {
        if (err instanceof G.ApiError && err.status === 401) return signIn();
        G.showError(alertBox, err);
        return;
      }
    }
    if (!estateId) {
      G.showError(alertBox, { detail: say("choose_estate") });
      return;
    }
    let consents = [];

    function draw() {
      const filter = $("c-filter").value.trim();
      const shown = consents.filter((c) => !filter || c.building_number.includes(filter) || c.building === filter);
      $("consent-rows").replaceChildren(
        ...shown.map(function (c) {
          const revoke = h("button", { type: "button", class: "btn btn-small revoke", text: say("revoke") });
          revoke.addEventListener("click", async function () {
            if (!window.confirm(say("revoke_confirm", { address: address(c) }))) return;
            try {
              await api("/api/relay/consents/" + c.id + "/revoke", { method: "POST" });
              tell(say("revoked", { address: address(c) }));
              load();
            } catch (err) {
              G.showError(alertBox, err);
            }
          });
          return h(
            "tr",
            { "data-consent": String(c.id) },
            h("td", { text: address(c) }),
            h("td", { text: G.formatDateTime(c.consented_at) }),
            h("td", { text: say("channel_" + c.channel) }),
            h("td", {}, revoke)
          );
        })
      );
      $("c-empty").hidden = consents.length > 0;
    }

    async function load() {
      try {
        consents = await api("/api/relay/estates/" + estateId + "/consents");
        draw();
        $("consents-page").dataset.state = "ready";
      } catch (err) {
        if (err instanceof G.ApiError && err.status === 401) return signIn();
        G.showError(alertBox, err);
      }
    }

    $("c-filter").addEventListener("input", draw);
    $("consent-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      G.hideError(alertBox);
      const body = { building: $("c-building").value.trim(), unit: $("c-unit").value.trim(), room: $("c-room").value.trim() };
      if (!body.building) {
        $("c-building").focus();
        return;
      }
      try {
        const made = await api("/api/relay/estates/" + estateId + "/consents", { method: "POST", json: body });
        tell(say("recorded", { address: address(made) }));
        $("c-room").value = "";
        load();
      } catch (err) {
        G.showError(alertBox, err);
      }
    });
    load();
  }

  if ($("relay-page")) startCourierPage();
  if ($("consents-page")) startConsentsPage();
})();

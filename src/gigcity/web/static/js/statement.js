/* A rider's day statement, line by line: each order's pay with the clause behind every line,
   fines where the rulebook has them, the hourly-minimum top-up, the total and the score;
   the day's continuous-work stretches against the rest clause. It opens on the last day with
   work and steps between days with work. The server renders every engine sentence and clause
   title in the reader's language; the page never shows a clause id.
   The server decides who may read what (a rider only their own); this page shows its answer. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("statement-strings");

  const main = $("statement");
  const alertBox = $("alert");
  const dayInput = $("day");
  const summary = $("summary");
  const linesPanel = $("lines-panel");
  const restPanel = $("rest-panel");
  let controller = null;
  let around = { previous: null, next: null };


  /* An exact yuan amount from the API ("7.40", "-0.50") as money: "¥7.40", "-¥0.50". */
  function money(yuanText) {
    const text = String(yuanText);
    return text.startsWith("-") ? "-" + say("money", { amount: text.slice(1) }) : say("money", { amount: text });
  }

  function moneyFen(fen) {
    const sign = fen < 0 ? "-" : "";
    const abs = Math.abs(fen);
    return money(sign + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0"));
  }

  function duration(seconds) {
    const minutesTotal = Math.floor(seconds / 60);
    const hours = Math.floor(minutesTotal / 60);
    const minutes = minutesTotal % 60;
    if (!hours) return say("minutes_only", { minutes: minutes });
    return minutes ? say("hours_minutes", { hours: hours, minutes: minutes }) : say("hours_only", { hours: hours });
  }

  function clockTime(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  }

  function isoDay(date) {
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: config.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(date);
  }

  const signInAgain = G.signInAgain;

  /* ---- rendering ---- */

  function amount(fen, yuanText) {
    return h("span", { class: "amount" + (fen < 0 ? " is-negative" : "") }, money(yuanText));
  }

  function lineHead(title, fen, yuanText) {
    return h("div", { class: "line-head" }, h("span", { class: "line-title" }, title), amount(fen, yuanText));
  }

  /* The clause behind a line, by its title (its id stays in data-clause for programs). */
  function clauseTag(title) {
    return h("span", { class: "clause" }, say("clause", { title: title }));
  }

  function scoreBlock(order) {
    const score = order.score;
    const kind = say("score_" + score.kind);
    const badgeClass =
      score.kind === "late_delivery" ? "badge badge-late" : score.kind === "exempt_late_delivery" ? "badge badge-excused" : "badge badge-open";
    const parts = [h("span", { class: badgeClass }, kind), " ", say("points", { points: (score.points > 0 ? "+" : "") + score.points })];
    if (score.late_s > 0) parts.push(" · ", say("late_by", { minutes: Math.ceil(score.late_s / 60) }));
    if (order.late_cause) parts.push(" · ", say("cause", { cause: say("cause_" + order.late_cause) }));
    // The first reason says what the badge says; later ones (fines, caps) add figures.
    return h(
      "div",
      { class: "score" },
      h("p", { class: "line-text" }, parts),
      score.reasons.map((reason, index) =>
        h("p", { class: "note", dataset: { clause: reason.clause } }, index ? reason.text + " " : null, clauseTag(reason.clause_title))
      )
    );
  }

  /* The rules engine's own words for a line, when they carry figures beyond its title. */
  function detail(text) {
    return /\d/.test(text) ? h("p", { class: "line-text" }, text) : null;
  }

  function orderLine(line, order) {
    const title = say("order_title", { id: line.order_id });
    if (!order) {
      return h("li", { class: "pay-line" }, lineHead(title, line.amount_fen, line.amount_yuan), clauseTag(line.clause_title));
    }
    const times = say("order_times", {
      accepted: clockTime(order.ordered_at),
      promised: clockTime(order.promised_at),
      delivered: clockTime(order.delivered_at),
    });
    return h(
      "li",
      { class: "pay-line order-line", dataset: { orderId: line.order_id } },
      h(
        "details",
        {},
        h("summary", {}, lineHead(title, line.amount_fen, line.amount_yuan), h("p", { class: "note" }, times)),
        h(
          "ol",
          { class: "order-lines" },
          order.lines.map((part) =>
            h(
              "li",
              { dataset: { clause: part.clause } },
              lineHead(part.title, part.amount_fen, part.amount_yuan),
              detail(part.text),
              clauseTag(part.clause_title)
            )
          )
        ),
        scoreBlock(order)
      )
    );
  }

  function guaranteeLine(line, statement) {
    const counted = statement.active_time === "online" ? say("counted_online") : say("counted_on_order");
    const explained = say("guarantee_text", {
      active: duration(statement.active_s),
      counted: counted,
      rate: moneyFen(statement.hourly_minimum_fen),
      guaranteed: moneyFen(statement.guaranteed_fen),
      earned: moneyFen(statement.order_pay_fen - statement.fines_fen),
    });
    return h(
      "li",
      { class: "pay-line guarantee-line", dataset: { clause: line.clause } },
      lineHead(line.title, line.amount_fen, line.amount_yuan),
      h("p", { class: "line-text" }, explained),
      clauseTag(line.clause_title)
    );
  }

  function plainLine(line) {
    return h(
      "li",
      { class: "pay-line", dataset: { clause: line.clause } },
      lineHead(line.title, line.amount_fen, line.amount_yuan),
      detail(line.text),
      clauseTag(line.clause_title)
    );
  }

  /* ---- rest: the day's continuous-work stretches against the limit ---- */

  function stretchItem(stretch, scale) {
    const limit = stretch.limit_minutes;
    const within = limit === null ? stretch.minutes : Math.min(stretch.minutes, limit);
    const over = limit === null ? 0 : Math.max(0, stretch.minutes - limit);
    const pct = (minutes) => (scale ? (100 * minutes) / scale : 0).toFixed(2) + "%";
    // Sizes through the CSSOM: the page's policy allows no inline style attributes.
    const part = (cls, property, minutes) => {
      const el = h("span", { class: cls });
      el.style.setProperty(property, pct(minutes));
      return el;
    };
    const bar = h(
      "div",
      { class: "stretch-bar", "aria-hidden": "true" },
      part("stretch-fill", "width", within),
      over ? part("stretch-over", "width", over) : null,
      limit !== null ? part("stretch-limit", "left", limit) : null
    );
    const badge = stretch.breach
      ? h("span", { class: "badge badge-late" }, say("stretch_breach"))
      : h("span", { class: "badge badge-open" }, say("stretch_ok"));
    const rest = stretch.reasons.slice(1).map((reason) =>
      h("p", { class: "line-text" + (stretch.rest_owed ? " is-owed" : "") }, reason.text)
    );
    return h(
      "li",
      { class: "stretch" + (stretch.breach ? " is-breach" : ""), dataset: { clause: stretch.clause, breach: String(stretch.breach) } },
      h(
        "div",
        { class: "line-head" },
        h("span", { class: "line-title" }, say("stretch_time", { start: clockTime(stretch.start), end: clockTime(stretch.end) })),
        badge
      ),
      h("p", { class: "stretch-worked" }, say("stretch_worked", { worked: stretch.duration_text })),
      bar,
      h("p", { class: "line-text" }, stretch.text),
      rest,
      clauseTag(stretch.clause_title)
    );
  }

  function renderRest(statement) {
    const limit = statement.continuous_limit_min;
    $("rest-rule").textContent = statement.rest_rule;
    const longest = Math.max(0, ...statement.stretches.map((stretch) => stretch.minutes));
    const scale = Math.max(longest, limit || 0);
    $("stretches").replaceChildren(...statement.stretches.map((stretch) => stretchItem(stretch, scale)));
    $("rest-empty").hidden = statement.stretches.length > 0;
    restPanel.hidden = false;
  }

  function fact(term, value) {
    return [h("dt", {}, term), h("dd", {}, value)];
  }

  function render(statement) {
    $("total").textContent = money(statement.total_yuan);
    $("summary-facts").replaceChildren(
      ...fact(say("order_pay"), moneyFen(statement.order_pay_fen)),
      ...(statement.fines_fen ? fact(say("fines"), moneyFen(-statement.fines_fen)) : []),
      ...fact(say("top_up"), moneyFen(statement.top_up_fen)),
      ...fact(say("deliveries"), String(statement.deliveries.length)),
      ...fact(say("active_time"), duration(statement.active_s)),
      ...fact(say("score_points"), say("points", { points: statement.score_points })),
      ...fact(say("rest_breaches"), statement.breaches ? say("breach_count", { count: statement.breaches }) : say("no_breach"))
    );
    const label = statement.rulebook.label;
    $("rulebook-note").textContent = statement.pinned_at
      ? say("pinned", { rulebook: label, when: G.formatDateTime(statement.pinned_at) })
      : say("in_force", { rulebook: label });
    $("rulebook-note").dataset.rulebook = statement.rulebook.ref;
    around = { previous: statement.previous_work_day, next: statement.next_work_day };
    $("prev-day").disabled = !around.previous;
    $("next-day").disabled = !around.next;
    renderRest(statement);

    const orders = new Map(statement.deliveries.map((order) => [order.order_id, order]));
    const items = statement.lines.map(function (line) {
      if (line.clause === "pricing") return orderLine(line, orders.get(line.order_id));
      if (line.clause === "guarantee.hourly_minimum_fen") return guaranteeLine(line, statement);
      return plainLine(line);
    });
    if (!statement.hourly_minimum_fen) items.push(h("li", { class: "pay-line note" }, say("no_guarantee")));
    $("lines").replaceChildren(...items);
    $("empty").hidden = statement.deliveries.length > 0;
    summary.hidden = false;
    linesPanel.hidden = false;
  }

  /* ---- loading ---- */

  async function load(day) {
    if (controller) controller.abort();
    controller = new AbortController();
    main.dataset.state = "loading";
    G.hideError(alertBox);
    try {
      const statement = await api("/api/riders/me/statement?date=" + encodeURIComponent(day), { signal: controller.signal });
      render(statement);
      main.dataset.state = "ready";
    } catch (err) {
      if (err.name === "AbortError") return;
      if (err.status === 401) return signInAgain(true);
      summary.hidden = true;
      linesPanel.hidden = true;
      restPanel.hidden = true;
      G.showError(alertBox, err);
      main.dataset.state = "error";
    }
  }

  function choose(day) {
    dayInput.value = day;
    const url = new URL(location.href);
    url.searchParams.set("date", day);
    history.replaceState(null, "", url.pathname + url.search);
    load(day);
  }

  async function start() {
    if (!G.auth.token()) return signInAgain(false);
    $("sign-out").hidden = false;
    $("sign-out").addEventListener("click", () => G.signOut("/login?next=" + encodeURIComponent(location.pathname)));
    if (G.auth.role() !== "rider") {
      $("whoami").textContent = "";
      G.showError(alertBox, new Error(say("not_rider")));
      main.dataset.state = "not-rider";
      return;
    }
    api("/api/me")
      .then((me) => {
        $("whoami").textContent = G.t("signed_in_as", { name: me.display_name, role: G.t("role_" + me.role) });
      })
      .catch((err) => {
        if (err.status === 401) signInAgain(true);
      });
    const asked = new URLSearchParams(location.search).get("date");
    const today = isoDay(new Date());
    dayInput.max = today;
    $("day-form").addEventListener("submit", (event) => event.preventDefault());
    dayInput.addEventListener("change", () => dayInput.value && choose(dayInput.value));
    // Previous and next step between days with work (the statement says which they are).
    $("prev-day").addEventListener("click", () => around.previous && choose(around.previous));
    $("next-day").addEventListener("click", () => around.next && choose(around.next));
    if (asked && /^\d{4}-\d{2}-\d{2}$/.test(asked)) return choose(asked);
    // Without a day asked for: the last day with work, not an empty today.
    let opening = today;
    try {
      const days = await api("/api/riders/me/work-days?limit=1");
      if (days.latest) opening = days.latest;
    } catch (err) {
      if (err.status === 401) return signInAgain(true);
    }
    choose(opening);
  }

  start();
})();

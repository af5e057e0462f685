/* The district's organisation overview (/organisation-overview), for its social-work staff
   (admins): GET /api/organisation/overview?months= — headline cards, a column chart per
   figure by month (small SVGs, drawn as the district overview draws its charts), members
   per check-in point and volunteer teams' confirmed hours as bars (counts, never names),
   and the CSV and XLSX exports. No user-facing text here: strings come from
   #overview-strings and #overview-config. */
(async function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("overview-strings");
  const setup = JSON.parse($("overview-config").textContent);
  const show = G.messages($("alert"), $("notice"));
  const page = $("organisation-overview-page");
  const number = new Intl.NumberFormat(config.htmlLang);
  const oneDecimal = new Intl.NumberFormat(config.htmlLang, { maximumFractionDigits: 1 });
  const yearMonth = new Intl.DateTimeFormat(config.htmlLang, { year: "numeric", month: "long", timeZone: "UTC" });
  const MINUTES = new Set(["volunteer_minutes"]);

  const me = await G.signedIn(show.fail);
  if (!me) {
    page.dataset.state = "error";
    return;
  }
  if (me.role !== "admin") {
    show.fail(new Error(say("need_admin")));
    page.dataset.state = "forbidden";
    return;
  }

  // Minutes are shown as hours (one decimal), under the hours' title.
  const title = (figure) => (MINUTES.has(figure) ? say("volunteer_hours") : setup.figures[figure]);
  const hours = (minutes) => oneDecimal.format(minutes / 60);
  const value = (figure, n) => (MINUTES.has(figure) ? hours(n) : number.format(n));
  const when = (month) => new Date(month + "-01T00:00:00Z");

  /* Columns per month, drawn as /district draws its charts. */
  function chart(figure, months) {
    const columns = months.map((m) => ({ when: when(m.month), n: m[figure] }));
    const shown = (n) => value(figure, n);
    return G.monthChart(figure, say("chart_title", { figure: title(figure) }), columns, shown, (bar) => say("bar_title", bar));
  }

  function card(key, shown, label, extra) {
    return h(
      "div",
      { class: "district-card", dataset: { figure: key } },
      h("span", { class: "district-value", text: shown }),
      h("span", { class: "district-label", text: label }),
      extra ? h("span", { class: "district-source", text: extra }) : null
    );
  }

  function cards(totals) {
    const attended = totals.attendance_station + totals.attendance_online;
    return [
      card("members", number.format(totals.members), say("members")),
      card("checkins", number.format(totals.checkins), title("checkins")),
      card("attendance", number.format(attended), say("attendance"), say("attendance_split", { station: number.format(totals.attendance_station), online: number.format(totals.attendance_online) })),
      card("concerns_opened", number.format(totals.concerns_opened), title("concerns_opened")),
      card("concerns_closed", number.format(totals.concerns_closed), title("concerns_closed")),
      card("concerns_open_now", number.format(totals.concerns_open_now), say("concerns_open_now")),
      card("volunteer_hours", hours(totals.volunteer_minutes), say("volunteer_hours")),
    ];
  }

  /* A labelled bar as wide as its share of the largest (an SVG: no inline style, CSP). */
  function barRow(label, detail, share, data) {
    const drawing = G.svg("svg", { viewBox: "0 0 100 6", preserveAspectRatio: "none", class: "org-overview-bar", "aria-hidden": "true" });
    drawing.append(G.svg("rect", { x: 0, y: 0, width: Math.max(0.5, 100 * share), height: 6, class: "district-bar" }));
    return h("li", { dataset: data }, h("div", { class: "org-overview-bar-head" }, h("strong", { text: label }), h("span", { class: "note", text: detail })), drawing);
  }

  function points(list) {
    const top = Math.max(1, ...list.map((p) => p.members));
    return list.map((p) =>
      barRow(
        say("point_line", { subdistrict: p.subdistrict_name, place: p.place_name }),
        say("point_value", { members: number.format(p.members), checkins: number.format(p.checkins) }),
        p.members / top,
        { point: String(p.id), members: String(p.members) }
      )
    );
  }

  function teams(list) {
    const top = Math.max(1, ...list.map((t) => t.volunteer_minutes));
    return list.map((t) =>
      barRow(t.name, say("team_value", { hours: hours(t.volunteer_minutes), people: number.format(t.volunteers) }), t.volunteer_minutes / top, {
        team: String(t.id),
        minutes: String(t.volunteer_minutes),
      })
    );
  }

  async function load() {
    page.dataset.state = "loading";
    show.clear();
    try {
      const overview = await api("/api/organisation/overview?months=" + $("months").value);
      $("scope-line").textContent = say("scope", { since: yearMonth.format(when(overview.since)), until: yearMonth.format(when(overview.until)) });
      $("cards").replaceChildren(...cards(overview.totals));
      $("charts").replaceChildren(...setup.order.map((f) => chart(f, overview.months)));
      $("points").replaceChildren(...points(overview.points));
      $("teams").replaceChildren(...teams(overview.teams));
      $("no-teams").hidden = overview.teams.length > 0;
      page.dataset.months = String(overview.months.length);
      page.dataset.state = "ready";
    } catch (err) {
      show.fail(err);
      page.dataset.state = "error";
    }
  }

  $("months").addEventListener("change", load);

  async function download(kind) {
    try {
      await G.downloadFile("/api/organisation/overview." + kind + "?months=" + $("months").value, "organisation-overview." + kind);
      show.tell(say("file_ready"));
    } catch (err) {
      show.fail(err);
    }
  }
  $("export-csv").addEventListener("click", () => download("csv"));
  $("export-xlsx").addEventListener("click", () => download("xlsx"));

  load();
})();

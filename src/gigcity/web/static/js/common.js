/* Shared by every page: configuration and strings from the template, the API client,
   sign-in state, small DOM helpers, the overview pages' month charts and the formatting of
   hours, amenities and distances. The scripts carry no user-facing text: every string
   comes from the page (#gigcity-strings). */
(function () {
  "use strict";

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  const config = readJson("gigcity-config");
  const strings = readJson("gigcity-strings");

  function fmt(template, params) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match;
    });
  }

  /* The string `key` of `table`, with {placeholders} filled from `params`. */
  function lookup(table, key, params) {
    const text = table[key];
    if (text === undefined) {
      console.error("gigcity: no string for key", key);
      return key;
    }
    return params ? fmt(text, params) : text;
  }

  /* The translated string `key` shared by every page. */
  function t(key, params) {
    return lookup(strings, key, params);
  }

  /* A page's own strings (the JSON in element `id`) as a function like `t`. */
  function pageStrings(id) {
    const table = readJson(id);
    return (key, params) => lookup(table, key, params);
  }

  /* Build an element: h("a", {class: "x", href: "/", text: "..."}, child, ...). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") el.textContent = value;
      else if (name === "class") el.className = value;
      else if (name === "dataset") Object.assign(el.dataset, value);
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* ---- sign-in state (bearer token in localStorage) ---- */

  const TOKEN_KEY = "gigcity.token";
  const auth = {
    save(tokenOut) {
      const expiresAt = Date.now() + (tokenOut.expires_in || 0) * 1000;
      localStorage.setItem(
        TOKEN_KEY,
        JSON.stringify({ token: tokenOut.access_token, role: tokenOut.role, expiresAt: expiresAt })
      );
    },
    read() {
      try {
        const saved = JSON.parse(localStorage.getItem(TOKEN_KEY) || "null");
        if (saved && saved.token && (!saved.expiresAt || saved.expiresAt > Date.now())) return saved;
      } catch (err) {
        /* a damaged entry counts as signed out */
      }
      return null;
    },
    token() {
      const saved = auth.read();
      return saved ? saved.token : null;
    },
    role() {
      const saved = auth.read();
      return saved ? saved.role : null;
    },
    clear() {
      localStorage.removeItem(TOKEN_KEY);
    },
  };

  /* ---- API client: JSON in and out (or a multipart `formData`), RFC 9457 problems raised
     as ApiError ---- */

  class ApiError extends Error {
    constructor(status, detail, problem) {
      super(detail);
      this.name = "ApiError";
      this.status = status;
      this.detail = detail;
      this.problem = problem;
    }
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = { Accept: "application/json", "Accept-Language": config.htmlLang };
    const token = auth.token();
    if (token && opts.auth !== false) headers.Authorization = "Bearer " + token;
    let body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      body = new URLSearchParams(opts.form);
    } else if (opts.formData) {
      body = opts.formData; // multipart: the browser writes its Content-Type with the boundary
    }
    let response;
    try {
      response = await fetch(path, {
        method: opts.method || "GET",
        headers: headers,
        body: body,
        signal: opts.signal,
        credentials: "same-origin",
      });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError(0, t("error_network"), null);
    }
    const type = response.headers.get("content-type") || "";
    const data = type.includes("json") ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      const detail = (data && data.detail) || t("error_status", { status: response.status });
      throw new ApiError(response.status, detail, data);
    }
    return data;
  }

  /* A file behind the bearer token (a CSV, a PDF, a chart): the response, or an ApiError. */
  async function fetchAuthed(path) {
    let response;
    try {
      response = await fetch(path, {
        headers: { "Accept-Language": config.htmlLang, Authorization: "Bearer " + auth.token() },
        credentials: "same-origin",
      });
    } catch (err) {
      throw new ApiError(0, t("error_network"), null);
    }
    if (!response.ok) {
      const data = await response.json().catch(() => null);
      throw new ApiError(response.status, (data && data.detail) || t("error_status", { status: response.status }), data);
    }
    return response;
  }

  /* Such a file saved under the server's name (Content-Disposition), else `fallbackName`. */
  async function downloadFile(path, fallbackName) {
    return saveResponse(await fetchAuthed(path), fallbackName);
  }

  /* A fetched file saved under the server's name (Content-Disposition), else `fallbackName`
     (for a page that also reads the answer's headers). */
  async function saveResponse(response, fallbackName) {
    const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    const name = match ? match[1] : fallbackName;
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    return name;
  }

  /* Show an error (ApiError or any Error) in an alert box, with field errors when given. */
  function showError(box, error) {
    box.replaceChildren();
    box.append(h("p", { text: error.detail || error.message || String(error) }));
    const fieldErrors = error.problem && Array.isArray(error.problem.errors) ? error.problem.errors : [];
    if (fieldErrors.length) {
      box.append(h("ul", {}, fieldErrors.map((e) => h("li", { text: e.field + ": " + e.message }))));
    }
    box.hidden = false;
  }

  function hideError(box) {
    box.hidden = true;
    box.replaceChildren();
  }

  /* ---- pages behind sign-in ---- */

  /* Set once the reader has signed out: a request still in flight then answers 401, and
     that must not turn the way out into "your session ran out" on the sign-in page. */
  let signedOut = false;

  /* Forget the account and go to `to` (the map unless a page says otherwise). */
  function signOut(to) {
    signedOut = true;
    auth.clear();
    location.assign(to || "/");
  }

  /* To the sign-in page, back here afterwards; `expired` says the session ran out. */
  function signInAgain(expired) {
    if (signedOut) return;
    auth.clear();
    const params = new URLSearchParams({ next: location.pathname + location.search });
    if (expired) params.set("expired", "1");
    location.replace("/login?" + params.toString());
  }

  /* A page's #alert and #notice boxes: fail(err) shows an error (a 401 signs in again),
     tell(text) a notice, clear() hides both. */
  function messages(alertBox, notice) {
    return {
      fail(err) {
        if (err && err.status === 401) return signInAgain(true);
        notice.hidden = true;
        showError(alertBox, err);
      },
      tell(text) {
        hideError(alertBox);
        notice.textContent = text;
        notice.hidden = false;
      },
      clear() {
        hideError(alertBox);
        notice.hidden = true;
      },
    };
  }

  /* The signed-in account (GET /api/me), shown as "signed in as" (#whoami) beside the
     #sign-out button; null when the page went to sign in or `fail` was given the error. */
  async function signedIn(fail) {
    if (!auth.token()) {
      signInAgain(false);
      return null;
    }
    let me;
    try {
      me = await api("/api/me");
    } catch (err) {
      fail(err);
      return null;
    }
    document.getElementById("whoami").textContent = t("signed_in_as", { name: me.display_name, role: t("role_" + me.role) });
    const signOutButton = document.getElementById("sign-out");
    signOutButton.hidden = false;
    signOutButton.addEventListener("click", () => signOut());
    return me;
  }

  /* ---- change history (a record's audit: the table of templates' history_table) ---- */

  /* A value in a change line: empty, yes/no, or as written. */
  function showValue(value) {
    if (value === null || value === undefined || value === "") return t("empty_value");
    if (value === true) return t("yes");
    if (value === false) return t("no");
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  /* One changed field, "label: before → after"; `code` shows the values as code. */
  function changeLine(label, before, after, code) {
    const cls = code ? " mono" : "";
    return h(
      "li",
      {},
      h("strong", { text: label }),
      ": ",
      h("span", { class: "before" + cls, text: before }),
      " → ",
      h("span", { class: "after" + cls, text: after })
    );
  }

  /* Fill #history-rows from the audit at `path`, newest first as the API gives it: when, who,
     `actionName(code)` and the list `changeLines(entry)` makes; errors go to `fail`. */
  async function loadHistory(path, actionName, changeLines, fail) {
    const rows = document.getElementById("history-rows");
    rows.replaceChildren();
    let entries;
    try {
      entries = await api(path);
    } catch (err) {
      return fail(err);
    }
    if (!entries.length) {
      rows.append(h("tr", {}, h("td", { colspan: "4", text: t("history_empty") })));
      return;
    }
    for (const entry of entries) {
      rows.append(
        h(
          "tr",
          { dataset: { action: entry.action } },
          h("td", { text: formatDateTime(entry.at) }),
          h("td", { text: entry.actor }),
          h("td", { text: actionName(entry.action) }),
          h("td", {}, h("ul", { class: "changes" }, changeLines(entry)))
        )
      );
    }
  }

  /* ---- formatting ---- */

  const WEEKDAY_CODES = ["mo", "tu", "we", "th", "fr", "sa", "su"];

  function formatRanges(ranges) {
    return ranges.map((r) => r.start + "–" + r.end).join(t("list_separator"));
  }

  /* Opening hours as lines such as "Mon–Fri 08:00–20:00"; consecutive days with the same
     hours are grouped, days without hours say "closed". */
  function formatHours(hours) {
    if (!hours) return [];
    if (hours.osm) return [hours.osm, ...holidayLines(hours)]; // beyond the weekly form: as written
    if (hours.always_open) return [t("open_24h"), ...holidayLines(hours)];
    const weekly = hours.weekly || {};
    const groups = [];
    WEEKDAY_CODES.forEach(function (code, index) {
      const ranges = weekly[code] || [];
      const text = ranges.length ? formatRanges(ranges) : t("day_closed");
      const last = groups[groups.length - 1];
      if (last && last.text === text && last.end === index - 1) last.end = index;
      else groups.push({ start: index, end: index, text: text });
    });
    const names = strings.weekdays;
    return groups
      .map(function (g) {
        const days =
          g.start === g.end ? names[g.start] : t("day_range", { first: names[g.start], last: names[g.end] });
        return days + " " + g.text;
      })
      .concat(holidayLines(hours));
  }

  /* A point's next days (`days_ahead` of one point's answer) as lines such as
     "Thu 10/1 National Day closed": the hours as they fall on each date, holidays and every OSM
     rule applied on the server. */
  function formatDays(days) {
    return days.map(function (d) {
      const [year, month, day] = d.day.split("-").map(Number);
      const weekday = strings.weekdays[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7];
      const hours = d.ranges.length ? formatRanges(d.ranges) : t("day_closed");
      return [weekday, month + "/" + day, d.holiday, hours].filter(Boolean).join(" ");
    });
  }

  /* Public holidays and make-up working days, when they differ from the usual week. */
  function holidayLines(hours) {
    const lines = [];
    const holidays = hours.public_holidays;
    if (holidays != null) {
      lines.push(holidays.length ? t("holidays_hours", { ranges: formatRanges(holidays) }) : t("holidays_closed"));
    }
    if (hours.makeup_workdays) {
      const day = strings.weekdays[WEEKDAY_CODES.indexOf(hours.makeup_workdays)];
      lines.push(t("makeup_workday_hours", { day: day }));
    }
    return lines;
  }

  /* The phone's position ({lon, lat}, WGS-84) if it gives one within `timeoutMs`, else
     null (refused, unavailable, or too slow: a page then measures from elsewhere). */
  function phonePosition(timeoutMs) {
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs + 500);
      navigator.geolocation.getCurrentPosition(
        (p) => {
          clearTimeout(timer);
          resolve({ lon: p.coords.longitude, lat: p.coords.latitude });
        },
        () => {
          clearTimeout(timer);
          resolve(null);
        },
        { timeout: timeoutMs, maximumAge: 300000 }
      );
    });
  }

  /* A timestamp from the API shown in district time with `options` (24-hour clock). */
  function districtTime(iso, options) {
    return new Intl.DateTimeFormat(config.htmlLang, { timeZone: config.timezone, hourCycle: "h23", ...options }).format(new Date(iso));
  }

  /* Today's date (YYYY-MM-DD) where the district is. */
  function todayInDistrict() {
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: config.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date());
  }

  /* The "closed today" exception of these hours, or null. */
  function closedToday(hours) {
    const today = todayInDistrict();
    const list = (hours && hours.exceptions) || [];
    return list.find((e) => e.date === today && e.closed) || null;
  }

  function formatYuan(fen) {
    return fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2);
  }

  /* Amenities as display lines: flags by name, beds with their free count, meals with price. */
  function amenityLines(amenities) {
    const lines = [];
    if (!amenities) return lines;
    for (const [code, value] of Object.entries(amenities)) {
      if (value === true) lines.push(config.amenities[code] || code);
    }
    if (amenities.beds) lines.push(t("beds_free", { free: amenities.beds.free, count: amenities.beds.count }));
    if (amenities.discounted_meals) {
      const meals = amenities.discounted_meals;
      const price = t("meal_price", { price: formatYuan(meals.price_fen) });
      lines.push(meals.note ? price + " (" + meals.note + ")" : price);
    }
    return lines;
  }

  function formatDistance(metres) {
    if (metres === null || metres === undefined) return "";
    if (metres < 1000) return t("distance_m", { m: Math.round(metres / 10) * 10 });
    return t("distance_km", { km: (metres / 1000).toFixed(1) });
  }

  /* Great-circle distance in metres (for points the API gave no distance for). */
  function haversine(lat1, lon1, lat2, lon2) {
    const rad = Math.PI / 180;
    const dLat = (lat2 - lat1) * rad;
    const dLon = (lon2 - lon1) * rad;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
  }

  /* A timestamp from the API in district time; one without a zone is taken as UTC. */
  function formatDateTime(iso) {
    const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : iso + "Z";
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      dateStyle: "short",
      timeStyle: "medium",
    }).format(new Date(zoned));
  }

  function kindLabel(code) {
    return config.kinds[code] || code;
  }

  /* ---- charts (small SVGs: no inline style, CSP) ---- */

  function svg(tag, attrs) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
    return el;
  }

  /* A column per month in a panel titled `name` (the overview pages, district.css), as an SVG
     that scales to it: `months` is [{when: the month's first day as a Date, n}], `shown(n)`
     writes a value, `barTitle({month, value})` a column's tooltip; the panel's
     data-figure is `figure`. */
  function monthChart(figure, name, months, shown, barTitle) {
    const width = 320;
    const height = 120;
    const foot = 16;
    const gap = 4;
    const monthName = new Intl.DateTimeFormat(config.htmlLang, { month: "short", timeZone: "UTC" });
    const yearMonth = new Intl.DateTimeFormat(config.htmlLang, { year: "numeric", month: "long", timeZone: "UTC" });
    const top = Math.max(1, ...months.map((m) => m.n));
    const step = width / Math.max(1, months.length);
    const drawing = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "district-chart", role: "img", "aria-label": name });
    months.forEach((m, k) => {
      const tall = ((height - foot - 4) * m.n) / top;
      const bar = svg("rect", { x: k * step + gap / 2, y: height - foot - tall, width: Math.max(1, step - gap), height: tall, class: "district-bar" });
      const tip = svg("title");
      tip.textContent = barTitle({ month: yearMonth.format(m.when), value: shown(m.n) });
      bar.append(tip);
      drawing.append(bar);
      const label = svg("text", { x: k * step + step / 2, y: height - 4, class: "district-tick", "text-anchor": "middle" });
      label.textContent = months.length > 7 && k % 2 ? "" : monthName.format(m.when);
      drawing.append(label);
    });
    const peak = svg("text", { x: 2, y: 12, class: "district-peak" });
    peak.textContent = shown(Math.max(0, ...months.map((m) => m.n)));
    drawing.append(peak);
    return h("section", { class: "panel district-chart-panel", dataset: { figure: figure } }, h("h3", { text: name }), drawing);
  }

  /* ---- each role its own pages ---- */

  /* The home page of a role (where signing in takes it); the map for everyone else. */
  function homeOf(role) {
    return (config.homes && config.homes[role]) || "/";
  }

  /* Show the links of the menu that the signed-in role may use ("anon" when signed out),
     and, on a page for other roles, say so with a link home instead of the page. */
  function applyRole() {
    const role = auth.role();
    const who = role || "anon";
    document.querySelectorAll("[data-for]").forEach(function (el) {
      el.hidden = !el.dataset.for.split(" ").includes(who);
    });
    const menuSignOut = document.getElementById("menu-sign-out");
    if (menuSignOut) menuSignOut.addEventListener("click", () => signOut());
    const gate = document.getElementById("role-gate");
    const roles = (document.body.dataset.roles || "").split(" ").filter(Boolean);
    if (!gate || !role || !roles.length || roles.includes(role)) return;
    document.body.classList.add("wrong-role");
    document.getElementById("role-gate-text").textContent = t("page_not_for_role", {
      role: t("role_" + role),
      who: t("page_for_" + document.body.dataset.page),
    });
    const home = document.getElementById("role-gate-home");
    home.href = homeOf(role);
    home.textContent = t("home_" + role);
    gate.hidden = false;
  }

  applyRole();

  window.gigcity = {
    homeOf: homeOf,
    config: config,
    strings: strings,
    t: t,
    pageStrings: pageStrings,
    phonePosition: phonePosition,
    districtTime: districtTime,
    todayInDistrict: todayInDistrict,
    fmt: fmt,
    h: h,
    escapeHtml: escapeHtml,
    auth: auth,
    api: api,
    ApiError: ApiError,
    fetchAuthed: fetchAuthed,
    downloadFile: downloadFile,
    saveResponse: saveResponse,
    showError: showError,
    hideError: hideError,
    signInAgain: signInAgain,
    signOut: signOut,
    messages: messages,
    signedIn: signedIn,
    showValue: showValue,
    changeLine: changeLine,
    loadHistory: loadHistory,
    formatHours: formatHours,
    formatDays: formatDays,
    closedToday: closedToday,
    formatYuan: formatYuan,
    amenityLines: amenityLines,
    formatDistance: formatDistance,
    haversine: haversine,
    formatDateTime: formatDateTime,
    kindLabel: kindLabel,
    svg: svg,
    monthChart: monthChart,
  };
})();

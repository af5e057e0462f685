/* Station staff (and admins) certify riders for gate passes (/certify): the rider's
   username, the last day it is valid (the end of that day, district time) and a note;
   the list of certifications (those in force, or all) with revoke. The server decides
   who may certify and records the voucher; the page shows its answers. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("certify-strings");
  const pageEl = $("certify-page");
  const alertBox = $("alert");
  const notice = $("notice");
  const DEFAULT_DAYS = 90;
  let items = [];

  function tell(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  function day(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date(iso));
  }

  /* "YYYY-MM-DD" of the district's day `days` from today. */
  function localDate(days) {
    const when = new Date(Date.now() + days * 86400000);
    return new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(when);
  }

  function row(c) {
    const name = say("rider", { name: c.rider_name, username: c.rider });
    const state = c.in_force ? say("in_force") : say("ended");
    const li = h(
      "li",
      { class: "certification" + (c.in_force ? "" : " ended"), "data-certification": String(c.id) },
      h("p", { class: "cert-name" }, h("strong", { text: name }), " ", h("span", { class: "cert-state", text: state })),
      h("p", { class: "cert-line", text: say("valid", { from: day(c.valid_from), until: day(c.valid_until) }) }),
      h("p", { class: "cert-line", text: say("vouched", { voucher: c.voucher }) })
    );
    if (c.note) li.append(h("p", { class: "cert-line note", text: c.note }));
    if (c.revoked_at) {
      li.append(h("p", { class: "cert-line", text: say("revoked_by", { when: day(c.revoked_at), who: c.revoked_by || "" }) }));
    } else {
      const revoke = h("button", { type: "button", class: "btn btn-small revoke", text: say("revoke") });
      revoke.addEventListener("click", async () => {
        if (!window.confirm(say("revoke_confirm", { name: c.rider_name }))) return;
        G.hideError(alertBox);
        try {
          await api("/api/gates/certifications/" + c.id + "/revoke", { method: "POST" });
          tell(say("revoked", { name: c.rider_name }));
          await load();
        } catch (err) {
          G.showError(alertBox, err);
        }
      });
      li.append(revoke);
    }
    return li;
  }

  function draw() {
    const filter = $("c-filter").value.trim().toLowerCase();
    const shown = items.filter(
      (c) => !filter || c.rider.toLowerCase().includes(filter) || c.rider_name.toLowerCase().includes(filter)
    );
    $("certifications").replaceChildren(...shown.map(row));
    $("c-empty").hidden = shown.length > 0;
  }

  async function load() {
    const query = new URLSearchParams({ in_force: String($("c-in-force").checked), limit: "500" });
    try {
      items = await api("/api/gates/certifications?" + query.toString());
      draw();
      pageEl.dataset.state = "ready";
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
      G.showError(alertBox, err);
    }
  }

  async function certify(event) {
    event.preventDefault();
    G.hideError(alertBox);
    const rider = $("c-rider").value.trim();
    const until = $("c-until").value;
    if (!rider) {
      G.showError(alertBox, { detail: say("need_rider") });
      return $("c-rider").focus();
    }
    if (!until) {
      G.showError(alertBox, { detail: say("need_until") });
      return $("c-until").focus();
    }
    const body = { rider: rider, valid_until: until + "T23:59:59", note: $("c-note").value.trim() };
    try {
      const made = await api("/api/gates/certifications", { method: "POST", json: body });
      tell(say("certified", { name: made.rider_name, until: day(made.valid_until) }));
      $("c-rider").value = "";
      $("c-note").value = "";
      await load();
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
      G.showError(alertBox, err);
    }
  }

  function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "staff" && role !== "admin") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_" + role) });
    $("c-until").value = localDate(DEFAULT_DAYS);
    $("c-until").min = localDate(0);
    $("c-until").max = localDate(365);
    $("certify-form").addEventListener("submit", certify);
    $("c-filter").addEventListener("input", draw);
    $("c-in-force").addEventListener("change", load);
    load();
  }

  start();
})();

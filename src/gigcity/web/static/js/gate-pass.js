/* The rider's gate pass: the estates the rider may ask a pass for, and the chosen estate's
   current code as a QR image and six digits, fetched again just before it expires (and when
   the page comes back into view). The pass's secret never reaches the phone: the server
   hands out one code at a time. The server decides who may have a pass; this page shows
   its answer. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("pass-strings");
  const STORE = "gigcity.pass.estate";

  const main = $("gate-pass");
  const alertBox = $("alert");
  const standing = $("standing");
  const form = $("estate-form");
  const select = $("estate");
  const card = $("card");
  let refreshTimer = null;
  let tickTimer = null;
  let expiresAt = 0;

  function dateText(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  }

  function estateName(item) {
    return config.locale.startsWith("en") && item.estate_name_en ? item.estate_name_en : item.estate_name;
  }

  function groupedCode(code) {
    return code.slice(0, 3) + " " + code.slice(3);
  }

  function stopTimers() {
    clearTimeout(refreshTimer);
    clearInterval(tickTimer);
    refreshTimer = null;
    tickTimer = null;
  }

  function tick() {
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    $("timer").value = left;
    $("timer-text").textContent = left > 0 ? say("seconds_left", { seconds: left }) : say("refreshing");
  }

  function show(pass) {
    $("pass-estate").textContent = pass.estate_name;
    $("qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(pass.qr_svg);
    $("code").textContent = groupedCode(pass.code);
    $("pass-number").textContent = String(pass.pass_id);
    $("pass-label").textContent = pass.label;
    $("timer").max = pass.step_s;
    standing.textContent = say("certified_until", { date: dateText(pass.valid_until) });
    card.hidden = false;
    main.dataset.state = "ready";
    expiresAt = Date.now() + pass.expires_in_s * 1000;
    tick();
    stopTimers();
    tickTimer = setInterval(tick, 1000);
    // A new code a moment after this one's step ends (the gate still takes the old one
    // for one more step, so a code read just before the turn opens too).
    refreshTimer = setTimeout(load, pass.expires_in_s * 1000 + 300);
  }

  async function load() {
    const estateId = select.value;
    if (!estateId || document.hidden) return;
    try {
      const pass = await api("/api/gates/passes/" + encodeURIComponent(estateId) + "/code");
      G.hideError(alertBox);
      show(pass);
    } catch (error) {
      stopTimers();
      card.hidden = true;
      main.dataset.state = "refused";
      G.showError(alertBox, error);
    }
  }

  async function start() {
    if (!G.auth.token()) {
      location.assign("/login?next=/pass");
      return;
    }
    let mine;
    try {
      mine = await api("/api/gates/passes");
    } catch (error) {
      main.dataset.state = "error";
      standing.textContent = "";
      G.showError(alertBox, error);
      return;
    }
    if (!mine.certified) {
      standing.textContent = say("not_certified");
      main.dataset.state = "not-certified";
      return;
    }
    standing.textContent = say("certified_until", { date: dateText(mine.valid_until) });
    const usable = mine.passes.filter((p) => !p.revoked);
    if (!usable.length) {
      standing.append(" ", say("no_estates"));
      main.dataset.state = "empty";
      return;
    }
    select.replaceChildren(...usable.map((p) => h("option", { value: String(p.estate_id), text: estateName(p) })));
    const remembered = localStorage.getItem(STORE);
    if (remembered && usable.some((p) => String(p.estate_id) === remembered)) select.value = remembered;
    form.hidden = false;
    select.addEventListener("change", function () {
      localStorage.setItem(STORE, select.value);
      load();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) stopTimers();
      else load();
    });
    load();
  }

  start();
})();

/* The counsellors' page (/care/counsellor): the call-backs to make, oldest first, each
   marked called or not reached (once: a second mark is the server's 409, shown as it
   says); the group sessions with their places taken, planning and cancelling one. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("care-strings");
  const show = G.messages($("alert"), $("notice"));

  function when(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone, month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit",
    }).format(new Date(iso));
  }

  function callbackRow(c) {
    const buttons = ["called", "not_reached"].map(function (outcome) {
      const b = h("button", { type: "button", class: "btn big-btn" + (outcome === "called" ? " btn-primary" : ""), text: say(outcome) });
      b.addEventListener("click", async function () {
        b.disabled = true;
        try {
          await api("/api/care/callbacks/" + c.id + "/outcome", { method: "POST", json: { outcome: outcome } });
          show.tell(say("marked_" + outcome));
        } catch (err) {
          show.fail(err);
        }
        loadQueue();
      });
      return b;
    });
    return h(
      "li",
      { class: "callback", "data-callback": String(c.id) },
      h("p", {}, h("a", { class: "phone mono", href: "tel:" + c.phone, text: c.phone })),
      h("p", { text: say("callback_line", { when: say("callback_when_" + c.when), at: when(c.created_at) }) }),
      h("div", { class: "row" }, buttons)
    );
  }

  async function loadQueue() {
    let queue;
    try {
      queue = await api("/api/care/callbacks");
    } catch (err) {
      return show.fail(err);
    }
    $("queue").replaceChildren(...queue.map(callbackRow));
    $("queue-empty").hidden = queue.length > 0;
  }

  function sessionRow(s) {
    const cancel = h("button", { type: "button", class: "btn big-btn", text: say("cancel_session") });
    cancel.addEventListener("click", async function () {
      cancel.disabled = true;
      try {
        await api("/api/care/sessions/" + s.id, { method: "DELETE" });
        show.tell(say("session_cancelled", { title: s.title }));
      } catch (err) {
        show.fail(err);
      }
      loadSessions();
    });
    const where = s.online ? say("session_online", { venue: s.venue }) : s.venue;
    return h(
      "li",
      { class: "session", "data-session": String(s.id) },
      h("p", {}, h("strong", { text: s.title })),
      h("p", { text: say("session_when", { day: when(s.starts_at), minutes: s.minutes }) }),
      where ? h("p", { text: where }) : null,
      h("p", { class: "places", text: say("session_taken", { taken: s.taken, capacity: s.capacity }) }),
      cancel
    );
  }

  async function loadSessions() {
    let sessions;
    try {
      sessions = await api("/api/care/sessions");
    } catch (err) {
      return show.fail(err);
    }
    $("sessions").replaceChildren(...sessions.map(sessionRow));
    $("sessions-empty").hidden = sessions.length > 0;
  }

  $("session-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const start = $("session-start").value;
    const body = {
      title: $("session-title").value.trim(),
      starts_at: start ? new Date(start).toISOString() : "",
      minutes: Number($("session-minutes").value || 60),
      venue: $("session-venue").value.trim(),
      online: $("session-online").checked,
      capacity: Number($("session-capacity").value || 0),
    };
    try {
      await api("/api/care/sessions", { method: "POST", json: body });
      show.tell(say("session_created", { title: body.title }));
      $("session-form").reset();
    } catch (err) {
      show.fail(err);
    }
    loadSessions();
  });

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    await Promise.all([loadQueue(), loadSessions()]);
    $("counsellor-page").dataset.state = "ready";
  }

  start();
})();

/* A rider's or driver's care page (/care): the group sessions, taking a place and giving it
   back (a full session's 409 is shown as the server says it), and the nearest meal under
   15 yuan open now and the nearest free water, from the phone's position once allowed,
   else from the district's centre. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("care-strings");
  const show = G.messages($("alert"), $("notice"));
  const bbox = config.bbox;
  let here = { lon: (bbox[0] + bbox[2]) / 2, lat: (bbox[1] + bbox[3]) / 2, mine: false };

  function when(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone, month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit",
    }).format(new Date(iso));
  }

  function sessionRow(s) {
    const where = s.online ? say("session_online", { venue: s.venue }) : s.venue;
    const button = h("button", {
      type: "button",
      class: "btn big-btn" + (s.mine ? "" : " btn-primary"),
      text: s.mine ? say("give_back") : say("sign_up"),
      disabled: !s.mine && s.free <= 0,
    });
    button.addEventListener("click", async function () {
      button.disabled = true;
      try {
        if (s.mine) {
          await api("/api/care/sessions/" + s.id + "/signup", { method: "DELETE" });
          show.tell(say("given_back", { title: s.title }));
        } else {
          await api("/api/care/sessions/" + s.id + "/signup", { method: "POST" });
          show.tell(say("signed_up", { title: s.title }));
        }
      } catch (err) {
        show.fail(err);
      }
      loadSessions();
    });
    return h(
      "li",
      { class: "session", "data-session": String(s.id), "data-mine": String(s.mine) },
      h("p", {}, h("strong", { text: s.title })),
      h("p", { text: say("session_when", { day: when(s.starts_at), minutes: s.minutes }) }),
      where ? h("p", { text: where }) : null,
      h("p", { class: "places", text: s.mine ? say("session_mine") : s.free > 0 ? say("session_places", { free: s.free, capacity: s.capacity }) : say("session_full") }),
      button
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

  function offerRow(o) {
    const price = o.price_fen > 0 ? say("price", { yuan: G.formatYuan(o.price_fen) }) : say("free");
    return h(
      "li",
      { class: "offer", "data-offer": String(o.id) },
      h("p", {}, h("strong", { text: o.name }), " · ", h("span", { class: "price", text: price })),
      h("p", { text: say("offer_line", { place: o.place_name, distance: G.formatDistance(o.distance_m) }) }),
      h("p", { class: "note", text: say("hours", { hours: o.hours }) })
    );
  }

  async function loadOffers() {
    $("near-from").textContent = say(here.mine ? "near_you" : "near_centre");
    const at = "lon=" + here.lon + "&lat=" + here.lat;
    try {
      const [meals, water] = await Promise.all([
        api("/api/care/meals/nearest?" + at + "&max_price_fen=1500&open_now=true&k=3"),
        api("/api/care/water/nearest?" + at + "&open_now=true&k=3"),
      ]);
      $("meals").replaceChildren(...meals.map(offerRow));
      $("meals-empty").hidden = meals.length > 0;
      $("water").replaceChildren(...water.map(offerRow));
      $("water-empty").hidden = water.length > 0;
    } catch (err) {
      show.fail(err);
    }
  }

  $("use-position").addEventListener("click", function () {
    if (!navigator.geolocation) return show.tell(say("position_denied"));
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        here = { lon: pos.coords.longitude, lat: pos.coords.latitude, mine: true };
        loadOffers();
      },
      function () {
        show.tell(say("position_denied"));
      },
      { timeout: 10000, maximumAge: 60000 }
    );
  });

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    await Promise.all([loadSessions(), loadOffers()]);
    $("care-page").dataset.state = "ready";
  }

  start();
})();

/* A rider's or driver's family doctor (/doctors): my sign-up (GET/DELETE
   /api/doctors/signup), the centres with their doctors' free places to sign up with (GET
   /api/doctors/centres, POST /api/doctors/signup), check-up slots with my doctor in the band
   that fits my shifts and my booking (GET /api/doctors/slots, POST/DELETE
   /api/doctors/slots/{id}/booking), my consent to health readings (GET/PUT/DELETE
   /api/doctors/consent), and, when asked, my readings and who read them (GET
   /api/doctors/readings, /api/doctors/readings/log; each look is logged, so they are not
   fetched until the worker asks). The server decides who has room; the page shows it. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("doctors-strings");
  const pageEl = $("doctors-page");
  const { tell, fail } = G.messages($("alert"), $("notice"));
  const FIRST_SLOTS = 6;
  let signup = null; // SignupOut, or null when not signed up

  /* An instant as the district's "12/6 Sun 07:30". */
  function when(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  }

  function day(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, { timeZone: config.timezone, dateStyle: "medium" }).format(new Date(iso));
  }

  async function act(run, done) {
    try {
      await run();
      if (done) tell(done);
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  }

  /* ---- my doctor ---- */

  async function loadSignup() {
    try {
      signup = await api("/api/doctors/signup");
    } catch (err) {
      if (!(err instanceof G.ApiError && err.status === 404)) fail(err);
      signup = null;
    }
    $("my-doctor-line").textContent = signup ? say("my_doctor_line", { doctor: signup.doctor, centre: signup.centre }) : say("not_signed_up");
    $("my-doctor-since").textContent = signup ? say("since", { date: day(signup.started_at) }) : "";
    $("my-doctor").dataset.doctor = signup ? String(signup.doctor_id) : "";
    $("leave").hidden = !signup;
    $("checkups").hidden = !signup;
  }

  async function leave() {
    if (!signup || !window.confirm(say("leave_confirm", { doctor: signup.doctor }))) return;
    await act(() => api("/api/doctors/signup", { method: "DELETE" }), say("left"));
    await loadAll();
  }

  /* ---- centres ---- */

  function doctorRow(centre, d) {
    const mine = signup && signup.doctor_id === d.id;
    const text = d.free > 0 ? say("doctor_free", { doctor: d.name, free: d.free, list_size: d.list_size }) : say("doctor_full", { doctor: d.name });
    const li = h("li", { class: "doc-doctor", "data-doctor": String(d.id) }, h("p", { text: text }));
    if (mine) li.append(h("span", { class: "doc-tag mine", text: say("your_doctor") }));
    else if (d.free > 0 && centre.free > 0) {
      const go = h("button", { type: "button", class: "btn btn-primary sign-up", text: say("sign_up_with", { doctor: d.name }) });
      go.addEventListener("click", () => signUp(centre, d));
      li.append(h("div", { class: "doc-buttons" }, go));
    }
    return li;
  }

  function centreRow(c) {
    const doctors = c.doctors.filter((d) => d.active);
    return h(
      "li",
      { class: "doc-item centre", "data-centre": String(c.place_id) },
      h("p", { class: "doc-head", text: c.name }),
      c.address ? h("p", { class: "note", text: c.address }) : null,
      h("p", { class: "centre-free", text: say("centre_free", { free: c.free, capacity: c.capacity }) }),
      h("ul", { class: "doc-doctors" }, doctors.map((d) => doctorRow(c, d)))
    );
  }

  async function loadCentres() {
    try {
      const centres = await api("/api/doctors/centres");
      // the centres with room first: they are the ones a worker can sign up at
      centres.sort((a, b) => (b.free > 0) - (a.free > 0));
      $("centres").replaceChildren(...centres.map(centreRow));
      $("centres-empty").hidden = centres.length > 0;
    } catch (err) {
      fail(err);
    }
  }

  async function signUp(centre, d) {
    if (signup && !window.confirm(say("move_confirm", { doctor: d.name, centre: centre.name, old: signup.doctor }))) return;
    let made = null;
    const ok = await act(async () => {
      made = await api("/api/doctors/signup", { method: "POST", json: { place_id: centre.place_id, doctor_id: d.id } });
    });
    if (ok && made) tell(say("signed_up", { doctor: made.doctor, centre: made.centre }));
    await loadAll();
  }

  /* ---- check-ups ---- */

  function slotRow(s) {
    const book = h("button", { type: "button", class: "btn btn-primary book", text: say("book") });
    book.addEventListener("click", async () => {
      let made = null;
      const ok = await act(async () => {
        made = await api("/api/doctors/slots/" + s.id + "/booking", { method: "POST" });
      });
      if (ok && made) tell(say("booked", { time: when(made.starts_at), doctor: made.doctor }));
      await loadSlots();
    });
    return h(
      "li",
      { class: "doc-item doc-row slot band-" + s.band, "data-slot": String(s.id) },
      h("p", { text: say("slot_line", { time: when(s.starts_at), minutes: s.minutes }) }),
      book
    );
  }

  let mySlot = null;
  let allSlots = false; // the first few slots, until the worker asks for all

  async function loadSlots() {
    if (!signup) return;
    try {
      const slots = await api("/api/doctors/slots");
      mySlot = slots.find((s) => s.mine) || null;
      $("my-checkup").hidden = !mySlot;
      if (mySlot) {
        $("my-checkup-line").textContent = say("my_checkup", { time: when(mySlot.starts_at), doctor: mySlot.doctor, band: say("band_" + mySlot.band) });
      }
      // one coming check-up at a time: with one booked, the free slots are not offered
      const free = mySlot ? [] : slots.filter((s) => !s.booked && s.band === $("band").value);
      const shown = allSlots ? free : free.slice(0, FIRST_SLOTS);
      $("slots").replaceChildren(...shown.map(slotRow));
      $("more-slots").hidden = shown.length === free.length;
      $("more-slots").textContent = say("more_slots", { count: free.length });
      $("slots").hidden = !!mySlot;
      $("slots-empty").hidden = !!mySlot || free.length > 0;
      $("band").disabled = !!mySlot;
    } catch (err) {
      fail(err);
    }
  }

  async function cancelCheckup() {
    if (!mySlot || !window.confirm(say("cancel_confirm"))) return;
    await act(() => api("/api/doctors/slots/" + mySlot.id + "/booking", { method: "DELETE" }), say("cancelled"));
    await loadSlots();
  }

  /* ---- consent and readings ---- */

  async function loadConsent() {
    try {
      const consent = await api("/api/doctors/consent");
      $("consent-line").textContent = consent.granted ? say("consent_on", { date: day(consent.granted_at) }) : say("consent_off");
      $("consent-line").dataset.granted = String(consent.granted);
      $("give-consent").hidden = consent.granted;
      $("withdraw-consent").hidden = !consent.granted;
    } catch (err) {
      fail(err);
    }
  }

  const readingRow = (r) => G.readingRow(r, say, when);

  function readLine(line) {
    const who = line.purpose === "own" ? say("read_own") : line.purpose === "patient" ? say("read_doctor") : G.t("role_" + line.role);
    return h("li", { text: say("read_line", { time: when(line.at), who: who }) });
  }

  async function showReadings() {
    try {
      const readings = await api("/api/doctors/readings");
      const log = await api("/api/doctors/readings/log"); // after: this look is in it
      $("readings").replaceChildren(...readings.map(readingRow));
      $("readings-empty").hidden = readings.length > 0;
      $("reads").replaceChildren(...log.map(readLine));
      $("reads-empty").hidden = log.length > 0;
      $("readings-box").hidden = false;
    } catch (err) {
      fail(err);
    }
  }

  async function setConsent(give) {
    if (!give && !window.confirm(say("withdraw_confirm"))) return;
    await act(
      () => api("/api/doctors/consent", { method: give ? "PUT" : "DELETE" }),
      say(give ? "consent_given" : "consent_withdrawn")
    );
    await loadConsent();
  }

  async function loadAll() {
    await loadSignup();
    await Promise.all([loadCentres(), loadSlots()]);
  }

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "rider") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_rider") });
    $("leave").addEventListener("click", leave);
    $("band").addEventListener("change", () => {
      allSlots = false;
      loadSlots();
    });
    $("more-slots").addEventListener("click", () => {
      allSlots = true;
      loadSlots();
    });
    $("cancel-checkup").addEventListener("click", cancelCheckup);
    $("give-consent").addEventListener("click", () => setConsent(true));
    $("withdraw-consent").addEventListener("click", () => setConsent(false));
    $("show-readings").addEventListener("click", showReadings);
    try {
      const me = await api("/api/me");
      $("tell-name").textContent = say("tell_name", { username: me.username });
    } catch (err) {
      return fail(err);
    }
    await Promise.all([loadAll(), loadConsent()]);
    pageEl.dataset.state = "ready";
  }

  start();
})();

/* A family doctor's desk (/doctors/desk), for the staff account named on a doctor's record:
   my list against its size (GET /api/doctors/me; anyone else is told the desk is for
   doctors), today's and the coming check-ups (GET /api/doctors/appointments), recording a
   reading for a worker whose consent stands (POST /api/doctors/readings; without consent
   the API's refusal is shown in the form), my patients and, when opened, their readings (GET
   /api/doctors/patients, .../{id}/readings, each look logged for the patient), and my
   slots with a form that offers only start times inside a band (GET/POST
   /api/doctors/centres/{place}/slots). */
(function () {
  "use strict";

  const G = window.gigcity;
  const { config, h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("doctors-strings");
  const pageEl = $("desk-page");
  const { tell, fail } = G.messages($("alert"), $("notice"));
  // services/care/doctors/slots.py BANDS, in minutes of the local day
  const BANDS = { early: [360, 540], afternoon: [840, 990], evening: [1170, 1320] };
  const STEP_MIN = 10;
  const DAYS = 14;
  const FIRST_SLOTS = 10;
  let me = null; // MyDoctorOut
  let allSlots = false; // the first few slots, until the doctor asks for all

  function parts(iso, options) {
    return new Intl.DateTimeFormat(config.htmlLang, Object.assign({ timeZone: config.timezone }, options)).format(new Date(iso));
  }

  function when(iso) {
    return parts(iso, { month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function clock(iso) {
    return parts(iso, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  /* "YYYY-MM-DD" in the district, `offset` days from today. */
  function dayOf(offset) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(new Date(Date.now() + offset * 86400000));
  }

  /* The district's UTC offset on `day`, as "+08:00". */
  function offsetOn(day) {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: config.timezone, timeZoneName: "longOffset" })
      .formatToParts(new Date(day + "T12:00:00Z"))
      .find((p) => p.type === "timeZoneName").value;
    const m = /([+-]\d\d):?(\d\d)/.exec(name);
    return m ? m[1] + ":" + m[2] : "+00:00";
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /* ---- my list ---- */

  async function loadMe() {
    me = await api("/api/doctors/me");
    $("desk-title").textContent = say("desk_title", { doctor: me.name, centre: me.centre });
    $("list-counts").textContent = say("list_counts", { taken: me.taken, list_size: me.list_size, free: me.free });
  }

  /* ---- check-ups ---- */

  function appointmentRow(a, withDay) {
    return h(
      "li",
      { class: "doc-item appointment band-" + a.band, "data-slot": String(a.slot_id) },
      h("p", { class: "doc-head", text: say("appointment_line", { time: withDay ? when(a.starts_at) : clock(a.starts_at), patient: a.patient }) }),
      h("p", { class: "note", text: say("band_" + a.band) })
    );
  }

  async function loadAppointments() {
    const list = await api("/api/doctors/appointments");
    const today = dayOf(0);
    const isToday = (a) => new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(new Date(a.starts_at)) === today;
    const todays = list.filter(isToday);
    const coming = list.filter((a) => !isToday(a));
    $("today").replaceChildren(...todays.map((a) => appointmentRow(a, false)));
    $("today-empty").hidden = todays.length > 0;
    $("coming").replaceChildren(...coming.map((a) => appointmentRow(a, true)));
    $("coming-empty").hidden = coming.length > 0;
  }

  /* ---- patients and readings ---- */

  const readingRow = (r) => G.readingRow(r, say, when);

  function patientRow(p) {
    const box = h("ol", { class: "doc-list readings", hidden: true });
    const open = h("button", { type: "button", class: "btn btn-small show-readings", text: say("show_readings") });
    open.addEventListener("click", async () => {
      try {
        const readings = await api("/api/doctors/patients/" + p.account_id + "/readings");
        box.replaceChildren(...(readings.length ? readings.map(readingRow) : [h("li", { class: "note", text: say("no_readings") })]));
        box.hidden = false;
      } catch (err) {
        fail(err);
      }
    });
    const kind = p.worker_type ? " · " + say("worker_" + p.worker_type) : "";
    return h(
      "li",
      { class: "doc-item patient", "data-patient": String(p.account_id) },
      h("p", { class: "doc-head", text: p.name + kind }),
      h("p", { class: "note", text: say("patient_since", { date: parts(p.since, { dateStyle: "medium" }) }) }),
      h("div", { class: "doc-buttons" }, open),
      box
    );
  }

  async function loadPatients() {
    const patients = await api("/api/doctors/patients");
    $("patients").replaceChildren(...patients.map(patientRow));
    $("patients-empty").hidden = patients.length > 0;
  }

  function number(id) {
    const raw = $(id).value.trim();
    return raw === "" ? null : Number(raw);
  }

  async function record(event) {
    event.preventDefault();
    const box = $("reading-alert");
    G.hideError(box);
    const worker = $("worker").value.trim();
    if (!worker) {
      G.showError(box, { detail: say("need_worker") });
      return $("worker").focus();
    }
    const body = { worker: worker };
    const fields = { systolic: "systolic", diastolic: "diastolic", heart_rate: "heart-rate", glucose: "glucose", weight: "weight" };
    for (const [name, id] of Object.entries(fields)) {
      const value = number(id);
      if (value !== null) body[name] = value;
    }
    if (Object.keys(body).length === 1) return G.showError(box, { detail: say("need_value") });
    try {
      await api("/api/doctors/readings", { method: "POST", json: body });
      tell(say("reading_recorded", { worker: worker }));
      $("reading-form").reset();
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 401) return G.signInAgain(true);
      G.showError(box, err); // said in the form, where the doctor looks
    }
  }

  /* ---- my slots ---- */

  function fillDays() {
    const days = [];
    for (let i = 0; i <= DAYS; i += 1) {
      const day = dayOf(i);
      const label = new Intl.DateTimeFormat(config.htmlLang, { timeZone: "UTC", month: "numeric", day: "numeric", weekday: "short" }).format(new Date(day + "T00:00:00Z"));
      days.push(h("option", { value: day, text: label, selected: i === 1 }));
    }
    $("slot-day").replaceChildren(...days);
  }

  /* The start times of the band chosen that leave room for the minutes chosen. */
  function fillTimes() {
    const [first, last] = BANDS[$("slot-band").value];
    const minutes = Number($("slot-minutes").value);
    const times = [];
    for (let at = first; at + minutes <= last; at += STEP_MIN) {
      const text = pad(Math.floor(at / 60)) + ":" + pad(at % 60);
      times.push(h("option", { value: text, text: text }));
    }
    $("slot-time").replaceChildren(...times);
  }

  function slotRow(s) {
    return h(
      "li",
      { class: "doc-item slot band-" + s.band, "data-slot": String(s.id) },
      h("p", {}, say("slot_line", { time: when(s.starts_at), minutes: s.minutes }), " ", h("span", { class: "doc-tag" + (s.booked ? "" : " free"), text: say(s.booked ? "slot_booked" : "slot_free") }))
    );
  }

  async function loadSlots() {
    const slots = (await api("/api/doctors/centres/" + me.place_id + "/slots")).filter((s) => s.doctor_id === me.id);
    const shown = allSlots ? slots : slots.slice(0, FIRST_SLOTS);
    $("my-slots").replaceChildren(...shown.map(slotRow));
    $("more-slots").hidden = shown.length === slots.length;
    $("more-slots").textContent = say("more_my_slots", { count: slots.length });
    $("my-slots-empty").hidden = slots.length > 0;
  }

  async function addSlot(event) {
    event.preventDefault();
    const day = $("slot-day").value;
    const body = {
      doctor_id: me.id,
      starts_at: day + "T" + $("slot-time").value + ":00" + offsetOn(day),
      minutes: Number($("slot-minutes").value),
    };
    try {
      const made = await api("/api/doctors/centres/" + me.place_id + "/slots", { method: "POST", json: body });
      tell(say("slot_added", { time: when(made.starts_at) }));
    } catch (err) {
      return fail(err);
    }
    try {
      await loadSlots();
    } catch (err) {
      fail(err);
    }
  }

  async function start() {
    const role = G.auth.role();
    if (!role) return G.signInAgain(false);
    if (role !== "staff" && role !== "admin") return; // common.js says whom the page is for
    $("whoami").textContent = say("whoami", { role: G.t("role_" + role) });
    try {
      await loadMe();
    } catch (err) {
      if (err instanceof G.ApiError && err.status === 403) {
        // a staff account that is no doctor's sign-in (or an admin): say so plainly
        $("list-counts").hidden = true;
        $("not-doctor").textContent = say("not_doctor");
        $("not-doctor").hidden = false;
        pageEl.dataset.state = "not-doctor";
        return;
      }
      return fail(err);
    }
    $("desk-body").hidden = false;
    fillDays();
    fillTimes();
    $("slot-band").addEventListener("change", fillTimes);
    $("slot-minutes").addEventListener("change", fillTimes);
    $("slot-form").addEventListener("submit", addSlot);
    $("more-slots").addEventListener("click", () => {
      allSlots = true;
      loadSlots().catch(fail);
    });
    $("reading-form").addEventListener("submit", record);
    try {
      await Promise.all([loadAppointments(), loadPatients(), loadSlots()]);
    } catch (err) {
      fail(err);
    }
    pageEl.dataset.state = "ready";
  }

  start();
})();

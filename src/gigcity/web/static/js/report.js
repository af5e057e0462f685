/* The rider's report page: choose what, add photos, set where (GPS, then the map), be
   offered "same as this one?", send; and follow my reports with every status change. */
(async function () {
  "use strict";

  const G = window.gigcity;
  const R = window.gigcityReports;
  const { h, api } = G;
  const { say } = R;
  const $ = (id) => document.getElementById(id);

  const page = $("report-page");
  const form = $("report-form");
  const messages = R.messenger($("alert"), $("notice"));
  const photoList = $("photos");
  const similarBox = $("similar");
  const positionText = $("position-text");
  const submitButton = $("submit-button");
  const CLIENT_KEY = "gigcity.report.clientKey";

  let me;
  try {
    me = await R.whoAmI();
  } catch (err) {
    // Without signal the saved sign-in stands: the report is kept and sent later.
    if (err.status !== 0 || !G.auth.token()) {
      messages.fail(err);
      return;
    }
    me = { role: G.auth.role() };
  }
  if (!me) return;
  const queue = window.gigcityQueue.page({ say: say, messages: messages, anchor: $("notice") });

  // A volunteer on a patrol came from /volunteers: the report is credited to their team.
  let volunteerActivity = Number(new URLSearchParams(location.search).get("volunteer_activity")) || null;
  $("volunteer-note").hidden = !volunteerActivity;

  const state = {
    photos: [], // uploaded photos: {id, thumb_url, near_report_id}
    position: null, // {lat, lon}
    dismissed: new Set(), // reports the rider said are different
    similarTimer: null,
  };

  /* ---- tabs ---- */

  function showTab(which) {
    const mine = which === "mine";
    $("tab-new").setAttribute("aria-selected", String(!mine));
    $("tab-mine").setAttribute("aria-selected", String(mine));
    $("new-panel").hidden = mine;
    $("mine-panel").hidden = !mine;
    if (mine) loadMine();
    else pickMap.invalidateSize();
  }
  $("tab-new").addEventListener("click", () => showTab("new"));
  $("tab-mine").addEventListener("click", () => showTab("mine"));

  /* ---- category and its reference field ---- */

  function chosenCategory() {
    const checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : null;
  }

  function onCategory() {
    const category = R.categories.get(chosenCategory());
    if (!category) return;
    $("reference-hint").textContent = category.reference_hint;
    $("reference").required = category.reference_required;
    form.querySelectorAll(".category-tile").forEach((tile) => {
      tile.classList.toggle("is-chosen", tile.querySelector("input").checked);
    });
    askSimilar();
  }
  form.querySelectorAll("input[name=category]").forEach((input) => {
    input.addEventListener("change", onCategory);
    const category = R.categories.get(input.value);
    input.closest("label").append(
      h("span", { class: "category-reward", text: say("reward_amount", { amount: R.yuan(category.reward_fen) }) })
    );
  });

  /* ---- photos ---- */

  function drawPhotos() {
    photoList.replaceChildren(
      ...state.photos.map((photo) =>
        h(
          "li",
          { class: "photo-item" },
          photo.blob ? h("img", { src: photo.thumb_url, alt: "", class: "photo" }) : R.photoImg(photo.thumb_url, false),
          photo.near_report_id ? h("small", { class: "warning", text: say("photo_seen_before", { id: photo.near_report_id }) }) : null,
          h("button", {
            type: "button",
            class: "icon-button photo-remove",
            "aria-label": say("remove_photo"),
            text: "×",
            onclick: () => {
              state.photos = state.photos.filter((p) => p.id !== photo.id);
              drawPhotos();
            },
          })
        )
      )
    );
  }

  $("photo-input").addEventListener("change", async (event) => {
    const files = Array.from(event.target.files || []);
    event.target.value = "";
    for (const file of files) {
      messages.say(say("uploading"));
      try {
        state.photos.push(await R.uploadPhoto(file));
        messages.clear();
      } catch (err) {
        if (err.status === 0) {
          state.photos.push(await queue.localPhoto(file)); // no signal: sent with the report
          messages.clear();
        } else messages.fail(err);
      }
      drawPhotos();
    }
    askSimilar();
  });

  /* ---- where: GPS, then the map ---- */

  const pickMap = R.districtMap($("pick-map"));
  let pin = null;

  async function setPosition(lat, lon, pan) {
    state.position = { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
    if (!pin) {
      pin = L.marker(R.toMap(lat, lon), { draggable: true, autoPan: true, keyboard: true }).addTo(pickMap);
      pin.on("dragend", () => {
        const at = R.fromMap(pin.getLatLng());
        setPosition(at.lat, at.lon, false);
      });
    } else {
      pin.setLatLng(R.toMap(lat, lon));
    }
    if (pan) pickMap.setView(R.toMap(lat, lon), Math.max(pickMap.getZoom(), 17));
    positionText.textContent = say("position_set", { lat: state.position.lat, lon: state.position.lon });
    try {
      const sub = await api("/api/district/locate?lat=" + state.position.lat + "&lon=" + state.position.lon);
      positionText.textContent += " · " + (sub ? say("position_in", { subdistrict: R.subdistrictName(sub.code) }) : say("position_outside"));
    } catch (err) {
      /* the position stands; the server checks it again on sending */
    }
    page.dataset.position = "set";
    askSimilar();
  }

  pickMap.on("click", (event) => {
    // A tap on the whole district is rough: zoom in around it so the pin can be put right.
    if (pickMap.getZoom() < 15) pickMap.setView(event.latlng, 16);
    const at = R.fromMap(event.latlng); // the map may be in GCJ-02; the API is WGS-84
    setPosition(at.lat, at.lon, false);
  });

  function locate() {
    if (!navigator.geolocation) {
      positionText.textContent = say("position_unavailable");
      return;
    }
    positionText.textContent = say("locating");
    navigator.geolocation.getCurrentPosition(
      (found) => setPosition(found.coords.latitude, found.coords.longitude, true),
      () => {
        positionText.textContent = say("position_unavailable");
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }
  $("locate-button").addEventListener("click", locate);

  /* ---- "same as this one?" ---- */

  function askSimilar() {
    clearTimeout(state.similarTimer);
    state.similarTimer = setTimeout(showSimilar, 250);
  }

  async function showSimilar() {
    const category = chosenCategory();
    if (!category || !state.position) return;
    const params = new URLSearchParams({ category: category, lat: state.position.lat, lon: state.position.lon });
    state.photos.forEach((p) => params.append("photo_id", p.id));
    let offers;
    try {
      offers = await api("/api/reports/similar?" + params.toString());
    } catch (err) {
      return; /* an offer is a courtesy; sending still works */
    }
    offers = offers.filter((o) => !state.dismissed.has(o.id));
    similarBox.hidden = offers.length === 0;
    if (!offers.length) return;
    $("similar-title").textContent = say("similar_title");
    $("similar-note").textContent = say("similar_note");
    $("similar-list").replaceChildren(
      ...offers.map((offer) =>
        h(
          "li",
          { class: "similar-item", dataset: { reportId: String(offer.id) } },
          offer.thumb_url ? R.photoImg(offer.thumb_url, false) : null,
          h(
            "div",
            { class: "similar-main" },
            h("strong", { text: R.categoryLabel(offer.category) + " · " + R.statusLabel(offer.status) }),
            h("span", { text: offer.description }),
            h("small", {
              text:
                (offer.why === "photo" ? say("similar_photo") + " · " : "") +
                say("distance_m", { m: Math.round(offer.distance_m) }) +
                " · " +
                G.formatDateTime(offer.created_at),
            })
          ),
          /* Only a report of the chosen category can be joined (the server checks it too). */
          offer.category === category
            ? h("button", { type: "button", class: "btn btn-primary btn-small same-button", text: say("similar_same"), onclick: () => joinReport(offer.id) })
            : null
        )
      )
    );
  }

  $("not-same").addEventListener("click", () => {
    document.querySelectorAll("#similar-list [data-report-id]").forEach((el) => state.dismissed.add(Number(el.dataset.reportId)));
    similarBox.hidden = true;
  });

  async function joinReport(reportId) {
    messages.clear();
    try {
      /* Where the rider is: the server lets only riders near a report join it. */
      await api("/api/reports/" + reportId + "/same", {
        method: "POST",
        json: {
          lat: state.position.lat,
          lon: state.position.lon,
          category: chosenCategory(),
          description: $("description").value.trim(),
          photo_ids: state.photos.map((p) => p.id),
        },
      });
      resetForm();
      messages.say(say("joined", { id: reportId }));
      showTab("mine");
    } catch (err) {
      messages.fail(err);
    }
  }

  /* ---- sending ---- */

  /* One key per report being written, kept across reloads: a retry cannot file it twice. */
  function clientKey() {
    let key = sessionStorage.getItem(CLIENT_KEY);
    if (!key) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      key = "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem(CLIENT_KEY, key);
    }
    return key;
  }

  function resetForm() {
    form.reset();
    state.photos = [];
    state.dismissed.clear();
    drawPhotos();
    similarBox.hidden = true;
    sessionStorage.removeItem(CLIENT_KEY);
    form.querySelectorAll(".category-tile").forEach((tile) => tile.classList.remove("is-chosen"));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    messages.clear();
    const category = chosenCategory();
    if (!category) return messages.fail(new Error(say("category_needed")));
    if (!state.position) return messages.fail(new Error(say("position_needed")));
    const reference = $("reference").value.trim();
    if (R.categories.get(category).reference_required && !reference) {
      return messages.fail(new Error(say("reference_required")));
    }
    submitButton.disabled = true;
    messages.say(say("saving"));
    const body = {
      category: category,
      description: $("description").value.trim(),
      lat: state.position.lat,
      lon: state.position.lon,
      reference: reference || null,
      photo_ids: state.photos.map((p) => p.id),
      client_key: clientKey(),
    };
    try {
      if (queue.mustKeep(state.photos)) {
        // no signal: sent when it returns, without the patrol (it may be over by then, and
        // the hazard must reach the district whether or not the team is credited)
        await queue.keep(body, state.photos);
      } else {
        const sent = volunteerActivity ? Object.assign({}, body, { volunteer_activity_id: volunteerActivity }) : body;
        const report = await api("/api/reports", { method: "POST", json: sent });
        messages.say(say("filed", { id: report.id }));
        page.dataset.lastReport = String(report.id);
      }
      resetForm();
    } catch (err) {
      if (err.status === 0) {
        await queue.keep(body, state.photos);
        resetForm();
      } else {
        // Not on that patrol (any more): say why; sending again files it without the credit.
        if (err.problem && err.problem.field === "volunteer_activity_id") {
          volunteerActivity = null;
          $("volunteer-note").hidden = true;
        }
        messages.fail(err);
      }
    } finally {
      submitButton.disabled = false;
    }
  });

  /* ---- my reports ---- */

  function reportCard(report) {
    const facts = [say("filed_at", { when: G.formatDateTime(report.created_at) })];
    if (report.is_open && report.status !== "resolved") facts.push(say("due_by", { when: G.formatDateTime(report.due_at) }));
    if (report.reporters_count > 1) facts.push(say("reporters_count", { n: report.reporters_count }));
    return h(
      "li",
      { class: "report-card", dataset: { reportId: String(report.id), status: report.status } },
      h(
        "header",
        { class: "report-head" },
        h("strong", { text: say("report_number", { id: report.id }) + " · " + R.categoryLabel(report.category) }),
        h("span", { class: "status-line" }, R.statusBadge(report))
      ),
      report.description ? h("p", { text: report.description }) : null,
      h("p", { class: "note", text: facts.join(" · ") }),
      report.my_part && report.my_part !== "original" ? h("p", { class: "note", text: say("my_part_" + report.my_part) }) : null,
      R.rejectLine(report),
      R.rewardLine(report),
      R.photoStrip(report.photos),
      report.after_photos.length ? h("p", { class: "note", text: say("after_photos") }) : null,
      R.photoStrip(report.after_photos),
      R.timeline(report)
    );
  }

  async function loadMine() {
    const list = $("my-reports");
    list.replaceChildren(h("li", { class: "note", text: say("loading") }));
    try {
      const [reports, rewards] = await Promise.all([
        api("/api/reports/mine?limit=50"),
        me.role === "rider" ? api("/api/reports/rewards/mine") : Promise.resolve(null),
      ]);
      list.replaceChildren(...(reports.length ? reports.map(reportCard) : [h("li", { class: "note", text: say("no_reports") })]));
      $("rewards-line").textContent = rewards ? say("reward_paid", { amount: R.yuan(rewards.total_fen) }) : "";
      list.dataset.state = "ready";
    } catch (err) {
      messages.fail(err);
    }
  }

  page.dataset.state = "ready";
  if (location.hash === "#mine") showTab("mine");
})();

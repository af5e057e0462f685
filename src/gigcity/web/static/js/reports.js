/* Shared by the report pages: their strings and configuration, sign-in state, photo upload,
   the district map, and how a report, its status and its trail are shown.
   No user-facing text here: strings come from the page (#report-strings, #report-config). */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, config } = G;
  const say = G.pageStrings("report-strings");
  const reportConfig = JSON.parse(document.getElementById("report-config").textContent);
  const categories = new Map(reportConfig.categories.map((c) => [c.code, c]));

  function categoryLabel(code) {
    const found = categories.get(code);
    return found ? found.label : code;
  }

  function statusLabel(code) {
    return reportConfig.statuses[code] || code;
  }

  function subdistrictName(code) {
    return reportConfig.subdistricts[code] || code;
  }

  function yuan(fen) {
    return G.formatYuan(fen);
  }

  /* ---- who is signed in ---- */

  const signInAgain = G.signInAgain;

  /* The signed-in account (GET /api/me), or a trip to the sign-in page. */
  async function whoAmI() {
    if (!G.auth.token()) {
      signInAgain(false);
      return null;
    }
    try {
      const me = await G.api("/api/me");
      document.getElementById("whoami").textContent = say("signed_in_as", { name: me.display_name });
      const staff = me.role === "officer" || me.role === "admin";
      document.querySelectorAll("[data-staff-only]").forEach((el) => {
        el.hidden = !staff;
      });
      const out = document.getElementById("sign-out");
      out.hidden = false;
      out.addEventListener("click", () => G.signOut("/login?next=" + encodeURIComponent(location.pathname)));
      return me;
    } catch (err) {
      if (err.status === 401) signInAgain(true);
      throw err;
    }
  }

  /* ---- messages ---- */

  /* The page's messages (G.messages), with tell() called say() as the report pages do. */
  function messenger(alertBox, notice) {
    const shown = G.messages(alertBox, notice);
    return { fail: shown.fail, say: shown.tell, clear: shown.clear };
  }

  /* ---- photos ---- */

  /* Upload one photo (multipart); the API answers with its id and URLs, or a problem. */
  async function uploadPhoto(file) {
    if (file.size > reportConfig.maxPhotoBytes) {
      throw new G.ApiError(422, say("photo_too_big", { mb: Math.round(reportConfig.maxPhotoBytes / 1048576) }), null);
    }
    const body = new FormData();
    body.append("file", file, "photo");
    return G.api("/api/reports/photos", { method: "POST", formData: body });
  }

  /* Download an export the API serves to signed-in staff (a link cannot carry the token). */
  const download = G.downloadFile;

  /* ---- the map ---- */

  /* Where a WGS-84 point is drawn on the pages' maps, and the WGS-84 point of a map position:
     the tiles' datum (gigcity.coords; on GCJ-02 tiles such as Amap's everything is shifted). */
  const toMap = (lat, lon) => G.coords.toMap(lat, lon);
  const fromMap = (latlng) => G.coords.fromMap(latlng);

  const maps = new WeakMap(); // element -> its Leaflet map (mapOf: for the browser tests)

  /* A Leaflet map of the district with its sub-districts drawn (readable without tiles). */
  function districtMap(element) {
    const [minLon, minLat, maxLon, maxLat] = config.bbox;
    const bounds = L.latLngBounds(toMap(minLat, minLon), toMap(maxLat, maxLon));
    const map = L.map(element, { minZoom: 10, maxZoom: 19, maxBounds: bounds.pad(1.5) });
    map.attributionControl.setPrefix(false);
    map.fitBounds(bounds);
    G.coords.addTiles(map);
    maps.set(element, map);
    map.createPane("backdrop");
    map.getPane("backdrop").style.zIndex = 350;
    map.getPane("backdrop").style.pointerEvents = "none";
    G.api("/api/district/subdistricts.geojson")
      .then((shapes) => {
        L.geoJSON(shapes, {
          pane: "backdrop",
          interactive: false,
          coordsToLatLng: (c) => L.latLng(toMap(c[1], c[0])),
          style: (feature) => ({ className: "subdistrict subdistrict-" + feature.properties.kind }),
        }).addTo(map);
        element.dataset.state = "ready";
      })
      .catch(() => {
        element.dataset.state = "ready";
      });
    return map;
  }

  /* ---- reports ---- */

  function statusBadge(report) {
    const badges = [h("span", { class: "badge status-" + report.status, text: statusLabel(report.status) })];
    if (report.overdue) badges.push(h("span", { class: "badge badge-overdue", text: say("overdue") }));
    if (report.held) badges.push(h("span", { class: "badge badge-held", text: say("held") }));
    return badges;
  }

  function eventText(event) {
    if (event.action === "merge" || event.action === "absorb") {
      return say("action_" + event.action, { id: event.other_report_id || "" });
    }
    return say("action_" + event.action);
  }

  /* A step's note: staff's notes are internal (the API gives them to staff only), so they
     are marked as such; a rider's own words are shown as they are. */
  function noteText(event) {
    const byStaff = event.actor_role === "officer" || event.actor_role === "admin";
    return byStaff ? say("internal_note", { note: event.note }) : event.note;
  }

  /* The trail of a report: every step, when, by which role (names for staff only), its
     public note, and (staff, or the reader's own steps) its note. */
  function timeline(report) {
    return h(
      "ol",
      { class: "timeline" },
      report.events.map((event) => {
        const who = event.actor_name ? event.actor_name : say("role_" + event.actor_role);
        return h(
          "li",
          { class: "timeline-step" + (event.to_status ? " status-" + event.to_status : "") },
          h("span", { class: "timeline-what", text: eventText(event) }),
          h("span", { class: "timeline-when", text: G.formatDateTime(event.at) + " · " + who }),
          event.public_note ? h("span", { class: "timeline-note is-public", text: event.public_note }) : null,
          event.note ? h("span", { class: "timeline-note is-internal", text: noteText(event) }) : null
        );
      })
    );
  }

  function rewardLine(report) {
    if (!report.reward_status || report.reward_status === "none") return null;
    const amount = yuan(report.reward_fen || 0);
    return h("p", { class: "reward reward-" + report.reward_status, text: say("reward_" + report.reward_status, { amount: amount }) });
  }

  /* ---- photos, shown only to those who may see them ----
     A report's photos are served to its reporter, its officers and admins, signed in: an
     <img> cannot send the bearer token, so each photo is fetched with it and shown from a
     blob: URL. Published photos come with signed URLs, which work either way. */

  const photoBlobs = new Map(); // URL -> Promise of a blob: URL, oldest first
  // Each blob: URL holds its photo in memory until revoked: keep the latest ones only (an
  // image already drawn stays on screen when its URL is revoked).
  const KEPT_PHOTOS = 120;

  function photoSrc(url) {
    if (photoBlobs.has(url)) {
      const kept = photoBlobs.get(url);
      photoBlobs.delete(url); // most recently used goes last
      photoBlobs.set(url, kept);
    } else {
      while (photoBlobs.size >= KEPT_PHOTOS) {
        const [oldest, blobUrl] = photoBlobs.entries().next().value;
        photoBlobs.delete(oldest);
        blobUrl.then((src) => URL.revokeObjectURL(src)).catch(() => {});
      }
      const token = G.auth.token();
      const loading = fetch(url, { headers: token ? { Authorization: "Bearer " + token } : {}, credentials: "same-origin" })
        .then((response) => (response.ok ? response.blob() : Promise.reject(new G.ApiError(response.status, "", null))))
        .then((blob) => URL.createObjectURL(blob));
      loading.catch(() => photoBlobs.delete(url));
      photoBlobs.set(url, loading);
    }
    return photoBlobs.get(url);
  }

  const lazyPhotos =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (!entry.isIntersecting) continue;
              lazyPhotos.unobserve(entry.target);
              loadInto(entry.target);
            }
          },
          { rootMargin: "200px" }
        )
      : null;

  function loadInto(img) {
    photoSrc(img.dataset.photo)
      .then((src) => {
        img.src = src;
        img.dataset.state = "ready";
      })
      .catch(() => {
        img.dataset.state = "missing";
      });
  }

  /* An <img> of the photo at `url`, fetched signed in (when near the screen, if `lazy`). */
  function photoImg(url, lazy) {
    const img = h("img", { alt: "", class: "photo", dataset: { photo: url, state: "loading" } });
    if (lazy && lazyPhotos) lazyPhotos.observe(img);
    else loadInto(img);
    return img;
  }

  /* The full-size photo over the page, until closed (a tap anywhere, or Escape). */
  function showPhoto(url) {
    const viewer = h(
      "div",
      { class: "photo-viewer", role: "dialog", "aria-modal": "true", "aria-label": say("photo_viewer") },
      photoImg(url, false),
      h("button", { type: "button", class: "btn btn-small photo-viewer-close", text: say("close_photo") })
    );
    const close = () => {
      viewer.remove();
      document.removeEventListener("keydown", onKey);
    };
    const onKey = (event) => {
      if (event.key === "Escape") close();
    };
    viewer.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    document.body.append(viewer);
    viewer.querySelector("button").focus();
  }

  /* Thumbnails that open the photo; `extra(photo)` may add something under each. */
  function photoStrip(photos, extra) {
    if (!photos || !photos.length) return null;
    return h(
      "ul",
      { class: "photo-strip" },
      photos.map((p) =>
        h(
          "li",
          { dataset: { photoId: String(p.id) } },
          h("button", { type: "button", class: "photo-open", "aria-label": say("open_photo"), onclick: () => showPhoto(p.url) }, photoImg(p.thumb_url, true)),
          extra ? extra(p) : null
        )
      )
    );
  }

  /* Why a report was rejected, in the reader's language (the officer's words for "other"). */
  function rejectLine(report) {
    if (report.status !== "rejected" || !report.reject_reason) return null;
    const reason = report.reject_reason === "other" && report.reject_text ? report.reject_text : say("reason_" + report.reject_reason);
    const text = report.merged_into_id ? say("rejected_duplicate_of", { id: report.merged_into_id }) : say("rejected_because", { reason: reason });
    return h("p", { class: "reject-reason", text: text });
  }

  window.gigcityReports = {
    reportConfig: reportConfig,
    categories: categories,
    say: say,
    categoryLabel: categoryLabel,
    statusLabel: statusLabel,
    subdistrictName: subdistrictName,
    yuan: yuan,
    whoAmI: whoAmI,
    signInAgain: signInAgain,
    messenger: messenger,
    uploadPhoto: uploadPhoto,
    download: download,
    districtMap: districtMap,
    mapOf: (element) => maps.get(element),
    toMap: toMap,
    fromMap: fromMap,
    statusBadge: statusBadge,
    timeline: timeline,
    rewardLine: rewardLine,
    photoStrip: photoStrip,
    photoImg: photoImg,
    rejectLine: rejectLine,
  };
})();

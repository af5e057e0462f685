/* The officer's page: the queue of open reports (their sub-district's; admins: the district
   queue, held reports, everything) on a map and in a list, most urgent first; one report in
   detail with its photos and trail; the next steps as buttons. The server decides. */
(async function () {
  "use strict";

  const G = window.gigcity;
  const R = window.gigcityReports;
  const { h, api } = G;
  const { say } = R;
  const $ = (id) => document.getElementById(id);

  const page = $("officer-page");
  const messages = R.messenger($("alert"), $("notice"));
  const list = $("queue-list");
  const detail = $("detail");
  const scopeSelect = $("scope");

  let me;
  try {
    me = await R.whoAmI();
  } catch (err) {
    messages.fail(err);
    return;
  }
  if (!me) return;
  if (me.role !== "officer" && me.role !== "admin") {
    messages.fail(new Error(say("need_staff")));
    page.dataset.state = "forbidden";
    return;
  }

  const scopes = me.role === "officer" ? ["mine", "subdistrict"] : ["district", "held", "all"];
  const scopeNames = {
    mine: say("scope_mine"),
    subdistrict: say("scope_subdistrict", { subdistrict: R.subdistrictName(me.subdistrict || "") }),
    district: say("district_queue"),
    held: say("held"),
    all: say("scope_all"),
  };
  scopeSelect.replaceChildren(...scopes.map((s) => h("option", { value: s, text: scopeNames[s] })));

  const map = R.districtMap($("queue-map"));
  const markers = L.featureGroup().addTo(map);
  let current = null;

  /* ---- the queue ---- */

  function queueParams() {
    const params = new URLSearchParams({ scope: scopeSelect.value, limit: "500" });
    if ($("status-filter").value) params.set("status", $("status-filter").value);
    if ($("category-filter").value) params.set("category", $("category-filter").value);
    if ($("overdue-filter").checked) params.set("overdue", "true");
    return params;
  }

  function row(item) {
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "queue-row" + (current && current.id === item.id ? " is-current" : ""),
          dataset: { reportId: String(item.id) },
          onclick: () => openReport(item.id),
        },
        item.thumb_url ? R.photoImg(item.thumb_url, true) : h("span", { class: "no-thumb" }),
        h(
          "span",
          { class: "row-main" },
          h("strong", { text: "#" + item.id + " " + R.categoryLabel(item.category) }),
          h("small", { text: item.description }),
          h("small", { text: say("due_by", { when: G.formatDateTime(item.due_at) }) + " · " + R.subdistrictName(item.subdistrict) })
        ),
        h("span", { class: "row-side" }, R.statusBadge(item))
      )
    );
  }

  async function loadQueue() {
    page.dataset.state = "loading";
    try {
      const queue = await api("/api/reports/queue?" + queueParams().toString());
      $("queue-count").textContent = say("queue_count", { total: queue.total, overdue: queue.overdue });
      list.replaceChildren(...(queue.items.length ? queue.items.map(row) : [h("li", { class: "note", text: say("queue_empty") })]));
      markers.clearLayers();
      for (const item of queue.items) {
        L.circleMarker(R.toMap(item.lat, item.lon), {
          radius: 8,
          className: "report-marker status-" + item.status + (item.overdue ? " is-overdue" : ""),
        })
          .on("click", () => openReport(item.id))
          .addTo(markers);
      }
      if (queue.items.length) map.fitBounds(markers.getBounds().pad(0.2), { maxZoom: 16 });
      if (!current) {
        detail.hidden = false;
        detail.replaceChildren(h("p", { class: "note", text: say("choose_report") }));
      }
    } catch (err) {
      messages.fail(err);
    }
    page.dataset.state = "ready";
  }

  ["scope", "status-filter", "category-filter", "overdue-filter"].forEach((id) => $(id).addEventListener("change", loadQueue));

  /* ---- one report ---- */

  function button(label, onclick, primary) {
    return h("button", { type: "button", class: "btn btn-small" + (primary ? " btn-primary" : ""), text: label, onclick: onclick });
  }

  function field(label, attrs) {
    return h("label", {}, label, h("input", attrs));
  }

  async function act(step, body) {
    messages.clear();
    try {
      current = await api("/api/reports/" + current.id + "/" + step, { method: "POST", json: body || {} });
      messages.say(say("done"));
      showReport(current);
      loadQueue();
    } catch (err) {
      messages.fail(err);
    }
  }

  const REJECT_REASONS = ["duplicate", "out_of_scope", "not_found", "other"];

  /* Why the report is rejected (the reporter and the public are told): a duplicate names
     the report it repeats (it is merged into it); "other" needs the officer's words. */
  function rejectFields() {
    const reason = h(
      "select",
      { id: "reject-reason" },
      h("option", { value: "", text: say("reject_reason_choose") }),
      REJECT_REASONS.map((code) => h("option", { value: code, text: say("reason_choice_" + code) }))
    );
    const duplicate = h("label", { id: "reject-duplicate-label", hidden: true }, say("merge_into_prompt"), h("input", { id: "reject-duplicate-of", type: "number", min: "1", inputmode: "numeric" }));
    const words = h("label", { id: "reject-text-label", hidden: true }, say("reject_text_prompt"), h("input", { id: "reject-text", maxlength: "300" }));
    reason.addEventListener("change", () => {
      duplicate.hidden = reason.value !== "duplicate";
      words.hidden = reason.value !== "other";
    });
    return h("fieldset", { class: "reject-fields" }, h("legend", { text: say("reject_reason_legend") }), h("label", {}, say("reject_reason_prompt"), reason), duplicate, words);
  }

  function rejectBody() {
    const reason = $("reject-reason").value;
    if (!reason) {
      $("reject-reason").focus();
      throw new Error(say("reject_reason_needed"));
    }
    const body = { reason: reason };
    if (reason === "other") {
      body.reason_text = $("reject-text").value.trim();
      if (!body.reason_text) {
        $("reject-text").focus();
        throw new Error(say("reject_text_needed"));
      }
    }
    if (reason === "duplicate") {
      body.duplicate_of = Number($("reject-duplicate-of").value);
      if (!(body.duplicate_of > 0)) {
        $("reject-duplicate-of").focus();
        throw new Error(say("duplicate_of_needed"));
      }
    }
    return body;
  }

  /* The next steps: fields in the report, buttons in a bar that stays in reach. The order
     is the work's: verify or reject, dispatch, start, resolve, close; merging comes after
     dispatching (a new report is merged by rejecting it as a duplicate). */
  function actions(report) {
    /* Two notes: the internal one stays in the trail for officers and admins; the public
       one is what the reporter and the public (Open311) read. */
    const note = field(say("note_prompt"), { id: "act-note", maxlength: "2000" });
    const publicNote = field(say("public_note_prompt"), { id: "act-public-note", maxlength: "2000" });
    const notes = (extra) =>
      Object.assign({ note: $("act-note").value.trim() || null, public_note: $("act-public-note").value.trim() || null }, extra || {});
    const buttons = [];
    const extra = [];
    const status = report.status;
    if (report.held && me.role === "admin") buttons.push(button(say("act_release"), () => act("release"), true));
    if (status === "submitted" && (!report.held || me.role === "admin")) {
      buttons.push(button(say("act_accept"), () => act("accept", notes()), true));
      extra.push(rejectFields());
      buttons.push(
        button(say("act_reject_reason"), () => {
          try {
            act("reject", notes(rejectBody()));
          } catch (err) {
            messages.fail(err);
          }
        })
      );
    }
    if (status === "accepted") {
      extra.push(field(say("dispatch_to_prompt"), { id: "dispatch-to", maxlength: "200" }));
      buttons.push(button(say("act_dispatch"), () => act("dispatch", notes({ to: $("dispatch-to").value.trim() })), true));
    }
    if (status === "dispatched") buttons.push(button(say("act_start"), () => act("start", notes()), true));
    if (status === "in_progress") {
      const input = h("input", { type: "file", id: "after-photo", accept: "image/jpeg,image/png,image/webp", capture: "environment" });
      extra.push(h("label", {}, say("after_photos"), input));
      buttons.push(
        button(
          say("act_resolve"),
          async () => {
            const file = input.files && input.files[0];
            if (!file) return messages.fail(new Error(say("after_photo_needed")));
            try {
              messages.say(say("uploading"));
              const photo = await R.uploadPhoto(file);
              act("resolve", notes({ photo_ids: [photo.id] }));
            } catch (err) {
              messages.fail(err);
            }
          },
          true
        )
      );
    }
    if (status === "resolved") buttons.push(button(say("act_close"), () => act("close", notes()), true));
    if (report.is_open && status !== "resolved" && status !== "submitted" && (!report.held || me.role === "admin")) {
      extra.push(field(say("merge_into_prompt"), { id: "merge-into", type: "number", min: "1", inputmode: "numeric" }));
      buttons.push(
        button(say("act_merge"), () => {
          const target = Number($("merge-into").value);
          if (target > 0) act("merge", notes({ into: target }));
          else messages.fail(new Error(say("duplicate_of_needed")));
        })
      );
    }
    if (!buttons.length) return [];
    return [h("div", { class: "actions form" }, ...extra, publicNote, note), h("div", { class: "action-bar", id: "action-bar" }, buttons)];
  }

  /* Publishing an "after" photo shows it to the public; nothing is blurred, so the officer
     is told to publish only photos without faces or number plates. */
  function publishToggle(report, photo) {
    if (!(report.after_photos || []).some((p) => p.id === photo.id)) return null;
    const path = "/api/reports/" + report.id + "/photos/" + photo.id + "/published";
    return h(
      "span",
      { class: "photo-publish" },
      photo.published ? h("small", { class: "badge", text: say("photo_published") }) : null,
      h("button", {
        type: "button",
        class: "link-button",
        text: photo.published ? say("photo_unpublish") : say("photo_publish"),
        title: say("photo_publish_hint"),
        onclick: async () => {
          if (!photo.published && !window.confirm(say("photo_publish_hint"))) return;
          try {
            current = await api(path, { method: photo.published ? "DELETE" : "PUT" });
            showReport(current);
          } catch (err) {
            messages.fail(err);
          }
        },
      })
    );
  }

  async function candidates(report) {
    if (!report.is_open) return null;
    const params = new URLSearchParams({ category: report.category, lat: report.lat, lon: report.lon });
    try {
      const offers = (await api("/api/reports/similar?" + params.toString())).filter((o) => o.id !== report.id);
      if (!offers.length) return null;
      return h(
        "div",
        { class: "candidates" },
        h("h3", { text: say("merge_candidates") }),
        h(
          "ul",
          {},
          offers.map((o) =>
            h(
              "li",
              {},
              h("button", {
                type: "button",
                class: "link-button",
                text: "#" + o.id + " · " + o.description + " · " + say("distance_m", { m: Math.round(o.distance_m) }),
                onclick: () => {
                  const reason = $("reject-reason");
                  if (reason) {
                    reason.value = "duplicate";
                    reason.dispatchEvent(new Event("change"));
                  }
                  const input = $("reject-duplicate-of") || $("merge-into");
                  if (input) input.value = String(o.id);
                },
              })
            )
          )
        )
      );
    } catch (err) {
      return null;
    }
  }

  function showReport(report) {
    const facts = [say("filed_at", { when: G.formatDateTime(report.created_at) }), say("due_by", { when: G.formatDateTime(report.due_at) })];
    if (report.dispatched_to) facts.push(say("dispatched_to", { to: report.dispatched_to }));
    facts.push(report.assignee_name ? say("assigned_to", { name: report.assignee_name }) : say("district_queue"));
    const reporters = (report.reporters || []).map((r) => r.display_name + " (" + say("how_" + r.how) + ")").join(G.t("list_separator"));
    const near = report.photos.filter((p) => p.near_report_id).map((p) => say("photo_seen_before", { id: p.near_report_id }));
    detail.hidden = false;
    detail.dataset.reportId = String(report.id);
    detail.dataset.status = report.status;
    const parts = [
      h("header", { class: "report-head" }, h("h2", { text: say("report_number", { id: report.id }) + " · " + R.categoryLabel(report.category) }), h("span", { class: "status-line" }, R.statusBadge(report))),
      report.description ? h("p", { text: report.description }) : null,
      report.reference ? h("p", { text: say("reference", { reference: report.reference }) }) : null,
      report.status_note ? h("p", { class: "note", text: say("public_note", { note: report.status_note }) }) : null,
      h("p", { class: "note", text: R.subdistrictName(report.subdistrict) + " · " + facts.join(" · ") }),
      reporters ? h("p", { class: "note", text: say("reporters") + ": " + reporters }) : null,
      ...near.map((text) => h("p", { class: "warning", text: text })),
      R.rejectLine(report),
      R.rewardLine(report),
      R.photoStrip(report.photos),
      report.after_photos.length ? h("p", { class: "note", text: say("after_photos") }) : null,
      R.photoStrip(report.after_photos, (photo) => publishToggle(report, photo)),
      ...actions(report),
      R.timeline(report),
    ];
    detail.replaceChildren(...parts.filter(Boolean));
    candidates(report).then((box) => {
      if (box && current && current.id === report.id) detail.append(box);
    });
    list.querySelectorAll(".queue-row").forEach((el) => el.classList.toggle("is-current", el.dataset.reportId === String(report.id)));
  }

  const sideBySide = window.matchMedia("(min-width: 900px)");

  async function openReport(reportId) {
    messages.clear();
    try {
      current = await api("/api/reports/" + reportId);
      showReport(current);
      map.setView(R.toMap(current.lat, current.lon), Math.max(map.getZoom(), 16));
      history.replaceState(null, "", "#" + reportId);
      // On a phone the report is under the map and the queue: bring it up (its buttons
      // then stay at the bottom of the screen). Side by side it is in view already.
      if (!sideBySide.matches) detail.scrollIntoView({ block: "start" });
    } catch (err) {
      messages.fail(err);
    }
  }

  await loadQueue();
  // A link to #<id> opens that report (on load, and when followed from this page).
  const openFromHash = () => {
    const wanted = Number(location.hash.slice(1));
    if (wanted > 0 && (!current || current.id !== wanted)) openReport(wanted);
  };
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();

/* The district's organisations (/organisation, admins): organisations with member counts
   (GET /api/organisation/organisations), an organisation's members, learning progress and
   books on request (the server logs each member read), the check-in points and the latest
   reads (GET /api/organisation/reads); forms to create an organisation, set a check-in
   point, appoint an officer, send a letter (and see who has not read it), keep the learning
   library and record a book handed out. Words come from #org-strings (say) and
   #three-strings (word). */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("org-strings");
  const word = G.pageStrings("three-strings");
  const BASE = "/api/organisation";
  const KINDS = ["platform_committee", "company_branch", "station_group"];
  const SECTORS = ["instant_retail", "ride_hailing", "express_logistics", "trucking", "other"];
  const RESOURCE_KINDS = ["article", "video", "audio", "course"];
  const POINT_PLACE_KINDS = "party_service_center,rider_station,warm_kiosk,driver_home,truck_driver_station";
  let orgs = [];
  let editing = null; // the learning resource the form edits, or null for a new one
  const show = G.messages($("alert"), $("notice"));
  const subdistricts = JSON.parse($("org-subdistricts").textContent);

  const day = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit" });
  const when = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });

  async function showMembers(org) {
    let members;
    try {
      members = await api(BASE + "/organisations/" + org.id + "/members");
    } catch (err) {
      return show.fail(err);
    }
    $("members-title").textContent = say("members_of", { name: org.name });
    $("members").replaceChildren(...members.map((m) => memberRow(org, m)));
    $("no-members").hidden = members.length > 0;
    $("members-panel").hidden = false;
    await loadReads();
  }

  /* A member of `org`, or one whose transfer to it waits: take them in; or move one held
     here to another organisation (the receiving one takes them in). */
  function memberRow(org, m) {
    const orgName = (id) => (orgs.find((o) => o.id === id) || { name: "" }).name;
    const incoming = m.organisation_id !== org.id;
    const lines = [
      h("strong", { text: m.display_name }),
      h("p", { class: "note", text: say("member_line", { day: when(m.checked_in_at), status: say("transfer_" + m.transfer_status) }) }),
    ];
    if (m.transfer_from_id) lines.push(h("p", { class: "note", text: say("came_from", { name: orgName(m.transfer_from_id) }) }));
    const done = () => showMembers(org).then(loadOrgs).catch(show.fail);
    if (incoming) {
      const take = h("button", { type: "button", class: "btn btn-small", "data-take-in": "yes", text: say("take_in") });
      take.addEventListener("click", () =>
        api(BASE + "/organisations/" + org.id + "/members/" + m.id + "/accept", { method: "POST" })
          .then(() => show.tell(say("taken_in")))
          .then(done, show.fail)
      );
      lines.push(h("p", { class: "note", text: say("incoming", { name: orgName(m.organisation_id) }) }), take);
    } else if (m.transfer_to_id) {
      lines.push(h("p", { class: "note", text: say("outgoing", { name: orgName(m.transfer_to_id) }) }));
    } else {
      const others = orgs.filter((o) => o.id !== org.id);
      if (others.length) {
        const to = h("select", { "aria-label": say("transfer_to") }, ...others.map((o) => option(o.id, o.name)));
        const move = h("button", { type: "button", class: "btn btn-small", "data-transfer": "yes", text: say("transfer_button") });
        move.addEventListener("click", () =>
          api(BASE + "/organisations/" + org.id + "/members/" + m.id + "/transfer", { method: "POST", json: { to_organisation_id: Number(to.value) } })
            .then(() => show.tell(say("transfer_asked")))
            .then(done, show.fail)
        );
        lines.push(h("div", { class: "org-buttons" }, to, move));
      }
    }
    return h("li", { "data-membership": String(m.id), "data-incoming": incoming ? "yes" : "no" }, ...lines);
  }

  function orgRow(org) {
    const button = h("button", { type: "button", class: "btn btn-small", text: say("show_members") });
    button.addEventListener("click", () => showMembers(org));
    const progress = h("button", { type: "button", class: "btn btn-small", "data-progress": "yes", text: word("progress_button") });
    progress.addEventListener("click", () => showProgress(org));
    const books = h("button", { type: "button", class: "btn btn-small", "data-books": "yes", text: word("books_button") });
    books.addEventListener("click", () => showBooks(org));
    const line = say("org_line", { kind: say("kind_" + org.kind), sector: say("sector_" + org.sector), members: org.members });
    return h(
      "li",
      { "data-org": String(org.id) },
      h("div", { class: "org-row" }, h("strong", { text: org.name }), h("div", { class: "org-buttons" }, button, progress, books)),
      h("p", { class: "note", text: line })
    );
  }

  /* -- an organisation's learning progress and books (membership data: logged) ------------ */

  function showDetail(title, summary, rows) {
    $("detail-title").textContent = title;
    $("detail-summary").textContent = summary;
    $("detail").replaceChildren(...(rows.length ? rows : [h("li", { class: "note", text: word("nothing") })]));
    $("detail-panel").hidden = false;
  }

  async function showProgress(org) {
    try {
      const p = await api(BASE + "/learning/progress?organisation_id=" + org.id);
      const rows = p.members.map((m) =>
        h(
          "li",
          { "data-member": String(m.account_id) },
          h("strong", { text: m.display_name }),
          h("progress", { class: "org-progress", max: "100", value: String(m.percent) }),
          h("p", { class: "note", text: word("member_progress", { completed: m.completed, started: m.started, percent: m.percent }) })
        )
      );
      showDetail(word("progress_of", { name: org.name }), word("progress_summary", { resources: p.resources }), rows);
      await loadReads();
    } catch (err) {
      show.fail(err);
    }
  }

  async function showBooks(org) {
    try {
      const books = await api(BASE + "/books?organisation_id=" + org.id);
      const rows = books.map((b) =>
        h(
          "li",
          { "data-handout": String(b.id) },
          h("strong", { text: b.display_name }),
          h("p", { class: "note", text: b.place_name ? word("book_place", { title: b.title, day: day(b.given_at), place: b.place_name }) : word("book_line", { title: b.title, day: day(b.given_at) }) })
        )
      );
      showDetail(word("books_of", { name: org.name }), "", rows);
      await loadReads();
    } catch (err) {
      show.fail(err);
    }
  }

  /* -- forms: organisation, check-in point, officer ---------------------------------------- */

  const option = (value, text) => h("option", { value: String(value), text: text });

  function fillSelects() {
    const subs = Object.entries(subdistricts).map(([code, name]) => option(code, name));
    $("org-kind").replaceChildren(...KINDS.map((k) => option(k, say("kind_" + k))));
    $("org-sector").replaceChildren(...SECTORS.map((k) => option(k, say("sector_" + k))));
    $("org-subdistrict").replaceChildren(option("", word("no_subdistrict")), ...subs.map((o) => o.cloneNode(true)));
    $("point-subdistrict").replaceChildren(...subs);
    $("resource-kind").replaceChildren(...RESOURCE_KINDS.map((k) => option(k, word("kind_" + k))));
  }

  function fillOrgSelects() {
    const named = orgs.map((o) => [o.id, o.name]);
    $("org-parent").replaceChildren(option("", word("no_parent")), ...named.map(([id, name]) => option(id, name)));
    $("point-org").replaceChildren(option("", word("no_holder")), ...named.map(([id, name]) => option(id, name)));
    $("officer-org").replaceChildren(...named.map(([id, name]) => option(id, name)));
    $("letter-org").replaceChildren(option("", word("all_members")), ...named.map(([id, name]) => option(id, name)));
  }

  async function loadPointPlaces() {
    const code = $("point-subdistrict").value;
    if (!code) return;
    const places = await api("/api/places?limit=200&subdistrict=" + encodeURIComponent(code) + "&kind=" + POINT_PLACE_KINDS);
    $("point-place").replaceChildren(option("", word("pick_place")), ...places.map((p) => option(p.id, p.name + " (" + G.kindLabel(p.kind) + ")")));
  }

  const orNull = (value) => (value.trim() === "" ? null : value.trim());

  async function submit(request, done, after) {
    try {
      await request();
      show.tell(done);
      if (after) await after();
    } catch (err) {
      show.fail(err);
    }
  }

  async function accountId(text) {
    const given = text.trim();
    if (/^[0-9]+$/.test(given)) return Number(given);
    const accounts = await api("/api/accounts");
    const found = accounts.find((a) => a.username === given);
    if (!found) throw new Error(word("no_account"));
    return found.id;
  }

  function wireOrgForms() {
    $("org-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        name: $("org-name").value.trim(),
        kind: $("org-kind").value,
        sector: $("org-sector").value,
        parent_id: $("org-parent").value ? Number($("org-parent").value) : null,
        subdistrict: orNull($("org-subdistrict").value),
        contact_name: orNull($("org-contact").value),
        contact_phone: orNull($("org-phone").value),
      };
      submit(() => api(BASE + "/organisations", { method: "POST", json: body }), word("created"), async () => {
        $("org-form").reset();
        await loadOrgs();
      });
    });
    $("point-subdistrict").addEventListener("change", () => loadPointPlaces().catch(show.fail));
    $("point-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const typed = $("point-place-id").value;
      const body = {
        subdistrict: $("point-subdistrict").value,
        place_id: Number(typed || $("point-place").value || 0),
        organisation_id: $("point-org").value ? Number($("point-org").value) : null,
      };
      submit(() => api(BASE + "/checkin-points", { method: "PUT", json: body }), word("saved"), loadPoints);
    });
    $("officer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const org = $("officer-org").value;
      submit(
        async () => api(BASE + "/organisations/" + org + "/officers", { method: "POST", json: { account_id: await accountId($("officer-account").value) } }),
        word("appointed"),
        async () => $("officer-form").reset()
      );
    });
  }

  /* -- letters ---------------------------------------------------------------------------- */

  function letterRow(letter) {
    const who = h("button", { type: "button", class: "btn btn-small", text: word("receipts_button") });
    const unread = h("p", { class: "note org-unread" });
    who.addEventListener("click", async () => {
      try {
        const r = await api(BASE + "/letters/" + letter.id + "/receipts");
        const names = r.members.filter((m) => !m.read_at).map((m) => m.display_name);
        unread.textContent = names.length ? word("unread_names", { names: names.join(G.t("list_separator")) }) : word("all_read");
        await loadReads();
      } catch (err) {
        show.fail(err);
      }
    });
    return h(
      "li",
      { "data-letter": String(letter.id) },
      h("div", { class: "org-row" }, h("strong", { text: letter.title }), who),
      h("p", { class: "note", text: word("letter_counts", { day: day(letter.sent_at), read: letter.read, recipients: letter.recipients }) }),
      unread
    );
  }

  async function loadLetters() {
    const letters = await api(BASE + "/letters/sent");
    $("letters").replaceChildren(...letters.map(letterRow));
  }

  function wireLetterForm() {
    $("letter-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        organisation_id: $("letter-org").value ? Number($("letter-org").value) : null,
        title: $("letter-title").value.trim(),
        body: $("letter-body").value.trim(),
      };
      submit(() => api(BASE + "/letters", { method: "POST", json: body }), word("sent"), async () => {
        $("letter-form").reset();
        await loadLetters();
      });
    });
  }

  /* -- the learning library --------------------------------------------------------------- */

  function resourceBody(r, published) {
    return { title: r.title, kind: r.kind, url: r.url, body: r.body, minutes: r.minutes, published: published };
  }

  function resourceRow(r) {
    const edit = h("button", { type: "button", class: "btn btn-small", text: word("edit") });
    edit.addEventListener("click", () => editResource(r));
    const toggle = h("button", { type: "button", class: "btn btn-small", "data-toggle": "yes", text: word(r.published ? "unpublish" : "publish") });
    toggle.addEventListener("click", () =>
      submit(() => api(BASE + "/learning/" + r.id, { method: "PUT", json: resourceBody(r, !r.published) }), word("saved"), loadLibrary)
    );
    const line = word("resource_line", { kind: word("kind_" + r.kind), minutes: r.minutes }) + (r.published ? "" : " · " + word("unpublished"));
    return h(
      "li",
      { "data-resource": String(r.id), "data-published": r.published ? "yes" : "no" },
      h("div", { class: "org-row" }, h("strong", { text: r.title }), h("div", { class: "org-buttons" }, edit, toggle)),
      h("p", { class: "note", text: line })
    );
  }

  function editResource(r) {
    editing = r.id;
    $("resource-title").value = r.title;
    $("resource-kind").value = r.kind;
    $("resource-url").value = r.url || "";
    $("resource-body").value = r.body || "";
    $("resource-minutes").value = String(r.minutes);
    $("resource-published").checked = r.published;
    $("resource-new").hidden = false;
    $("resource-title").focus();
  }

  function newResource() {
    editing = null;
    $("resource-form").reset();
    $("resource-new").hidden = true;
  }

  async function loadLibrary() {
    const resources = await api(BASE + "/learning");
    $("resources").replaceChildren(...resources.map(resourceRow));
  }

  function wireLibraryForm() {
    $("resource-new").addEventListener("click", newResource);
    $("resource-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        title: $("resource-title").value.trim(),
        kind: $("resource-kind").value,
        url: orNull($("resource-url").value),
        body: orNull($("resource-body").value),
        minutes: Number($("resource-minutes").value || 10),
        published: $("resource-published").checked,
      };
      const request = editing ? () => api(BASE + "/learning/" + editing, { method: "PUT", json: body }) : () => api(BASE + "/learning", { method: "POST", json: body });
      submit(request, word("saved"), async () => {
        newResource();
        await loadLibrary();
      });
    });
  }

  /* -- books ------------------------------------------------------------------------------ */

  function wireBookForm() {
    $("book-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        code: $("book-code").value.trim(),
        title: $("book-title").value.trim(),
        place_id: $("book-place").value ? Number($("book-place").value) : null,
      };
      api(BASE + "/books", { method: "POST", json: body })
        .then((given) => {
          show.tell(word("given", { title: given.title, name: given.display_name }));
          $("book-code").value = "";
        })
        .catch(show.fail);
    });
  }

  const OWN_PURPOSES = ["own", "members", "accept", "transfer"];
  const purposeName = (p) => (OWN_PURPOSES.includes(p) ? say("purpose_" + p) : word("purpose_" + p));

  async function loadReads() {
    const reads = await api(BASE + "/reads");
    $("reads").replaceChildren(
      ...reads.slice(0, 20).map((r) =>
        h("li", { text: say("read_line", { at: when(r.at), reader: r.reader_id || "", member: r.member_id, purpose: purposeName(r.purpose) }) })
      )
    );
    $("no-reads").hidden = reads.length > 0;
  }

  async function loadOrgs() {
    orgs = await api(BASE + "/organisations");
    $("orgs").replaceChildren(...orgs.map(orgRow));
    fillOrgSelects();
  }

  async function loadPoints() {
    const points = await api(BASE + "/checkin-points");
    $("points").replaceChildren(
      ...points.map((p) => h("li", { "data-point": String(p.id), text: say("point_line", { subdistrict: subdistricts[p.subdistrict] || p.subdistrict, place: p.place_name }) }))
    );
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    fillSelects();
    wireOrgForms();
    wireLetterForm();
    wireLibraryForm();
    wireBookForm();
    try {
      await Promise.all([loadOrgs(), loadPoints(), loadReads(), loadLetters(), loadLibrary(), loadPointPlaces()]);
    } catch (err) {
      show.fail(err);
    }
    $("organisation-page").dataset.state = "ready";
  }

  start();
})();

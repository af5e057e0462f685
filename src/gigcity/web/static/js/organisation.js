/* The district's organisations (/organisation, admins): organisations with member counts
   (GET /api/organisation/organisations), an organisation's members on request (GET
   .../members: the server logs each member read), the check-in points and the latest
   reads (GET /api/organisation/reads). Words come from #org-strings. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("org-strings");
  const show = G.messages($("alert"), $("notice"));
  const subdistricts = JSON.parse($("org-subdistricts").textContent);

  const when = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });

  async function showMembers(org) {
    let members;
    try {
      members = await api("/api/organisation/organisations/" + org.id + "/members");
    } catch (err) {
      return show.fail(err);
    }
    $("members-title").textContent = say("members_of", { name: org.name });
    $("members").replaceChildren(
      ...members.map((m) =>
        h(
          "li",
          { "data-membership": String(m.id) },
          h("strong", { text: m.display_name }),
          h("p", { class: "note", text: say("member_line", { day: when(m.checked_in_at), status: say("transfer_" + m.transfer_status) }) })
        )
      )
    );
    $("no-members").hidden = members.length > 0;
    $("members-panel").hidden = false;
    await loadReads();
  }

  function orgRow(org) {
    const button = h("button", { type: "button", class: "btn btn-small", text: say("show_members") });
    button.addEventListener("click", () => showMembers(org));
    const line = say("org_line", { kind: say("kind_" + org.kind), sector: say("sector_" + org.sector), members: org.members });
    return h(
      "li",
      { "data-org": String(org.id) },
      h("div", { class: "org-row" }, h("strong", { text: org.name }), button),
      h("p", { class: "note", text: line })
    );
  }

  async function loadReads() {
    const reads = await api("/api/organisation/reads");
    $("reads").replaceChildren(
      ...reads.slice(0, 20).map((r) =>
        h("li", { text: say("read_line", { at: when(r.at), reader: r.reader_id || "", member: r.member_id, purpose: say("purpose_" + r.purpose) }) })
      )
    );
    $("no-reads").hidden = reads.length > 0;
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    if (!(await G.signedIn(show.fail))) return;
    try {
      const [orgs, points] = await Promise.all([api("/api/organisation/organisations"), api("/api/organisation/checkin-points")]);
      $("orgs").replaceChildren(...orgs.map(orgRow));
      $("points").replaceChildren(
        ...points.map((p) => h("li", { "data-point": String(p.id), text: say("point_line", { subdistrict: subdistricts[p.subdistrict] || p.subdistrict, place: p.place_name }) }))
      );
      await loadReads();
    } catch (err) {
      show.fail(err);
    }
    $("organisation-page").dataset.state = "ready";
  }

  start();
})();

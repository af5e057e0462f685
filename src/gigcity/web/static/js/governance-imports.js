/* Governance hub, admins: import a 12345 hotline export (POST /api/governance/imports,
   answered at once with the queued import), follow its progress (GET .../imports/{id},
   polled until done or failed), then show the counts, the refused rows with their reasons
   and the refused rows as CSV. On opening, the latest import is shown, and every import is
   listed (GET .../imports, newest first, a page at a time) with its counts; "Show" opens
   one with its refused rows. */
(function () {
  "use strict";

  const G = window.gigcity;
  const gov = G.gov;
  const { h, api } = G;
  const { $, say, messages } = gov;
  const POLL_MS = 700;
  const PAGE = 50;
  const COUNTS = ["rows_read", "accepted", "duplicates", "refused", "unplaced"];
  let current = null;
  let timer = null;

  function show(imp) {
    current = imp;
    $("import-result").hidden = false;
    const box = $("import-result");
    box.dataset.status = imp.status;
    const busy = imp.status === "queued" || imp.status === "running";
    // The file's name as given (any script) sits in a code element, apart from the words.
    const [before, after] = say("import_" + imp.status, { rows: imp.rows_read }).split("{file}");
    $("import-status").replaceChildren(before, h("code", { class: "filename", text: imp.filename }), after || "");
    $("import-progress").hidden = !busy;
    const counts = $("import-counts");
    counts.replaceChildren();
    for (const key of COUNTS) {
      counts.append(h("div", { class: "count", dataset: { count: key } }, h("dt", { text: say("count_" + key) }), h("dd", { text: imp[key] })));
    }
    $("import-problem").hidden = !imp.problem;
    $("import-problem").textContent = imp.problem || "";
    const rows = $("refusal-rows");
    rows.replaceChildren();
    for (const r of imp.refusals) {
      rows.append(h("tr", {}, h("td", { text: r.line }), h("td", { text: r.field || "" }), h("td", { text: r.reason })));
    }
    $("refusals-box").hidden = !imp.refusals.length;
    if (imp.refused > imp.refusals.length) {
      rows.append(h("tr", {}, h("td", { colspan: "3", class: "note", text: say("more_refused", { count: imp.refused - imp.refusals.length }) })));
    }
  }

  function poll(id) {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      let imp;
      try {
        imp = await api("/api/governance/imports/" + id);
      } catch (err) {
        return messages.fail(err);
      }
      show(imp);
      if (imp.status === "queued" || imp.status === "running") return poll(id);
      $("import-submit").disabled = false;
      if (imp.status === "done") {
        messages.tell(say("import_finished", { accepted: imp.accepted, refused: imp.refused }));
        document.dispatchEvent(new CustomEvent("gov:complaints-changed"));
      }
      listImports();
    }, POLL_MS);
  }

  /* Every import, newest first: when, the file, its state and counts, and "Show". */
  function importItem(imp) {
    const [before, after] = say("import_" + imp.status, { rows: imp.rows_read }).split("{file}");
    return h(
      "li",
      { class: "import-item", dataset: { importId: String(imp.id), status: imp.status } },
      h("span", { class: "when", text: gov.dateTime(imp.at) }),
      h("span", { class: "what" }, before, h("code", { class: "filename", text: imp.filename }), after || ""),
      imp.synthetic ? h("span", { class: "badge", text: say("synthetic") }) : null,
      h("span", {
        class: "note import-line",
        text: say("import_line", { read: imp.rows_read, accepted: imp.accepted, duplicates: imp.duplicates, refused: imp.refused, unplaced: imp.unplaced }),
      }),
      h("button", {
        type: "button",
        class: "btn btn-small show-import",
        text: say("show_import"),
        onclick: function () {
          show(imp);
          $("import-result").scrollIntoView({ block: "nearest" });
        },
      })
    );
  }

  async function listImports(more) {
    const list = $("imports-list");
    const offset = more ? list.children.length : 0;
    let page;
    try {
      page = await api("/api/governance/imports" + gov.query({ limit: PAGE, offset: offset }));
    } catch (err) {
      return messages.fail(err);
    }
    if (more) list.append(...page.map(importItem));
    else list.replaceChildren(...page.map(importItem));
    $("imports-more").hidden = page.length < PAGE;
    $("imports-empty").hidden = list.children.length > 0;
    list.dataset.state = "ready";
    return page;
  }

  async function upload(event) {
    event.preventDefault();
    const file = $("import-file").files[0];
    if (!file) {
      G.showError($("alert"), { detail: say("choose_file") });
      return $("import-file").focus();
    }
    const form = new FormData();
    form.append("file", file, file.name);
    $("import-submit").disabled = true;
    messages.clear();
    let imp;
    try {
      imp = await api("/api/governance/imports", { method: "POST", formData: form });
    } catch (err) {
      $("import-submit").disabled = false;
      return messages.fail(err);
    }
    show(imp);
    listImports();
    if (imp.status === "queued" || imp.status === "running") poll(imp.id);
    else {
      $("import-submit").disabled = false;
      document.dispatchEvent(new CustomEvent("gov:complaints-changed"));
    }
  }

  async function start() {
    if (!gov.isAdmin) return;
    $("import-form").addEventListener("submit", upload);
    $("refusals-csv").addEventListener("click", async function () {
      if (!current) return;
      try {
        const name = await gov.download("/api/governance/imports/" + current.id + "/refusals.csv", "refused.csv");
        messages.tell(say("downloaded", { name: name }));
      } catch (err) {
        messages.fail(err);
      }
    });
    $("imports-more").addEventListener("click", () => listImports(true));
    const latest = (await listImports()) || [];
    if (latest.length) {
      show(latest[0]);
      if (latest[0].status === "queued" || latest[0].status === "running") poll(latest[0].id);
    }
  }

  gov.register({ name: "imports", start: start });
})();

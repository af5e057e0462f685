/* The algorithm audit page (/audit). District admins upload a decision log
   (POST /api/audit/runs, answered at once with the queued run) and follow its audit (each
   unfinished run's JSON polled until done or failed). Admins and grid officers see each run
   with its verdict per check, download its report and findings behind the bearer token,
   compare two finished runs (GET /api/audit/compare) and find a rider's findings by the
   platform's rider id. Words come from #audit-strings; no text is written here. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("audit-strings");
  const messages = G.messages($("alert"), $("notice"));
  const POLL_MS = 700;
  const FILES = ["report_html", "report_pdf", "report_json", "findings_csv"];
  const runs = new Map(); // id -> the run as last read
  const timers = new Map(); // id -> its poll timer
  let isAdmin = false;

  const busy = (run) => run.status === "queued" || run.status === "running";

  function percent(value) {
    if (value === null || value === undefined) return say("rate_none");
    return new Intl.NumberFormat(G.config.htmlLang, { style: "percent", maximumFractionDigits: 1 }).format(value);
  }

  const when = (iso) => G.districtTime(iso, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });

  async function save(path, fallbackName) {
    try {
      messages.tell(say("downloaded", { name: await G.downloadFile(path, fallbackName) }));
    } catch (err) {
      messages.fail(err);
    }
  }

  /* ---- one run ---- */

  function statusLine(run) {
    // The file's name as given (any script) sits in a code element, apart from the words.
    const words = run.status === "running" ? say("status_running", { percent: percent(run.progress) }) : say("status_" + run.status);
    return h("p", { class: "run-status" }, h("code", { class: "filename", text: run.filename }), " · ", words);
  }

  function counts(run) {
    const items = [
      ["orders", run.orders],
      ["riders", run.riders],
      ["refused", run.refused],
      ["failed", say("failed_of", { failed: run.checks_failed, applicable: run.checks_applicable })],
      ["findings", run.findings],
    ];
    return h("dl", { class: "counts" }, items.map(([key, value]) => h("div", { class: "count", dataset: { count: key } }, h("dt", { text: say("count_" + key) }), h("dd", { text: value }))));
  }

  function verdicts(run) {
    return h(
      "ul",
      { class: "checks" },
      run.checks.map(function (check) {
        let verdict = "not_applicable";
        if (check.applicable) verdict = check.passed === true ? "passed" : check.passed === false ? "breached" : "nothing_checked";
        const detail = check.applicable && check.checked ? say("breaches", { breaches: check.breaches, checked: check.checked }) : "";
        return h(
          "li",
          { class: "check", dataset: { check: check.check, verdict: verdict } },
          h("span", { class: "verdict " + verdict, text: say(verdict) }),
          " ",
          h("span", { class: "check-title", text: check.title }),
          detail ? h("span", { class: "note", text: " · " + detail }) : null
        );
      })
    );
  }

  function fileButtons(run) {
    const buttons = FILES.map((key) =>
      h("button", { type: "button", class: "btn btn-small", dataset: { file: key }, text: say("file_" + key), onclick: () => save(run.files[key], "audit-" + run.id) })
    );
    if (isAdmin) buttons.push(h("button", { type: "button", class: "btn btn-small danger", dataset: { action: "delete" }, text: say("delete"), onclick: () => remove(run) }));
    return h("p", { class: "run-files" }, buttons);
  }

  function runItem(run) {
    const parts = [statusLine(run)];
    const facts = [say("uploaded_at", { when: when(run.at) }), say(run.by_platform ? "by_platform" : "by_staff")];
    if (run.first_day) facts.push(run.first_day === run.last_day ? say("days_one", { day: run.first_day }) : say("days_many", { first: run.first_day, last: run.last_day }));
    if (run.rulebook_title) facts.push(say("rulebook", { title: run.rulebook_title }));
    parts.push(h("p", { class: "note", text: facts.join(" · ") }));
    if (busy(run)) parts.push(h("progress", { max: "1", value: String(run.progress || 0) }));
    if (run.status === "failed" && run.error) parts.push(h("p", { class: "problem", text: run.error }));
    if (run.status === "done") {
      parts.push(counts(run), verdicts(run), fileButtons(run));
      parts.push(h("p", { class: "note fingerprint" }, say("fingerprint") + " ", h("code", { text: run.sha256 })));
    }
    return h("li", { class: "run", id: "run-" + run.id, dataset: { run: run.id, status: run.status } }, parts);
  }

  function show(run) {
    runs.set(run.id, run);
    const item = runItem(run);
    const old = $("run-" + run.id);
    if (old) old.replaceWith(item);
    else {
      const list = $("runs");
      const newer = [...list.children].find((li) => Number(li.dataset.run) < run.id);
      list.insertBefore(item, newer || null);
    }
    $("no-runs").hidden = runs.size > 0;
    if (busy(run)) poll(run.id);
  }

  function poll(id) {
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(async function () {
        let run;
        try {
          run = await api("/api/audit/runs/" + id);
        } catch (err) {
          return messages.fail(err);
        }
        show(run);
        if (!busy(run)) {
          timers.delete(id);
          if (run.status === "done") messages.tell(say("finished", { file: run.filename }));
          choices();
        }
      }, POLL_MS)
    );
  }

  async function remove(run) {
    if (!window.confirm(say("confirm_delete"))) return;
    try {
      await api("/api/audit/runs/" + run.id, { method: "DELETE" });
    } catch (err) {
      return messages.fail(err);
    }
    runs.delete(run.id);
    const item = $("run-" + run.id);
    if (item) item.remove();
    $("no-runs").hidden = runs.size > 0;
    choices();
    messages.tell(say("deleted"));
  }

  /* ---- choosing finished runs (compare, a rider's findings) ---- */

  function choices() {
    const done = [...runs.values()].filter((run) => run.status === "done");
    for (const [id, offset] of [["compare-before", 1], ["compare-after", 0], ["rider-run", 0]]) {
      const select = $(id);
      const kept = select.value;
      select.replaceChildren(...done.map((run) => h("option", { value: run.id, text: say("run_option", { id: run.id, file: run.filename }) })));
      if (kept && done.some((run) => String(run.id) === kept)) select.value = kept;
      else if (done.length > offset) select.value = String(done[offset].id);
    }
  }

  async function compare(event) {
    event.preventDefault();
    const before = $("compare-before").value;
    const after = $("compare-after").value;
    if (!before || !after) return messages.fail(new Error(say("need_two")));
    let comparison;
    try {
      comparison = await api("/api/audit/compare?before=" + encodeURIComponent(before) + "&after=" + encodeURIComponent(after));
    } catch (err) {
      return messages.fail(err);
    }
    messages.clear();
    const titles = new Map();
    for (const run of runs.values()) for (const check of run.checks) titles.set(check.check, check.title);
    $("comparison-rows").replaceChildren(
      ...comparison.changes.map((change) =>
        h(
          "tr",
          { dataset: { check: change.check, change: change.change } },
          h("td", { text: titles.get(change.check) || change.check }),
          h("td", { text: percent(change.before_rate) }),
          h("td", { text: percent(change.after_rate) }),
          h("td", { class: "change " + change.change, text: say("change_" + change.change) })
        )
      )
    );
    $("comparison").hidden = false;
    $("comparison-page").onclick = () => save("/api/audit/compare.html?before=" + before + "&after=" + after, "audit-comparison.html");
  }

  async function riderFindings(event) {
    event.preventDefault();
    const runId = $("rider-run").value;
    const riderId = $("rider-id").value.trim();
    if (!riderId) {
      messages.fail(new Error(say("rider_needs_id")));
      return $("rider-id").focus();
    }
    let found;
    try {
      found = await api("/api/audit/runs/" + encodeURIComponent(runId) + "/riders/" + encodeURIComponent(riderId) + "/findings");
    } catch (err) {
      return messages.fail(err);
    }
    messages.clear();
    const count = found.findings.length;
    $("rider-summary").replaceChildren(...say(count ? "rider_some" : "rider_none", { count: count }).split("{rider}").flatMap((part, i) => (i ? [h("code", { text: found.rider }), part] : [part])));
    $("rider-findings").replaceChildren(
      ...found.findings.map((f) =>
        h(
          "li",
          { dataset: { check: f.check } },
          h("strong", { text: f.title }),
          " · " + f.day,
          h("p", { text: f.evidence }),
          f.orders.length ? h("p", { class: "note" }, say("orders", { orders: "" }), h("code", { text: f.orders.join(", ") })) : null
        )
      )
    );
    $("rider-result").hidden = false;
  }

  /* ---- uploading ---- */

  async function upload(event) {
    event.preventDefault();
    const file = $("log-file").files[0];
    if (!file) {
      messages.fail(new Error(say("choose_file")));
      return $("log-file").focus();
    }
    const form = new FormData();
    form.append("file", file, file.name);
    if ($("rules").value) form.append("rules", $("rules").value);
    if ($("tolerance").value !== "") form.append("eta_tolerance_s", $("tolerance").value);
    $("upload-submit").disabled = true;
    messages.clear();
    let run;
    try {
      run = await api("/api/audit/runs", { method: "POST", formData: form });
    } catch (err) {
      return messages.fail(err);
    } finally {
      $("upload-submit").disabled = false;
    }
    messages.tell(say("uploaded"));
    show(run);
    choices();
  }

  /* ---- start ---- */

  async function start() {
    const page = $("audit-page");
    if (document.body.classList.contains("wrong-role")) return;
    const me = await G.signedIn(messages.fail);
    if (!me) return;
    isAdmin = me.role === "admin";
    document.querySelectorAll("[data-admin]").forEach((el) => (el.hidden = !isAdmin));
    $("reader-note").hidden = isAdmin;
    try {
      const [options, list] = await Promise.all([api("/api/audit/options"), api("/api/audit/runs")]);
      for (const choice of options.rulebooks) $("rules").append(h("option", { value: choice.value, text: choice.title }));
      $("tolerance").value = String(options.default_eta_tolerance_s);
      for (const run of list.reverse()) show(run);
    } catch (err) {
      messages.fail(err);
    }
    $("no-runs").hidden = runs.size > 0;
    choices();
    $("upload-form").addEventListener("submit", upload);
    $("compare-form").addEventListener("submit", compare);
    $("rider-form").addEventListener("submit", riderFindings);
    $("runs").dataset.state = "ready";
    page.dataset.state = "ready";
  }

  start();
})();

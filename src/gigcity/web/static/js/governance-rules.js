/* Governance hub, topic rules: the rules in the order they are tried (GET
   /api/governance/topic-rules), a text tried against them (POST .../topic-rules/try: the
   segmented words, the words that fired marked, the topic and the rule), and for admins
   adding, changing and removing a rule and sorting every complaint again by the rules as
   they are now (POST .../complaints/reclassify). Officers read and try. */
(function () {
  "use strict";

  const G = window.gigcity;
  const gov = G.gov;
  const { h, api } = G;
  const { $, say, messages } = gov;
  let editing = null; // the id of the rule being changed; null: a new one
  let loaded = false;

  const words = (text) => text.split(/[\s,;\u3001\uff0c\uff1b]+/).map((w) => w.trim()).filter(Boolean);

  function ruleItem(rule) {
    const groups = rule.groups.map((g) => g.join(" / ")).join("  +  ");
    const li = h(
      "li",
      { class: "rule" + (rule.active ? "" : " inactive"), dataset: { rule: rule.id } },
      h(
        "p",
        { class: "rule-head" },
        h("code", { text: rule.id }),
        " ",
        h("span", { class: "tag topic", dataset: { topic: rule.topic }, text: rule.topic_title }),
        " ",
        h("span", { class: "note", text: say("priority", { priority: rule.priority }) }),
        rule.active ? null : h("span", { class: "tag warn", text: say("not_in_use") })
      ),
      h("p", { class: "rule-groups" }, h("span", { class: "note", text: say("needs") + " " }), groups),
      rule.exclude.length ? h("p", { class: "rule-exclude" }, h("span", { class: "note", text: say("unless") + " " }), rule.exclude.join(" / ")) : null
    );
    if (gov.isAdmin) {
      li.append(
        h(
          "p",
          { class: "gov-buttons" },
          h("button", { type: "button", class: "btn btn-small", text: say("edit"), onclick: () => edit(rule) }),
          h("button", { type: "button", class: "btn btn-small", text: say("remove"), onclick: () => remove(rule) })
        )
      );
    }
    return li;
  }

  async function load() {
    let rules;
    try {
      rules = await api("/api/governance/topic-rules");
    } catch (err) {
      return messages.fail(err);
    }
    $("rules").replaceChildren(...rules.map(ruleItem));
    $("rules").dataset.state = "ready";
    loaded = true;
  }

  function edit(rule) {
    editing = rule ? rule.id : null;
    const form = $("rule-form");
    form.hidden = false;
    $("rule-form-title").textContent = rule ? say("change_rule", { rule: rule.id }) : say("new_rule");
    $("rule-id").value = rule ? rule.id : "";
    $("rule-id").disabled = !!rule;
    $("rule-topic").value = rule ? rule.topic : $("rule-topic").options[0].value;
    $("rule-groups").value = rule ? rule.groups.map((g) => g.join(" ")).join("\n") : "";
    $("rule-exclude").value = rule ? rule.exclude.join(" ") : "";
    $("rule-priority").value = rule ? rule.priority : 100;
    $("rule-active").checked = rule ? rule.active : true;
    (rule ? $("rule-groups") : $("rule-id")).focus();
  }

  async function save(event) {
    event.preventDefault();
    const body = {
      topic: $("rule-topic").value,
      groups: $("rule-groups").value.split("\n").map(words).filter((g) => g.length),
      exclude: words($("rule-exclude").value),
      priority: Number($("rule-priority").value || 100),
      active: $("rule-active").checked,
    };
    try {
      if (editing) await api("/api/governance/topic-rules/" + encodeURIComponent(editing), { method: "PUT", json: body });
      else await api("/api/governance/topic-rules", { method: "POST", json: { id: $("rule-id").value.trim(), ...body } });
    } catch (err) {
      return messages.fail(err);
    }
    messages.tell(say("rule_saved", { rule: editing || $("rule-id").value.trim() }));
    $("rule-form").hidden = true;
    editing = null;
    await load();
  }

  async function remove(rule) {
    if (!confirm(say("remove_rule_confirm", { rule: rule.id }))) return;
    try {
      await api("/api/governance/topic-rules/" + encodeURIComponent(rule.id), { method: "DELETE" });
    } catch (err) {
      return messages.fail(err);
    }
    messages.tell(say("rule_removed", { rule: rule.id }));
    await load();
  }

  async function reclassify() {
    $("reclassify").disabled = true;
    try {
      const out = await api("/api/governance/complaints/reclassify", { method: "POST" });
      messages.tell(say("reclassified", { changed: out.changed }));
      document.dispatchEvent(new CustomEvent("gov:complaints-changed"));
    } catch (err) {
      messages.fail(err);
    } finally {
      $("reclassify").disabled = false;
    }
  }

  async function tryText(event) {
    event.preventDefault();
    const text = $("try-text").value.trim();
    if (!text) return $("try-text").focus();
    let out;
    try {
      out = await api("/api/governance/topic-rules/try", { method: "POST", json: { text: text } });
    } catch (err) {
      return messages.fail(err);
    }
    messages.clear();
    const verdict = $("try-verdict");
    verdict.replaceChildren();
    if (out.rule) {
      verdict.append(
        say("try_fired_before") + " ",
        h("code", { class: "fired-rule", text: out.rule }),
        " → ",
        h("span", { class: "tag topic", dataset: { topic: out.topic }, text: out.topic_title || gov.topicName(out.topic) })
      );
      verdict.dataset.fired = "yes";
    } else {
      verdict.textContent = say("try_none");
      verdict.dataset.fired = "no";
    }
    // A segmented word is marked when a word of the rule is in it (a rule word may be part of a longer segmented word).
    const fired = (w) => out.matched.some((m) => w.includes(m));
    $("try-words").replaceChildren(...out.words.map((w) => h(fired(w) ? "mark" : "span", { class: "word", text: w })));
    $("try-matched").textContent = out.matched.length ? say("try_matched", { words: out.matched.join(" / ") }) : "";
    $("try-result").hidden = false;
  }

  function start() {
    $("rules-readonly").hidden = gov.isAdmin;
    $("try-form").addEventListener("submit", tryText);
    if (gov.isAdmin) {
      $("rule-new").addEventListener("click", () => edit(null));
      $("rule-cancel").addEventListener("click", () => ($("rule-form").hidden = true));
      $("rule-form").addEventListener("submit", save);
      $("reclassify").addEventListener("click", reclassify);
    }
  }

  gov.register({ name: "rules", start: start, shown: () => loaded || load() });
})();

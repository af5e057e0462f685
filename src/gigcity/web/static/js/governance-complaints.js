/* Governance hub, complaints: the filtered list (GET /api/governance/complaints, newest
   first, a page at a time) with each record's topic, the rule that fired and its words
   marked in the text, and where it was placed and how; those no address matched can be
   placed by hand (POST .../complaints/{id}/place) at a tapped point or at a place found by
   name. Officers see their own sub-district (the API keeps them to it). */
(function () {
  "use strict";

  const G = window.gigcity;
  const gov = G.gov;
  const { h, api } = G;
  const { $, say, messages } = gov;
  const PAGE = 50;
  let offset = 0;
  let loads = 0;
  let placing = null; // the complaint being placed
  let chosen = null; // {place_id} or {lat, lon}
  let map = null;
  let pin = null;

  function filters() {
    const topic = $("f-topic").value;
    return {
      topic: topic === "*" ? "" : topic,
      delivery_only: topic === "*",
      since: $("f-since").value,
      until: $("f-until").value,
      subdistrict: gov.isAdmin ? $("f-subdistrict").value : "",
      unplaced: $("f-unplaced").checked,
    };
  }

  /* The text with each of `words` marked (the words that made the rule fire). */
  function marked(text, words) {
    const wanted = words.filter(Boolean).sort((a, b) => b.length - a.length);
    if (!wanted.length) return [text];
    const parts = [];
    let rest = text;
    while (rest) {
      let at = -1;
      let word = "";
      for (const w of wanted) {
        const i = rest.indexOf(w);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          word = w;
        }
      }
      if (at < 0) {
        parts.push(rest);
        break;
      }
      if (at > 0) parts.push(rest.slice(0, at));
      parts.push(h("mark", { text: word }));
      rest = rest.slice(at + word.length);
    }
    return parts;
  }

  function whereLine(c) {
    if (!c.placed) {
      return h("p", { class: "where unplaced" }, h("span", { class: "tag warn", text: say("not_placed") }), " ", c.subdistrict ? gov.subdistrictName(c.subdistrict) : "");
    }
    const how = say("how_" + (c.placed_how || "place"));
    return h(
      "p",
      { class: "where" },
      h("span", { class: "tag how-" + (c.placed_how || "place"), text: how }),
      " ",
      [c.place_name || gov.pointText(c), gov.subdistrictName(c.subdistrict)].filter(Boolean).join(" · ")
    );
  }

  function item(c) {
    const topic = c.topic
      ? h("span", { class: "tag topic", dataset: { topic: c.topic }, text: c.topic_title || gov.topicName(c.topic) })
      : h("span", { class: "tag other", text: say("not_delivery") });
    const rule = c.topic_rule
      ? h("p", { class: "rule-line note" }, say("fired_rule", { rule: c.topic_rule }), " ", c.topic_words.map((w) => h("mark", { text: w })))
      : null;
    const li = h(
      "li",
      { class: "complaint", dataset: { complaint: c.id, placed: c.placed ? "yes" : "no" } },
      h(
        "p",
        { class: "complaint-head" },
        h("time", { datetime: c.received_at, text: gov.dateTime(c.received_at) }),
        " ",
        topic,
        c.synthetic ? h("span", { class: "tag synthetic", text: say("synthetic") }) : null,
        c.record_id ? h("span", { class: "note", text: c.record_id }) : null
      ),
      h("p", { class: "address", text: c.address }),
      h("p", { class: "content" }, c.category ? h("span", { class: "category", text: c.category + " · " }) : null, marked(c.content, c.topic_words)),
      rule,
      whereLine(c)
    );
    if (!c.placed) {
      li.append(h("p", {}, h("button", { type: "button", class: "btn btn-small place-btn", text: say("place_on_map"), onclick: () => openPlacing(c) })));
    }
    return li;
  }

  async function load(more) {
    const run = ++loads; // a newer load (filters changed meanwhile) wins
    const from = more ? offset : 0;
    $("complaints").dataset.state = "loading"; // until this load's list is in
    let page;
    try {
      page = await api("/api/governance/complaints" + gov.query({ ...filters(), limit: PAGE, offset: from }));
    } catch (err) {
      if (run === loads) $("complaints").dataset.state = "ready";
      return messages.fail(err);
    }
    if (run !== loads) return;
    const list = $("complaints");
    if (!more) list.replaceChildren();
    page.items.forEach((c) => list.append(item(c)));
    offset = from + page.items.length;
    $("complaint-count").textContent = page.total ? say("complaints_count", { shown: offset, total: page.total }) : say("no_complaints");
    $("complaints-more").hidden = offset >= page.total;
    list.dataset.state = "ready";
  }

  /* ---- placing by hand ---- */

  function openPlacing(c) {
    placing = c;
    chosen = null;
    $("place-panel").hidden = false;
    $("place-address").textContent = c.address;
    $("place-point").textContent = say("nothing_chosen");
    $("place-results").replaceChildren();
    $("place-q").value = "";
    $("place-name").value = "";
    $("remember-as").value = "";
    $("remember-label").hidden = true;
    $("place-name-label").hidden = false;
    if (!map) map = gov.makeMap($("place-map"), choosePoint);
    gov.refit(map);
    $("place-panel").scrollIntoView({ block: "start" });
  }

  function choosePoint(point) {
    chosen = { lat: point.lat, lon: point.lon };
    pin = gov.pin(map, pin, point);
    $("place-point").textContent = say("chosen_point", { point: gov.pointText(point) });
    $("place-results").querySelectorAll(".pick").forEach((b) => b.setAttribute("aria-pressed", "false"));
    $("remember-label").hidden = true; // a point has no name to remember
    $("place-name-label").hidden = false;
  }

  function choosePlace(place) {
    chosen = { place_id: place.id };
    pin = gov.pin(map, pin, place);
    $("place-point").textContent = say("chosen_place", { name: place.name });
    $("remember-label").hidden = false;
    $("place-name-label").hidden = true;
  }

  async function savePlacing(event) {
    event.preventDefault();
    if (!placing) return;
    if (!chosen) {
      G.showError($("alert"), { detail: say("choose_point_first") });
      return;
    }
    const body = { ...chosen };
    const name = $("place-name").value.trim();
    if (body.lat !== undefined && name) body.name = name;
    const remember = $("remember-as").value.trim();
    if (body.place_id !== undefined && remember) body.remember_as = remember;
    try {
      const placed = await api("/api/governance/complaints/" + placing.id + "/place", { method: "POST", json: body });
      closePlacing();
      const where = { address: placed.address, place: placed.place_name || gov.pointText(placed) };
      messages.tell(placed.also_placed
        ? say("placed_also", { ...where, count: placed.also_placed, name: remember })
        : say("placed", where));
    } catch (err) {
      return messages.fail(err);
    }
    await load(false);
  }

  function closePlacing() {
    placing = null;
    $("place-panel").hidden = true;
  }

  function start() {
    $("complaint-filters").addEventListener("change", () => load(false));
    $("complaint-filters").addEventListener("submit", (e) => e.preventDefault());
    $("complaints-more").addEventListener("click", () => load(true));
    $("place-form").addEventListener("submit", savePlacing);
    $("place-cancel").addEventListener("click", closePlacing);
    $("place-search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      gov.findPlaces($("place-q").value, $("place-results"), choosePlace);
    });
    document.addEventListener("gov:complaints-changed", () => load(false));
    return load(false);
  }

  gov.register({ name: "complaints", start: start, shown: () => gov.refit(map) });
})();

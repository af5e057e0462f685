/* A point's rider set meals and free-water fridges (services.care offers) on the manage
   page: shown to the point's own station staff and to admins (the API keeps them; grid
   officers do not), listed with withdrawn ones, added, withdrawn and offered again. The
   point comes from manage.js's "place-opened" event. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("offer-strings");
  const panel = $("offers-panel");
  const list = $("offers-list");
  const form = $("offer-form");
  const { fail, tell, clear } = G.messages($("alert"), $("notice"));

  let placeId = null;

  function priceText(offer) {
    return offer.price_fen > 0 ? say("price", { yuan: G.formatYuan(offer.price_fen) }) : say("free");
  }

  async function setActive(offer, active) {
    clear();
    try {
      const changed = await api("/api/care/offers/" + offer.id, { method: "PATCH", json: { active: active } });
      tell(say("changed", { name: changed.name }));
      await load();
    } catch (err) {
      fail(err);
    }
  }

  function row(offer) {
    return h(
      "li",
      { class: "offer" + (offer.active ? "" : " is-withdrawn"), "data-offer": String(offer.id) },
      h("strong", { text: offer.name }),
      " · ",
      h("span", { class: "price", text: priceText(offer) }),
      offer.active ? null : h("span", { class: "badge badge-closed", text: say("withdrawn") }),
      h("div", { class: "note", text: say("hours", { hours: offer.hours }) }),
      h("button", {
        type: "button",
        class: "btn btn-small",
        text: offer.active ? say("withdraw") : say("offer_again"),
        onclick: () => setActive(offer, !offer.active),
      })
    );
  }

  async function load() {
    const shown = placeId;
    const offers = await api("/api/care/places/" + shown + "/offers");
    if (shown !== placeId) return;
    list.replaceChildren(...offers.map(row));
  }

  function showPrice() {
    $("offer-price-row").hidden = $("offer-kind").value !== "meal";
  }

  $("offer-kind").addEventListener("change", showPrice);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clear();
    const kind = $("offer-kind").value;
    let priceFen = 0;
    if (kind === "meal") {
      const text = $("offer-price").value.trim();
      if (!/^\d+(\.\d{1,2})?$/.test(text)) return fail({ detail: G.t("invalid_price") });
      priceFen = Math.round(parseFloat(text) * 100);
    }
    const hours = $("offer-hours").value.trim();
    const body = { place_id: placeId, kind: kind, name: $("offer-name").value, price_fen: priceFen };
    if (hours) body.hours = hours;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const offer = await api("/api/care/offers", { method: "POST", json: body });
      tell(say("added", { name: offer.name }));
      form.reset();
      showPrice();
      await load();
    } catch (err) {
      fail(err);
    } finally {
      button.disabled = false;
    }
  });

  $("editor").addEventListener("place-opened", function (event) {
    const { place, me } = event.detail;
    const keeper = me.role === "admin" || (me.role === "staff" && me.station_id === place.id);
    placeId = place.id;
    panel.hidden = !keeper;
    list.replaceChildren();
    if (keeper) load().catch(fail);
  });

  showPrice();
})();

/* A canteen's kitchen page (/eldercare/kitchen): the day's lunch and dinner production lists
   (how many meals, how many for each diet and each exact combination, the allergies to keep
   out, the dishes that do not suit how many people; counts only, the API never says for
   whom) and the menus of the coming days, each with an editor. Canteen staff see their own
   canteen (GET /api/me gives it); committee staff, officers and admins choose one of the
   canteens the API lists for them. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { h, api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("kitchen-strings");
  const messages = G.messages($("alert"), $("notice"));
  const MEALS = ["lunch", "dinner"];
  const DIETS = ["soft", "low_salt", "diabetic", "low_fat", "vegetarian", "halal"];
  const MENU_DAYS = 7;

  let canteen = null; // the canteen shown (CanteenOut)

  const list = (items) => items.join(say("list_separator"));
  const dietNames = (diets) => list(diets.map((d) => say("diet_" + d)));

  function dayText(iso) {
    return new Intl.DateTimeFormat(G.config.htmlLang, {
      timeZone: "UTC",
      month: "long",
      day: "numeric",
      weekday: "short",
    }).format(new Date(iso + "T00:00:00Z"));
  }

  function today() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: G.config.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  }

  function addDays(iso, n) {
    const d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function clock(iso) {
    return new Intl.DateTimeFormat(G.config.htmlLang, {
      timeZone: G.config.timezone,
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(iso));
  }

  /* ---- the production lists ---- */

  function tile(count, label, kind) {
    return h("li", { class: "tile" + (kind ? " tile-" + kind : "") }, h("span", { class: "count", text: count }), h("span", { class: "label", text: label }));
  }

  function sourceLine(k) {
    const time = clock(k.changes_close_at);
    if (k.source === "meals") return say("source_meals", { time: time });
    return k.changes_closed ? say("source_plan_closed", { time: time }) : say("source_plan", { time: time });
  }

  function variantText(v) {
    const parts = [];
    if (v.diets.length) parts.push(v.diets.map((d) => say("diet_" + d)).join(" + "));
    if (v.allergies.length) parts.push(say("variant_free_of", { allergens: list(v.allergies) }));
    return say("variant_line", { needs: parts.join(say("list_separator")), count: v.count });
  }

  function clashText(c) {
    const why = [];
    if (c.diets.length) why.push(say("clash_diets", { diets: dietNames(c.diets) }));
    if (c.allergens.length) why.push(say("clash_contains", { allergens: list(c.allergens) }));
    const clash = say("clash", { dish: c.dish, count: c.count });
    return why.length ? say("clash_why", { clash: clash, why: why.join(say("reason_separator")) }) : clash;
  }

  function showMeal(k) {
    const body = $("meal-" + k.meal).querySelector(".meal-body");
    const parts = [
      h("p", { class: "meal-times note" }, say("ready_at", { time: k.ready }), " · ", sourceLine(k)),
      h(
        "p",
        { class: "meal-total" },
        h("span", { class: "count", dataset: { count: "total" }, text: k.total }),
        " ",
        h("span", { class: "label", text: say("total") }),
        h("span", { class: "capacity note", text: say("capacity", { capacity: k.capacity }) })
      ),
    ];
    if (k.over_capacity) parts.push(h("p", { class: "over-capacity", text: say("over_capacity", { count: k.over_capacity }) }));
    if (!k.total) {
      parts.push(h("p", { class: "note", text: say("meals_none") }));
    } else {
      parts.push(h("h3", { text: say("diets_title") }));
      parts.push(
        h(
          "ul",
          { class: "tiles", "aria-label": say("diets_title") },
          k.diets.map((d) => tile(d.count, say("diet_" + d.diet), d.diet)),
          tile(k.regular, say("regular"), "regular")
        )
      );
      if (k.variants.length) {
        parts.push(h("h3", { text: say("variants_title") }));
        parts.push(h("ul", { class: "variants" }, k.variants.map((v) => h("li", { text: variantText(v) }))));
      }
      parts.push(h("h3", { text: say("allergies_title") }));
      parts.push(
        k.allergies.length
          ? h("ul", { class: "allergies" }, k.allergies.map((a) => h("li", { class: "allergy", text: say("allergy", { allergen: a.allergen, count: a.count }) })))
          : h("p", { class: "note", text: say("allergies_none") })
      );
    }
    parts.push(h("h3", { text: say("clashes_title") }));
    if (!k.menu) parts.push(h("p", { class: "note", text: say("menu_none") }));
    else if (!k.clashes.length) parts.push(h("p", { class: "note", text: say("clashes_none") }));
    else parts.push(h("ul", { class: "clashes" }, k.clashes.map((c) => h("li", { class: "clash", text: clashText(c) }))));
    if (k.menu) parts.push(h("p", { class: "menu-line note", text: say("menu_line", { dishes: list(k.menu.map((d) => d.name)) }) }));
    body.replaceChildren(...parts);
  }

  async function loadKitchen() {
    const day = $("kitchen-day").value;
    const lists = await Promise.all(
      MEALS.map((meal) => api("/api/eldercare/canteens/" + canteen.id + "/kitchen/" + day + "/" + meal))
    );
    lists.forEach(showMeal);
  }

  /* ---- the menus and their editor ---- */

  function dishLine(dish) {
    const bits = [dish.name];
    if (dish.suits.length) bits.push(say("dish_suits", { diets: dietNames(dish.suits) }));
    if (dish.allergens.length) bits.push(say("dish_allergens", { allergens: list(dish.allergens) }));
    return bits.join(" · ");
  }

  function dishRow(dish) {
    const name = h("input", { class: "dish-name", maxlength: "60", value: dish ? dish.name : "", "aria-label": say("dish_name"), placeholder: say("dish_name") });
    const diets = h(
      "fieldset",
      { class: "dish-diets" },
      h("legend", { text: say("suits") }),
      DIETS.map((d) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", value: d, checked: !!(dish && dish.suits.includes(d)) }), say("diet_" + d))
      )
    );
    const allergens = h("input", {
      class: "dish-allergens",
      maxlength: "200",
      value: dish ? dish.allergens.join(say("list_separator")) : "",
      "aria-label": say("allergens"),
      placeholder: say("allergens"),
    });
    const row = h("li", { class: "dish-row" }, name, diets, allergens);
    row.append(h("button", { type: "button", class: "btn btn-small remove-dish", text: say("remove_dish"), onclick: () => row.remove() }));
    return row;
  }

  function readDishes(form) {
    return [...form.querySelectorAll(".dish-row")]
      .map((row) => ({
        name: row.querySelector(".dish-name").value.trim(),
        suits: [...row.querySelectorAll(".dish-diets input:checked")].map((c) => c.value),
        allergens: row
          .querySelector(".dish-allergens")
          .value.split(/[,\uff0c\u3001;\uff1b]/)
          .map((a) => a.trim())
          .filter(Boolean),
      }))
      .filter((d) => d.name);
  }

  function editor(day, meal, menu, item) {
    const rows = h("ol", { class: "dish-rows" }, (menu ? menu.dishes : [null, null]).map(dishRow));
    const price = h("input", {
      class: "menu-price",
      type: "number",
      min: "0",
      step: "0.5",
      inputmode: "decimal",
      value: menu && menu.price_fen !== null ? String(menu.price_fen / 100) : "",
    });
    const save = h("button", { type: "submit", class: "btn btn-primary save-menu", text: say("save") });
    const form = h(
      "form",
      { class: "menu-form", novalidate: true },
      rows,
      h("button", { type: "button", class: "btn btn-small add-dish", text: say("add_dish"), onclick: () => rows.append(dishRow(null)) }),
      h("label", { class: "price-label" }, say("price"), price),
      h("div", { class: "form-actions" }, save, h("button", { type: "button", class: "btn", text: say("cancel"), onclick: () => loadMenus().catch(messages.fail) }))
    );
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      messages.clear();
      const dishes = readDishes(form);
      if (!dishes.length) {
        messages.fail(new G.ApiError(422, say("dish_needed"), null));
        return;
      }
      const body = { dishes: dishes };
      if (price.value.trim() !== "") body.price_fen = Math.round(Number(price.value) * 100);
      save.disabled = true;
      try {
        await api("/api/eldercare/canteens/" + canteen.id + "/menus/" + day + "/" + meal, { method: "PUT", json: body });
        messages.tell(say("saved", { day: dayText(day), meal: say("meal_" + meal) }));
        await loadMenus();
        if ($("kitchen-day").value === day) await loadKitchen();
      } catch (err) {
        messages.fail(err);
        save.disabled = false;
      }
    });
    item.querySelector(".menu-view").replaceChildren(form);
    const first = form.querySelector(".dish-name");
    if (first) first.focus();
  }

  function menuItem(day, meal, menu) {
    const view = h("div", { class: "menu-view" });
    const item = h(
      "li",
      { class: "menu-item", dataset: { day: day, meal: meal, kept: menu ? "yes" : "no" } },
      h("h3", { text: say("day_meal", { day: dayText(day), meal: say("meal_" + meal) }) }),
      view
    );
    const shown = [];
    if (menu) {
      shown.push(h("ul", { class: "dishes" }, menu.dishes.map((d) => h("li", { text: dishLine(d) }))));
      if (menu.price_fen !== null) shown.push(h("p", { class: "note", text: say("menu_price", { price: G.formatYuan(menu.price_fen) }) }));
    } else {
      shown.push(h("p", { class: "note", text: say("menu_none") }));
    }
    shown.push(
      h("button", { type: "button", class: "btn btn-small edit-menu", text: menu ? say("edit") : say("add_menu"), onclick: () => editor(day, meal, menu, item) })
    );
    view.replaceChildren(...shown);
    return item;
  }

  async function loadMenus() {
    const first = today();
    const menus = await api("/api/eldercare/canteens/" + canteen.id + "/menus?first=" + first + "&days=" + MENU_DAYS);
    const kept = new Map(menus.map((m) => [m.day + "/" + m.meal, m]));
    const items = [];
    for (let n = 0; n < MENU_DAYS; n += 1) {
      const day = addDays(first, n);
      MEALS.forEach((meal) => items.push(menuItem(day, meal, kept.get(day + "/" + meal) || null)));
    }
    $("menu-days").replaceChildren(...items);
  }

  /* ---- which canteen ---- */

  async function showCanteen(chosen) {
    canteen = chosen;
    $("canteen-line").textContent = say("canteen_line", { name: chosen.name, lunch: chosen.lunch_cutoff, dinner: chosen.dinner_cutoff });
    await Promise.all([loadKitchen(), loadMenus()]);
  }

  async function canteensOf(me) {
    if (me.role === "canteen") return me.canteen_id ? [await api("/api/eldercare/canteens/" + me.canteen_id)] : [];
    return (await api("/api/eldercare/canteens")).filter((c) => c.active);
  }

  async function start() {
    if (document.body.classList.contains("wrong-role")) return; // common.js said whose page it is
    const me = await G.signedIn(messages.fail);
    if (!me) return;
    $("kitchen-day").value = today();
    try {
      const canteens = await canteensOf(me);
      if (!canteens.length) {
        messages.tell(say("no_canteen"));
        $("kitchen-page").dataset.state = "empty";
        return;
      }
      if (canteens.length > 1) {
        const select = $("canteen-select");
        select.replaceChildren(...canteens.map((c) => h("option", { value: c.id, text: c.name })));
        select.addEventListener("change", () => {
          const picked = canteens.find((c) => String(c.id) === select.value);
          if (picked) showCanteen(picked).catch(messages.fail);
        });
        $("canteen-pick").hidden = false;
      }
      $("kitchen-day").addEventListener("change", () => {
        if ($("kitchen-day").value) loadKitchen().catch(messages.fail);
      });
      await showCanteen(canteens[0]);
      $("kitchen-page").dataset.state = "ready";
    } catch (err) {
      messages.fail(err);
    }
  }

  start();
})();

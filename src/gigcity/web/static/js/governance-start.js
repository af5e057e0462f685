/* Governance hub, start: who is signed in (an officer sees their own sub-district, an admin
   also the parts marked data-admin), then each tab's module, then the tab the address
   names (#rules, #hotspots, #measures; the complaints by default). */
(function () {
  "use strict";

  const G = window.gigcity;
  const gov = G.gov;
  const { $, say, messages } = gov;

  async function start() {
    const page = $("gov-page");
    if (document.body.classList.contains("wrong-role")) return;
    const me = await G.signedIn(messages.fail);
    if (!me) return;
    gov.me = me;
    gov.isAdmin = me.role === "admin";
    document.querySelectorAll("[data-admin]").forEach((el) => (el.hidden = !gov.isAdmin));
    if (me.role === "officer" && me.subdistrict) {
      $("whoami").textContent += " · " + say("your_area", { subdistrict: gov.subdistrictName(me.subdistrict) });
    }
    try {
      for (const module of gov.modules) await module.start();
    } catch (err) {
      messages.fail(err);
    }
    gov.openTab(location.hash.slice(1) || "complaints", false);
    page.dataset.state = "ready";
  }

  start();
})();

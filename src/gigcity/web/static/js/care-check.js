/* The anonymous self-check (/care/check): four questions, scored by the server, which
   stores neither the answers nor who answered; the request carries no sign-in token. The
   result always shows the hotline, and offers a call-back if a number is left. */
(function () {
  "use strict";

  const G = window.gigcity;
  const { api } = G;
  const $ = (id) => document.getElementById(id);
  const say = G.pageStrings("check-strings");
  const show = G.messages($("alert"), $("notice"));

  function answersOf(instrument) {
    const picked = [];
    for (const position of [0, 1]) {
      const chosen = document.querySelector("input[name='" + instrument + "-" + position + "']:checked");
      if (!chosen) return null;
      picked.push(Number(chosen.value));
    }
    return picked;
  }

  $("check-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const phq2 = answersOf("phq2");
    const gad2 = answersOf("gad2");
    $("check-missing").hidden = Boolean(phq2 && gad2);
    if (!phq2 || !gad2) return;
    $("check-submit").disabled = true;
    try {
      // auth: false: the self-check is anonymous even for a signed-in worker.
      const result = await api("/api/care/self-check", { method: "POST", json: { phq2: phq2, gad2: gad2 }, auth: false });
      show.clear();
      $("result-text").textContent = say(result.suggests_assessment ? "result_assess" : "result_low");
      $("result").dataset.band = result.suggests_assessment ? "assess" : "low";
      $("result").hidden = false;
      $("check-page").dataset.state = "scored";
      $("result").scrollIntoView({ block: "start" });
    } catch (err) {
      show.fail(err);
    } finally {
      $("check-submit").disabled = false;
    }
  });

  $("callback-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const phone = $("callback-phone").value.trim();
    if (!phone) {
      show.fail(new Error(say("phone_needed")));
      $("callback-phone").focus();
      return;
    }
    const when = $("callback-when").value;
    $("callback-submit").disabled = true;
    try {
      await api("/api/care/callbacks", { method: "POST", json: { phone: phone, when: when }, auth: false });
      $("callback-form").hidden = true;
      $("callback-phone").value = "";
      show.tell(say("callback_done", { when: say("when_" + when) }));
      $("check-page").dataset.state = "called-back";
    } catch (err) {
      show.fail(err);
      $("callback-submit").disabled = false;
    }
  });
})();

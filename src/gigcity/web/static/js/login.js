/* Sign-in: exchange username and password for a bearer token, keep it, go on. */
(function () {
  "use strict";

  const G = window.gigcity;
  const form = document.getElementById("login-form");
  const alertBox = document.getElementById("alert");
  const params = new URLSearchParams(location.search);

  /* Only paths on this site are followed after signing in. */
  function nextPath() {
    const next = params.get("next") || "/manage";
    return next.startsWith("/") && !next.startsWith("//") ? next : "/manage";
  }

  if (params.get("expired")) G.showError(alertBox, new Error(G.t("session_expired")));

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    G.hideError(alertBox);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.dataset.label = button.textContent;
    button.textContent = G.t("signing_in");
    try {
      const token = await G.api("/api/auth/token", {
        method: "POST",
        auth: false,
        form: { username: form.username.value.trim(), password: form.password.value },
      });
      G.auth.save(token);
      location.assign(nextPath());
    } catch (err) {
      G.showError(alertBox, err);
      button.disabled = false;
      button.textContent = button.dataset.label;
    }
  });
})();

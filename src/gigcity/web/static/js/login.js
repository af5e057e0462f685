/* Sign-in: exchange username and password for a bearer token, keep it, go on (to the page
   that asked for it, or the role's home). */
(function () {
  "use strict";

  const G = window.gigcity;
  const form = document.getElementById("login-form");
  const alertBox = document.getElementById("alert");
  const params = new URLSearchParams(location.search);

  /* Where to go after signing in: the page that sent the reader here (only paths on this
     site), else the home of the account's role (riders the map, staff their station,
     officers their queue, admins the dashboard). */
  function nextPath(role) {
    const next = params.get("next");
    if (next && next.startsWith("/") && !next.startsWith("//")) return next;
    return G.homeOf(role);
  }

  if (params.get("expired")) G.showError(alertBox, new Error(G.t("session_expired")));

  /* Already signed in: say as whom, with the way home (signing in again switches account). */
  const role = G.auth.role();
  if (role) {
    document.getElementById("signed-in-text").textContent = G.t("signed_in_already", { role: G.t("role_" + role) });
    const home = document.getElementById("signed-in-home");
    home.href = G.homeOf(role);
    home.textContent = G.t("home_" + role);
    document.getElementById("signed-in").hidden = false;
  }

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
      location.assign(nextPath(token.role));
    } catch (err) {
      G.showError(alertBox, err);
      button.disabled = false;
      button.textContent = button.dataset.label;
    }
  });
})();

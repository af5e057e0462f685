/* Every page: register the service worker (/sw.js, see static/sw.js) so the map and the report
   page open without signal, and send the reports kept offline when the signal returns
   (offline-queue.js; the report page shows how they went). */
(function () {
  "use strict";

  /* Without signal, say so: the page and the map's points are the copy of the last visit. */
  const note = document.createElement("p");
  note.className = "offline-note";
  note.id = "offline-note";
  note.setAttribute("role", "status");
  note.textContent = window.gigcity.t("offline_note");
  function showSignal() {
    note.hidden = navigator.onLine;
  }
  showSignal();
  const topbar = document.querySelector(".topbar");
  if (topbar) topbar.append(note);
  window.addEventListener("online", showSignal);
  window.addEventListener("offline", showSignal);

  if (!("serviceWorker" in navigator)) return;

  function apiUrl(url) {
    return new URL(url).pathname.startsWith("/api/");
  }

  window.addEventListener("load", async () => {
    try {
      await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      const registration = await navigator.serviceWorker.ready;
      // This page itself, when the worker did not serve it (kept if it is a page kept offline).
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: "keep-page", url: location.href });
      }
      /* Answers the worker did not see (the first visit runs before it does): it fetches
         them again and keeps the public map data among them, so one visit is enough. */
      new PerformanceObserver((list) => {
        const urls = list
          .getEntries()
          .filter((entry) => entry.workerStart === 0 && apiUrl(entry.name))
          .map((entry) => entry.name);
        if (urls.length && registration.active) registration.active.postMessage({ type: "keep-data", urls: urls });
      }).observe({ type: "resource", buffered: true });
    } catch (err) {
      console.warn("gigcity: no offline use", err);
    }
  });

  /* Reports kept offline go when the signal returns, from whichever page is open (the
     report page does it itself, and shows how they went). */
  if (window.gigcityQueue && document.body.dataset.page !== "report") {
    window.addEventListener("online", () => {
      window.gigcityQueue.flush({ token: () => window.gigcity.auth.token() }).catch(console.warn);
    });
  }
})();

/* Every page, for people signed in: the menu's "Get notices on this phone" switch. It asks
   the browser's permission, subscribes with the installation's VAPID key
   (GET /api/notify/push-key) and hands the subscription to the server
   (POST /api/notify/subscriptions); switched off, it unsubscribes here and there. The
   service worker shows the notices (sw.js, "push"). Hidden where the browser cannot push. */
(function () {
  "use strict";

  const G = window.gigcity;
  const button = document.getElementById("menu-notify");
  if (!button || !G.auth.role()) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;

  function b64ToBytes(text) {
    const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function current() {
    const registration = await navigator.serviceWorker.ready;
    return { registration: registration, subscription: await registration.pushManager.getSubscription() };
  }

  function show(on) {
    button.textContent = G.t(on ? "notify_off" : "notify_on");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.hidden = false;
  }

  async function switchOn() {
    if ((await Notification.requestPermission()) !== "granted") {
      button.textContent = G.t("notify_denied");
      return;
    }
    const { registration } = await current();
    const key = await G.api("/api/notify/push-key", { auth: false });
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: b64ToBytes(key.public_key),
    });
    await G.api("/api/notify/subscriptions", { method: "POST", json: subscription.toJSON() });
    show(true);
  }

  async function switchOff(subscription) {
    await G.api("/api/notify/subscriptions/remove", { method: "POST", json: { endpoint: subscription.endpoint } }).catch(
      () => null // already forgotten by the server: unsubscribing here is what matters
    );
    await subscription.unsubscribe();
    show(false);
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { subscription } = await current();
      if (subscription) await switchOff(subscription);
      else await switchOn();
    } catch (err) {
      console.warn("gigcity: notices", err);
      button.textContent = G.t("notify_failed");
    } finally {
      button.disabled = false;
    }
  });

  current()
    .then(({ subscription }) => show(Boolean(subscription)))
    .catch(() => null);
})();

/* Reports made without signal: kept in IndexedDB (the fields, the photos as Blobs, the
   report's client_key) and sent when the signal returns — by the report page (on load, on the
   `online` event) and by the service worker (Background Sync, where the browser has it).

   Never lost: an item stays until the server answered 2xx, or a 4xx that says the report
   itself is bad (then it is kept as "failed", with the server's message, until the rider
   removes it). Never sent twice: every attempt carries the same client_key (the API files a
   key once); a photo uploaded before the signal dropped is remembered by its id and not
   uploaded again; page and worker take turns (Web Locks), and a sent item is not sent again.

   Loaded by the report page and, with importScripts, by the service worker (no DOM in the
   core); the page part (gigcityQueue.page) draws the count and the outcomes. */
(function (root) {
  "use strict";

  const DB_NAME = "gigcity-offline";
  const STORE = "reports";
  const LOCK = "gigcity-report-queue";
  const SYNC_TAG = "gigcity-reports";
  const THUMB_PX = 240;
  /* The server removes a photo not used in a report after 24 h: one uploaded longer ago than
     this (the signal dropped between photo and report) is uploaded again from the copy kept. */
  const PHOTO_REUSE_MS = 20 * 3600 * 1000;
  /* Answers that say the report (or its photo) is bad: trying again cannot help. Other 4xx
     (401 and 403 until the rider signs in again, 408, 409, 429) and 5xx are tried again. */
  const BAD = new Set([400, 404, 410, 413, 415, 422]);

  let opened = null;
  function database() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "key" });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => {
          opened = null;
          reject(req.error);
        };
      });
    }
    return opened;
  }

  /* Run `work(store)` in one transaction; the result of the request it returns. */
  async function inStore(mode, work) {
    const tx = (await database()).transaction(STORE, mode);
    const req = work(tx.objectStore(STORE));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return req.result;
  }

  const all = () => inStore("readonly", (s) => s.getAll());
  const get = (key) => inStore("readonly", (s) => s.get(key));
  const put = (item) => inStore("readwrite", (s) => s.put(item));
  const remove = (key) => inStore("readwrite", (s) => s.delete(key));

  function withLock(work) {
    const locks = root.navigator && root.navigator.locks;
    return locks ? locks.request(LOCK, work) : work();
  }

  /* The account a token is for: the JWT's subject (read to pick the token, not trusted: the
     server checks). A report goes under the account that made it, never under whoever is
     signed in when the signal returns. */
  function accountOf(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return String(JSON.parse(atob(part)).sub);
    } catch (err) {
      return null;
    }
  }

  function verdict(status) {
    if (status >= 200 && status < 300) return "ok";
    if (BAD.has(status)) return "bad";
    if (status === 401 || status === 403) return "auth";
    return "retry"; // no network (status 0), a busy server, too many reports at once
  }

  /* One POST; {status, data}, status 0 when there is no network. */
  async function post(path, item, token, body, type) {
    const headers = { Accept: "application/json", "Accept-Language": item.lang };
    if (type) headers["Content-Type"] = type;
    if (token) headers.Authorization = "Bearer " + token;
    let response;
    try {
      response = await fetch(path, { method: "POST", headers: headers, body: body, credentials: "same-origin" });
    } catch (err) {
      return { status: 0, data: null };
    }
    const data = await response.json().catch(() => null);
    return { status: response.status, data: data };
  }

  async function settle(item, outcome, answer) {
    if (outcome === "bad") {
      item.status = "failed";
      item.problem = (answer.data && answer.data.detail) || "HTTP " + answer.status;
      await put(item);
    } else if (outcome === "auth" && !item.signIn) {
      item.signIn = true;
      await put(item);
    }
    return outcome;
  }

  /* Photos first (each one once: its id is saved as soon as the server has it, the photo kept
     until the report is filed), then the report with their ids. "sent", "bad", "auth", "retry" or "gone". */
  async function sendOne(key, freshToken) {
    const item = await get(key);
    if (!item || item.status !== "waiting") return "gone";
    // The page's sign-in when it is the same account (a newer token), else the one kept.
    const fresh = freshToken && freshToken();
    if (fresh && fresh !== item.token && accountOf(fresh) === item.account) {
      item.token = fresh;
      item.signIn = false;
      await put(item);
    }
    const token = item.token;
    for (const photo of item.photos) {
      if (photo.id && Date.now() - photo.uploadedAt < PHOTO_REUSE_MS) continue;
      const form = new FormData();
      form.append("file", photo.blob, "photo");
      const answer = await post("/api/reports/photos", item, token, form, null);
      const outcome = verdict(answer.status);
      if (outcome !== "ok") return settle(item, outcome, answer);
      photo.id = answer.data.id;
      photo.uploadedAt = Date.now();
      await put(item); // from now on a retry files the report with this id
    }
    const report = Object.assign({}, item.report, {
      photo_ids: item.report.photo_ids.concat(item.photos.map((p) => p.id)),
    });
    const answer = await post("/api/reports", item, token, JSON.stringify(report), "application/json");
    const outcome = verdict(answer.status);
    if (outcome !== "ok") return settle(item, outcome, answer);
    // Kept (without the photos) until a page has told the rider it went.
    await put({ key: item.key, status: "sent", reportId: answer.data.id, sentAt: Date.now() });
    return "sent";
  }

  /* Send what waits, oldest first; stops at the first one that must wait for the signal (or
     the server); one whose sign-in has expired waits for the rider to sign in again. */
  function flush(options) {
    const freshToken = options && options.token;
    return withLock(async () => {
      const outcome = { sent: 0, failed: 0, retry: false, signIn: false };
      const waiting = (await all()).filter((i) => i.status === "waiting").sort((a, b) => a.createdAt - b.createdAt);
      for (const item of waiting) {
        const result = await sendOne(item.key, freshToken);
        if (result === "sent") outcome.sent += 1;
        else if (result === "bad") outcome.failed += 1;
        else if (result === "auth") outcome.signIn = true; // the next may be another account's
        else if (result === "retry") {
          outcome.retry = true;
          break;
        }
      }
      return outcome;
    });
  }

  /* Keep a report for later: `report` is the API's body (with client_key and the ids of the
     photos uploaded already), `blobs` the photos not uploaded yet. */
  async function keep(report, blobs, token, lang) {
    await put({
      key: report.client_key,
      createdAt: Date.now(),
      status: "waiting",
      report: report,
      photos: blobs.map((blob) => ({ id: null, blob: blob })),
      token: token,
      account: accountOf(token),
      lang: lang,
    });
  }

  /* ---- the report page's part ---- */

  /* A small data: URL of a photo (the page's CSP allows data: images, not blob:). */
  async function thumbnail(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, THUMB_PX / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return canvas.toDataURL("image/jpeg", 0.8);
    } catch (err) {
      return ""; // not an image the browser can draw: the server will say so
    }
  }

  function page(options) {
    const G = root.gigcity;
    const say = options.say;
    const messages = options.messages;
    const box = G.h("div", { id: "queue-status", class: "queue-status", role: "status", "aria-live": "polite", hidden: true });
    options.anchor.after(box);
    let localCount = 0;

    async function show() {
      const items = await all();
      for (const item of items.filter((i) => i.status === "sent").sort((a, b) => a.sentAt - b.sentAt)) {
        messages.say(say("queue_sent", { id: item.reportId }));
        await remove(item.key);
      }
      const waiting = items.filter((i) => i.status === "waiting");
      const failed = items.filter((i) => i.status === "failed");
      box.dataset.waiting = String(waiting.length);
      box.dataset.failed = String(failed.length);
      const lines = [
        waiting.length ? G.h("p", { class: "queue-count", text: say("queue_waiting", { n: waiting.length }) }) : null,
        waiting.some((i) => i.signIn) ? G.h("p", { class: "warning", text: say("queue_sign_in") }) : null,
        failed.map((item) =>
          G.h(
            "p",
            { class: "queue-failed alert", dataset: { key: item.key } },
            G.h("span", { text: say("queue_refused", { detail: item.problem }) + " " }),
            G.h("button", {
              type: "button",
              class: "btn btn-small",
              text: say("queue_discard"),
              onclick: async () => {
                await remove(item.key);
                await show();
              },
            })
          )
        ),
      ];
      box.replaceChildren(...lines.flat().filter(Boolean));
      box.hidden = !waiting.length && !failed.length;
    }

    let running = null;
    /* Send what waits (one run at a time in this page), then show where things stand. */
    function send() {
      if (!running) {
        running = (async () => {
          try {
            if (root.navigator.onLine) await flush({ token: () => G.auth.token() });
          } finally {
            running = null;
          }
          await show();
        })();
      }
      return running;
    }

    root.addEventListener("online", () => send().catch(console.error));
    if (root.navigator.serviceWorker) {
      root.navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "queue-changed") show().catch(console.error);
      });
    }
    send().catch(console.error);

    return {
      /* A photo chosen without signal: kept on the phone, uploaded with the report. */
      async localPhoto(file) {
        localCount += 1;
        return { id: "local-" + localCount, blob: file, thumb_url: await thumbnail(file) };
      },
      /* Whether a report must be kept rather than sent now. */
      mustKeep(photos) {
        return !root.navigator.onLine || photos.some((p) => p.blob);
      },
      /* Keep the report (`body` as for POST /api/reports) with the photos of the form. */
      async keep(body, photos) {
        const uploaded = photos.filter((p) => !p.blob).map((p) => p.id);
        const blobs = photos.filter((p) => p.blob).map((p) => p.blob);
        await keep(Object.assign({}, body, { photo_ids: uploaded }), blobs, G.auth.token(), G.config.htmlLang);
        messages.say(say("queued"));
        if (root.navigator.storage && root.navigator.storage.persist) root.navigator.storage.persist().catch(() => {});
        try {
          const registration = root.navigator.serviceWorker && (await root.navigator.serviceWorker.getRegistration());
          if (registration && registration.sync) await registration.sync.register(SYNC_TAG);
        } catch (err) {
          /* no Background Sync: the page sends it when the signal returns */
        }
        await show();
        if (root.navigator.onLine) send().catch(console.error); // a passing drop: try at once
      },
      send: send,
    };
  }

  root.gigcityQueue = { flush: flush, keep: keep, all: all, remove: remove, page: page, SYNC_TAG: SYNC_TAG };
})(self);

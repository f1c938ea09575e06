// yizhan's service worker: the worker map's shell and assets from the cache, and the last
// answers about stations and check-ups for when there is no network (the page says so and
// works out "open now" itself). Map tiles are left to the browser.
"use strict";
const SHELL = "shell-{{ version|escapejs }}";
const ANSWERS = "answers";
const ASSETS = [{% for url in assets %}"{{ url|escapejs }}", {% endfor %}];
const SAVED = ["/api/v1/stations/nearest/", "/api/v1/checkups/upcoming/"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shell-") && key !== SHELL)
                                      .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;  // tiles: the browser's
  if (SAVED.includes(url.pathname)) event.respondWith(answer(request, url.pathname));
  else if (request.mode === "navigate" && url.pathname === "/") event.respondWith(page(request));
  else if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// The worker map: from the network (kept as the shell), else the shell kept last time.
async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(SHELL)).put("/", response.clone());
    return response;
  } catch (offline) {
    return (await caches.match("/", { cacheName: SHELL })) || Response.error();
  }
}

// An answer from the network, kept as the last one of its kind; offline, the last one kept,
// marked with when it was saved.
async function answer(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const saved = new Response(await response.clone().arrayBuffer(), {
        headers: { "Content-Type": "application/json", "X-Yizhan-Saved-At": new Date().toISOString() },
      });
      (await caches.open(ANSWERS)).put(key, saved);
    }
    return response;
  } catch (offline) {
    return (await caches.match(key, { cacheName: ANSWERS })) || Response.error();
  }
}

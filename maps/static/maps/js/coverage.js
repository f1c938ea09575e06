// While a city's coverage map is computed: ask its job how it goes (never a timed reload of
// the page), and show the map as soon as the job is done.
(function () {
  "use strict";
  const waiting = document.getElementById("computing");
  if (!waiting || !waiting.dataset.job) return;
  const ASK_EVERY_MS = 2000;

  async function ask() {
    try {
      const response = await fetch(waiting.dataset.job, { headers: { Accept: "application/json" } });
      const job = response.ok ? await response.json() : null;
      if (job && job.status === "done") { location.reload(); return; }
      if (job && job.status === "failed") {
        waiting.querySelector(".progress").textContent = waiting.dataset.failed;
        return;
      }
    } catch (failure) {
      // no connection for a moment: ask again
    }
    setTimeout(ask, ASK_EVERY_MS);
  }

  setTimeout(ask, ASK_EVERY_MS);
})();

// A manager's home: "everything is still true" confirms a stale station through the managers'
// API, with the version the page was drawn from (If-Match), so a colleague's change is not
// confirmed unseen; workers' open reports are answered (fixed, not true, station closed).
(function () {
  "use strict";
  const section = document.getElementById("my-stations");
  const texts = JSON.parse(document.getElementById("console-texts").textContent);
  const csrf = section.querySelector("[name=csrfmiddlewaretoken]").value;
  const { request, reasons } = window.yizhan;

  for (const button of section.querySelectorAll("button.verify")) {
    button.addEventListener("click", async () => {
      const item = button.closest("li[data-code]");
      const result = item.querySelector(".result");
      button.disabled = true;
      let answer;
      try {
        answer = await request(`/api/v1/stations/${encodeURIComponent(item.dataset.code)}/verify/`, {
          method: "POST", offline: texts.offline,
          headers: { "If-Match": item.dataset.etag, "X-CSRFToken": csrf },
        });
      } catch (offline) {
        result.className = "result error";
        result.textContent = offline.message;
        button.disabled = false;
        return;
      }
      const { response, body } = answer;
      if (response.ok) {
        item.dataset.etag = response.headers.get("ETag");
        item.querySelector(".needs-check .stale").remove();
        button.remove();
        result.className = "result saved";
        result.textContent = texts.verified;
        return;
      }
      result.className = "result error";
      result.textContent = response.status === 412 ? texts.stale : `${texts.failed} ${reasons(body)}`.trim();
      button.disabled = false;
    });
  }

  for (const button of section.querySelectorAll("button.resolve")) {
    button.addEventListener("click", async () => {
      const block = button.closest(".open-reports");
      const result = block.querySelector(".result");
      let answer;
      try {
        answer = await request(block.dataset.resolve, {
          method: "POST", offline: texts.offline, headers: { "X-CSRFToken": csrf },
          body: { resolution: button.dataset.resolution },
        });
      } catch (offline) {
        result.className = "result error";
        result.textContent = offline.message;
        return;
      }
      result.className = answer.response.ok ? "result saved" : "result error";
      result.textContent = answer.response.ok
        ? texts.resolved : `${texts.failed} ${reasons(answer.body)}`.trim();
      if (answer.response.ok) {
        for (const node of block.querySelectorAll("ul, .actions, p")) node.remove();
      }
    });
  }
})();

// A station's page: one tap tells other workers what is wrong (or that all is well) through the
// public reports API; the notices enough workers have made are shown above the buttons.
(function () {
  "use strict";
  const section = document.getElementById("reports");
  if (!section) return;
  const data = JSON.parse(document.getElementById("station-reports").textContent);
  const { element, request, reasons } = window.yizhan;
  const result = document.getElementById("report-result");
  const notices = document.getElementById("notices");
  const note = section.querySelector("[name=note]");
  const phone = section.querySelector("[name=phone]");

  function say(text, kind) {
    result.textContent = text;
    result.className = `result ${kind}`;
  }

  function show(list) {
    notices.replaceChildren(...list.map((notice) => {
      const item = element("li", "stale", notice.text);
      item.dataset.kind = notice.kind;
      return item;
    }));
  }

  for (const button of section.querySelectorAll("button.report")) {
    button.addEventListener("click", async () => {
      const body = { kind: button.dataset.kind, note: note.value.trim(), phone: phone.value.trim() };
      say(data.texts.sending, "pending");
      let answer;
      try {
        answer = await request(data.url, { method: "POST", body, offline: data.texts.offline });
      } catch (offline) {
        say(offline.message, "error");
        return;
      }
      if (!answer.response.ok || !answer.body) {
        say(`${data.texts.failed} ${reasons(answer.body)}`.trim(), "error");
        return;
      }
      show(answer.body.notices);
      say(answer.body.message, "saved");
      note.value = "";
    });
  }
})();

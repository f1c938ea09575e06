// What the pages' scripts share.
window.yizhan = {
  // The page's language, sent to the API as Accept-Language.
  language: document.documentElement.lang || "zh-hans",

  element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  },

  // For the few places that only take HTML (Leaflet's layer control).
  escapeHtml(value) {
    const replacements = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
    return String(value).replace(/[&<>"']/g, (c) => replacements[c]);
  },

  // A map popup from plain texts: a bold title and one line per other text, set as text
  // (never parsed as HTML, whatever the data holds).
  popup(title, ...lines) {
    const { element } = window.yizhan;
    const content = element("div");
    content.append(element("strong", null, title));
    for (const line of lines) content.append(element("div", null, line));
    return content;
  },

  // The badge of an invented (demo) station, event or place.
  demoBadge() {
    const label = JSON.parse(document.getElementById("demo-label").textContent);
    return window.yizhan.element("span", "demo-badge", label);
  },

  // A request to the API in the page's language; a write declares JSON (the API takes no
  // other body), with ``body`` as its JSON if given. Resolves to
  // {response, body}, body null when the answer is not JSON (a proxy's error page); rejects
  // with an Error whose message is ``offline`` when the network cannot be reached.
  async request(url, { method = "GET", body, headers = {}, offline = "" } = {}) {
    const sent = { "Accept-Language": window.yizhan.language, ...headers };
    if (method !== "GET") sent["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {
        method, credentials: "same-origin", headers: sent,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (unreachable) {
      throw new Error(offline);
    }
    let answer = null;
    try { answer = await response.json(); } catch (notJson) { /* a proxy's error page */ }
    return { response, body: answer };
  },

  // The reasons an API refusal gives, as one text ("" when it gives none).
  reasons(body) {
    return body && body.errors ? Object.values(body.errors).flat().join(" ") : "";
  },

  distance(metres) {
    return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
  },
};

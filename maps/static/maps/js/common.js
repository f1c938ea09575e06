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

  distance(metres) {
    return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
  },
};

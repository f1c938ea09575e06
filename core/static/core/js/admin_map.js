// Starts GeoDjango's map widget for each map field of an admin form, from the options the
// widget's template put in a data attribute (Django's own template does it in an inline
// script, which yizhan's Content-Security-Policy does not run).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const wrapper of document.querySelectorAll(".dj_map_wrapper[data-map-options]")) {
    new MapWidget(JSON.parse(wrapper.dataset.mapOptions));
  }
});

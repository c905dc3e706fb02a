// Tells the server the browser's time zone once, so pages can show times in the viewer's zone.
(function () {
  "use strict";
  var name;
  try {
    name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!name) return;
  var current = document.cookie.split("; ").find(function (c) { return c.indexOf("plenary_tz=") === 0; });
  if (current === "plenary_tz=" + encodeURIComponent(name)) return;
  document.cookie = "plenary_tz=" + encodeURIComponent(name) + "; path=/; max-age=31536000; samesite=lax";
  // Re-render once so that the first page already shows the viewer's times.
  if (document.querySelector("[data-viewer-times]") && !current) {
    window.location.reload();
  }
})();

// The e-service's only script.  The Content-Security-Policy allows scripts from Lika's
// static files only: no inline <script>, no on*= attributes (docs/security.md).
(function () {
  "use strict";

  // "Lämna sidan snabbt": end the session (a beacon to the server) and replace this page
  // with a neutral one, so that no history entry is added and the back button does not
  // show the e-service.  Without JavaScript the form still ends the session.
  document.querySelectorAll("form[data-quick-exit]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      try {
        navigator.sendBeacon(form.action, new FormData(form));
      } catch (e) { /* the page is left anyway */ }
      window.location.replace(form.getAttribute("data-quick-exit"));
    });
  });

  // A button that asks before it sends its form (data-confirm holds the question).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
}());

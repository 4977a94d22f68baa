// Lika's only script.  The Content-Security-Policy allows scripts from Lika's static files
// only: no inline <script> and no on*= attributes in the pages (docs/security.md).  Each
// behaviour is switched on by a data- attribute in the page.
(function () {
  "use strict";

  // "Lämna sidan snabbt" (the violence support page): leave without leaving this page in
  // the history, so that the back button does not bring it back.
  document.querySelectorAll("a[data-quick-exit]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
    });
  });

  // A form that sends itself after data-auto-submit milliseconds (the payment run is
  // prepared a batch per request; the page continues by itself).
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    var delay = parseInt(form.getAttribute("data-auto-submit"), 10) || 0;
    window.setTimeout(function () { form.submit(); }, delay);
  });
}());

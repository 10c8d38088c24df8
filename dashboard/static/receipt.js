// The receipt's "Cetak" button (no inline script: the CSP allows only this origin's files).
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

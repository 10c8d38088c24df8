// Shift handover page: the print button, and a quiet refresh of the running shift's
// report every minute while nobody is typing a note (the page is computed up to now).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

const live = document.querySelector("[data-live-refresh]");
if (live) {
  const seconds = Number(live.getAttribute("data-live-refresh")) || 60;
  window.setInterval(() => {
    const note = document.getElementById("catatan-baru");
    const typing = note && (note.value.trim() !== "" || document.activeElement === note);
    if (!typing && document.visibilityState === "visible") window.location.reload();
  }, seconds * 1000);
}

// Matchmaker's own script: small progressive enhancements. No inline scripts anywhere (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons and links with data-confirm ask before acting.
  document.body.addEventListener("click", (event) => {
    const target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
});

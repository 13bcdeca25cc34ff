// Small behaviours without inline script (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so keyboard and screen-reader users hear what to correct.
  const summary = document.querySelector(".vv-error-summary");
  if (summary) summary.focus();
  // Buttons that ask before an irreversible step: <button data-confirm="…">.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});

// Matchmaker's own script: small progressive enhancements. No inline scripts anywhere (CSP).
(() => {
  "use strict";

  // --- Failed htmx requests: one handler for the whole site ----------------------------------
  // A form the server refuses answers 422 with itself and its errors (swapped in, often
  // retargeted over the form by HX-Retarget). Any other failure (403, 404, 500, a network
  // error) shows the server's message in a box right after the control that made the request.
  const ERROR_BOX = "request-error";

  function controlOf(elt) {
    return (elt && (elt.closest("form") || elt)) || null;
  }

  function clearRequestError(elt) {
    const control = controlOf(elt);
    const box = control && control.nextElementSibling;
    if (box && box.classList.contains(ERROR_BOX)) box.remove();
  }

  function showRequestError(elt, text) {
    const control = controlOf(elt);
    if (!control || !control.isConnected) return;
    let box = control.nextElementSibling;
    if (!box || !box.classList.contains(ERROR_BOX)) {
      box = document.createElement("p");
      box.className = `${ERROR_BOX} error`;
      box.setAttribute("role", "alert");
      control.after(box);
    }
    box.textContent = text;
  }

  // What the server said: a plain-text body as it is, an HTML page's .error-message (the 403
  // and 404 pages) or its heading; else the status.
  function serverMessage(xhr) {
    const type = xhr.getResponseHeader("Content-Type") || "";
    const body = (xhr.responseText || "").trim();
    if (type.startsWith("text/plain") && body) return body.slice(0, 400);
    if (type.startsWith("text/html") && body) {
      const doc = new DOMParser().parseFromString(body, "text/html");
      const found = doc.querySelector(".error-message") || doc.querySelector("main h1");
      if (found && found.textContent.trim()) return found.textContent.trim();
    }
    return `The server answered ${xhr.status}: nothing was changed.`;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", (event) => {
    showRequestError(event.detail.requestConfig?.elt || event.detail.elt, serverMessage(event.detail.xhr));
  });

  document.addEventListener("htmx:sendError", (event) => {
    showRequestError(
      event.detail.requestConfig?.elt || event.detail.elt,
      "No answer from the server (connection lost?): nothing was changed. Try again.",
    );
  });

  document.addEventListener("htmx:beforeRequest", (event) => clearRequestError(event.detail.elt));

  // --- Copy buttons: data-copy-target names the element whose text is copied ----------------
  async function copyText(button) {
    const source = document.getElementById(button.dataset.copyTarget);
    const status = button.parentElement.querySelector("[data-copy-status]");
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = "Copied.";
    } catch {
      // No clipboard access (an insecure origin, a refused permission): select it instead.
      const range = document.createRange();
      range.selectNodeContents(source);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      if (status) status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.body.addEventListener("click", (event) => {
      const button = event.target.closest("[data-copy-target]");
      if (button) copyText(button);
    });

    // Buttons and links with data-confirm ask before acting.
    document.body.addEventListener("click", (event) => {
      const target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.dataset.confirm)) {
        event.preventDefault();
        event.stopPropagation();
      }
    });
  });
})();

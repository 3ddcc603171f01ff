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

  // --- Tag inputs: <select multiple data-tag-input> (known values) and <input data-tag-input=free>
  // (free words, comma-separated). The field stays in the form, hidden, and holds the value;
  // the tags and the autocomplete list only edit it. Without JavaScript the field itself shows.
  const MAX_OPTIONS = 8;
  let tagInputs = 0;

  function pickedModel(select) {
    const options = Array.from(select.options).map((o) => ({ value: o.value, label: o.textContent }));
    return {
      options,
      values: () => Array.from(select.selectedOptions).map((o) => o.value),
      labelOf: (value) => (options.find((o) => o.value === value) || { label: value }).label,
      add(value) {
        const option = Array.from(select.options).find((o) => o.value === value);
        if (option) option.selected = true;
        return Boolean(option);
      },
      remove(value) {
        const option = Array.from(select.options).find((o) => o.value === value);
        if (option) option.selected = false;
      },
      free: false,
    };
  }

  function freeModel(input) {
    const list = input.dataset.suggestions && document.getElementById(input.dataset.suggestions);
    const options = list ? Array.from(list.options).map((o) => ({ value: o.value, label: o.value })) : [];
    const values = () => input.value.split(",").map((v) => v.trim()).filter(Boolean);
    const write = (items) => { input.value = items.join(", "); };
    return {
      options,
      values,
      labelOf: (value) => value,
      add(value) {
        const word = value.replace(/,/g, " ").trim();
        if (!word) return false;
        const items = values();
        if (!items.some((v) => v.toLowerCase() === word.toLowerCase())) write([...items, word]);
        return true;
      },
      remove(value) { write(values().filter((v) => v !== value)); },
      free: true,
    };
  }

  // Best matches first: the exact code ("de" -> Germany (DE)), then names starting with the
  // text, then names containing it.
  function matches(model, text) {
    const query = text.trim().toLowerCase();
    const chosen = new Set(model.values());
    const rank = (o) => {
      if (o.value.toLowerCase() === query) return 0;
      if (o.label.toLowerCase().startsWith(query)) return 1;
      return o.label.toLowerCase().includes(query) ? 2 : 3;
    };
    return model.options
      .filter((o) => !chosen.has(o.value) && (!query || rank(o) < 3))
      .sort((a, b) => rank(a) - rank(b))
      .slice(0, MAX_OPTIONS);
  }

  function tagInput(field) {
    const model = field.tagName === "SELECT" ? pickedModel(field) : freeModel(field);
    const id = `tag-input-${++tagInputs}`;
    const box = document.createElement("div");
    box.className = "tag-input";
    const tags = document.createElement("ul");
    tags.className = "tag-list";
    tags.setAttribute("aria-label", "Chosen");
    const entry = document.createElement("input");
    entry.type = "text";
    entry.className = "tag-entry";
    entry.id = field.id ? `${field.id}_entry` : `${id}-entry`;
    entry.placeholder = field.dataset.placeholder || "";
    entry.autocomplete = "off";
    entry.setAttribute("role", "combobox");
    entry.setAttribute("aria-autocomplete", "list");
    entry.setAttribute("aria-expanded", "false");
    entry.setAttribute("aria-controls", `${id}-options`);
    const described = field.getAttribute("aria-describedby");
    if (described) entry.setAttribute("aria-describedby", described);
    const list = document.createElement("ul");
    list.className = "tag-options";
    list.id = `${id}-options`;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.append(tags, entry, list);
    field.after(box);
    field.hidden = true;
    if (field.id) {
      document.querySelectorAll(`label[for="${field.id}"]`).forEach((label) => { label.htmlFor = entry.id; });
    }
    let shown = [];
    let active = -1;

    function renderTags() {
      tags.replaceChildren(...model.values().map((value) => {
        const item = document.createElement("li");
        item.className = "tag";
        const text = document.createElement("span");
        text.textContent = model.labelOf(value);
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "tag-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove ${model.labelOf(value)}`);
        remove.addEventListener("click", () => { model.remove(value); changed(); entry.focus(); });
        item.append(text, remove);
        return item;
      }));
    }

    function renderOptions() {
      shown = entry.value.trim() || document.activeElement === entry ? matches(model, entry.value) : [];
      list.replaceChildren(...shown.map((option, index) => {
        const item = document.createElement("li");
        item.id = `${id}-option-${index}`;
        item.className = "tag-option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", index === active ? "true" : "false");
        item.textContent = option.label;
        item.addEventListener("mousedown", (event) => { event.preventDefault(); pick(option.value); });
        return item;
      }));
      list.hidden = shown.length === 0;
      entry.setAttribute("aria-expanded", shown.length ? "true" : "false");
      if (active >= 0 && shown[active]) entry.setAttribute("aria-activedescendant", `${id}-option-${active}`);
      else entry.removeAttribute("aria-activedescendant");
    }

    function changed() {
      field.dispatchEvent(new Event("change", { bubbles: true }));
      renderTags();
      renderOptions();
    }

    function pick(value) {
      if (model.add(value)) {
        entry.value = "";
        active = -1;
        changed();
      }
    }

    entry.addEventListener("input", () => { active = -1; renderOptions(); });
    entry.addEventListener("focus", renderOptions);
    entry.addEventListener("blur", () => {
      if (model.free && entry.value.trim()) pick(entry.value);
      list.hidden = true;
      entry.setAttribute("aria-expanded", "false");
    });
    entry.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!shown.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + shown.length) % shown.length;
        renderOptions();
      } else if (event.key === "Enter" || (model.free && event.key === ",")) {
        const option = shown[active] || (!model.free && shown[0]);
        if (option || (model.free && entry.value.trim())) {
          event.preventDefault();  // a pick, not the form's submit
          pick(option ? option.value : entry.value);
        }
      } else if (event.key === "Backspace" && !entry.value) {
        const values = model.values();
        if (values.length) { model.remove(values[values.length - 1]); changed(); }
      } else if (event.key === "Escape") {
        list.hidden = true;
        entry.setAttribute("aria-expanded", "false");
      }
    });
    renderTags();
  }

  // A new campaign's brand select: choosing another brand before typing anything reloads the
  // form with that brand's targeting defaults (?brand=).
  function brandPrefill(select) {
    const form = select.form;
    let touched = false;
    form.addEventListener("input", (event) => { if (event.target !== select) touched = true; });
    select.addEventListener("change", () => {
      if (touched || !select.value) return;
      const url = new URL(window.location.href);
      url.searchParams.set("brand", select.value);
      window.location.assign(url);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-tag-input]").forEach(tagInput);
    document.querySelectorAll("select[data-brand-prefill]").forEach(brandPrefill);

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

// Keyboard-first forms: Enter in a text field moves to the next field instead of submitting
// half a form; Ctrl+Enter (or the button) submits. Officers key in batches all day.
document.addEventListener("keydown", function (e) {
  const t = e.target;
  if (e.key !== "Enter" || !t.form || t.tagName !== "INPUT" || t.type === "submit" || t.type === "search") return;
  if (t.form.dataset.enterSubmits !== undefined) return;
  if (e.ctrlKey || e.metaKey) { t.form.requestSubmit(); e.preventDefault(); return; }
  const fields = Array.from(t.form.querySelectorAll("input:not([type=hidden]):not([disabled]), select, textarea, button[type=submit]"));
  const next = fields[fields.indexOf(t) + 1];
  if (next) { next.focus(); if (next.select) next.select(); e.preventDefault(); }
});

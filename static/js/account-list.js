// The account list's bulk actions: the box in the table's heading ticks (or unticks) every
// account on the page, and shows as mixed when only some are. Without JavaScript each row's
// box is ticked by hand; the action bar posts as a plain form.
document.addEventListener("change", (event) => {
  const box = event.target;
  const form = box.closest("#bulk-form");
  if (!form) return;
  const rows = [...form.querySelectorAll('input[name="accounts"]')];
  const all = form.querySelector("[data-bulk-all]");
  if (box === all) {
    rows.forEach((row) => { row.checked = all.checked; });
  } else if (all && rows.includes(box)) {
    const ticked = rows.filter((row) => row.checked).length;
    all.checked = ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
  }
});

// Export downloads a file, which htmx would swap into the list: the button posts the accounts
// ticked through a plain form of its own (a copy of the hidden #bulk-export, so that the next
// export is not taken for a second submit of the first). Without JavaScript the bar's form
// posts itself.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-bulk-export]");
  if (!button || !button.form) return;
  event.preventDefault();
  const form = document.querySelector("[data-bulk-export-form]").cloneNode(true);
  form.removeAttribute("id");
  for (const box of button.form.querySelectorAll('input[name="accounts"]:checked')) {
    const chosen = document.createElement("input");
    chosen.type = "hidden";
    chosen.name = "accounts";
    chosen.value = box.value;
    form.append(chosen);
  }
  document.body.append(form);
  form.requestSubmit();
  setTimeout(() => form.remove(), 1000);
});

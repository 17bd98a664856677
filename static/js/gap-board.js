// Drag a gap card to another column of the board: the card's own Move form is submitted with
// that column chosen, and the board comes back re-rendered in place (the form's button does the
// same without a mouse).
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest && event.target.closest(".gap-card[draggable=true]");
  if (card) {
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
  }
});

function columnOf(event) {
  return event.target.closest && event.target.closest(".gap-column");
}

document.addEventListener("dragover", (event) => {
  const column = columnOf(event);
  if (column) {
    event.preventDefault();
    column.classList.add("drop-target");
  }
});

document.addEventListener("dragleave", (event) => {
  const column = columnOf(event);
  if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
});

document.addEventListener("drop", (event) => {
  const column = columnOf(event);
  if (!column) return;
  event.preventDefault();
  column.classList.remove("drop-target");
  const card = document.getElementById(event.dataTransfer.getData("text/plain"));
  if (!card || card.closest(".gap-column") === column) return;
  const form = card.querySelector("form");
  const choice = form && form.elements.namedItem("to");
  if (!choice) return;
  choice.value = column.dataset.state;
  if (choice.value === column.dataset.state) form.requestSubmit();
});

// Drag a gap card to another column of the board: the move is posted with htmx, and the
// board comes back re-rendered in place (the card's Move button does the same without a mouse).
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest && event.target.closest(".gap-card[data-move-url]");
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
  htmx.ajax("POST", card.dataset.moveUrl, {
    source: card,
    target: "#gap-board",
    swap: "outerHTML",
    values: { to: column.dataset.state, from: "board" },
  });
});

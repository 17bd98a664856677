// htmx sends a state-changing request only for a <form> the app drew, to the address that form
// names, with the CSRF token that form carries as its own input. Markup that came from user
// text (were it ever to reach a page unescaped) can neither borrow the viewer's token from the
// page nor post anywhere on its own: the request is cancelled before it leaves.
document.addEventListener("htmx:configRequest", (event) => {
  const { elt, verb, path } = event.detail;
  if (verb === "get") return;
  const form = elt instanceof HTMLFormElement ? elt : null;
  const token = form && form.elements.namedItem("csrfmiddlewaretoken");
  const declared = form && form.getAttribute(`hx-${verb}`);
  if (!token || token.form !== form || declared !== path) event.preventDefault();
});

// An edit refused because someone else saved first answers 409 with the form as it now stands
// and a note of who changed what, and input refused answers 422 with the form and its field
// errors: htmx shows either in place, as it shows any other answer.
document.addEventListener("htmx:beforeSwap", (event) => {
  if ([409, 422].includes(event.detail.xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A form posted without htmx (htmx's have hx-disabled-elt) is sent once: a second submit while
// the next page loads is ignored, and the form's submit buttons are disabled just after the
// submit, so that the clicked one's name and value (action=create) still go with the form. A
// page the browser brings back from its back-forward cache can be sent again.
const SUBMIT_BUTTONS = "button:not([type]), button[type=submit], input[type=submit]";

function setSending(form, sending) {
  form.toggleAttribute("data-sending", sending);
  for (const button of form.querySelectorAll(SUBMIT_BUTTONS)) button.disabled = sending;
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method !== "post") return;
  if (form.hasAttribute("data-sending")) {
    event.preventDefault();
    return;
  }
  form.toggleAttribute("data-sending", true);
  setTimeout(() => setSending(form, true));
});

window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-sending]")) setSending(form, false);
});

// The navigation bar's search: the arrow keys move from the box through its top results and
// back, Escape closes them (and a click elsewhere). Enter in the box submits its form: all results.
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("nav-search");
  const menu = document.getElementById("search-suggestions");
  if (!box || !menu || !box.form.contains(event.target)) return;
  const links = [...menu.querySelectorAll("a")];
  const at = links.indexOf(document.activeElement);
  if (event.key === "Escape") {
    menu.replaceChildren();
    box.focus();
  } else if (event.key === "ArrowDown" && links.length) {
    links[Math.min(at + 1, links.length - 1)].focus();
  } else if (event.key === "ArrowUp" && at >= 0) {
    (at === 0 ? box : links[at - 1]).focus();
  } else {
    return;
  }
  event.preventDefault();
});

document.addEventListener("click", (event) => {
  const menu = document.getElementById("search-suggestions");
  if (menu && !menu.closest("form").contains(event.target)) menu.replaceChildren();
});

// A list of what is still to do (My day's tasks, data-open-only): a task row that comes back
// done, snoozed or dismissed leaves the list instead of staying in it, and the list's empty
// note shows once its last row has left.
document.addEventListener("htmx:beforeSwap", (event) => {
  const { target, xhr } = event.detail;
  const list = target.closest("[data-open-only]");
  if (!list || xhr.status !== 200 || !event.detail.shouldSwap) return;
  const answer = document.createElement("template");
  answer.innerHTML = event.detail.serverResponse;
  const row = answer.content.querySelector(".task-row");
  if (!row || row.classList.contains("task-open")) return;
  event.detail.shouldSwap = false;
  target.remove();
  if (!list.querySelector(".task-row")) {
    list.hidden = true;
    const note = document.getElementById(list.dataset.openOnly);
    if (note) note.hidden = false;
  }
});

// The quadrant board names the dot under the pointer or the keyboard's focus beside it, towards
// the middle of the board ("Name · happiness · margin %", as its title says): the label is drawn
// from the link's title when a dot is first pointed at or focused, not sent with every dot.
const SVG = "http://www.w3.org/2000/svg";
const BOARD_TITLE = /^(.*): happiness (\S+), margin (\S+) %,/s;

function boardTip(event) {
  const link = event.target instanceof Element && event.target.closest("a.board-link");
  if (!link || link.querySelector(".board-tip")) return;
  const hit = link.querySelector(".board-hit");
  const named = BOARD_TITLE.exec(link.querySelector("title")?.textContent ?? "");
  if (!hit || !named) return;
  const [cx, cy, r] = ["cx", "cy", "r"].map((name) => Number(hit.getAttribute(name)));
  const towardsLeft = cx > link.ownerSVGElement.viewBox.baseVal.width / 2;
  const tip = document.createElementNS(SVG, "text");
  tip.setAttribute("class", "board-tip");
  tip.setAttribute("x", String(towardsLeft ? cx - r - 4 : cx + r + 4));
  tip.setAttribute("y", String(cy));
  tip.setAttribute("dy", "4");
  tip.setAttribute("text-anchor", towardsLeft ? "end" : "start");
  tip.setAttribute("aria-hidden", "true");
  tip.textContent = `${named[1]} · ${named[2]} · ${named[3]} %`;
  link.append(tip);
}

document.addEventListener("mouseover", boardTip);
document.addEventListener("focusin", boardTip);

// One open question at a time (the screening's `open_questions`, most useful first): the page's #asking card
// shows the first one the reader may answer that was not skipped, with a control for its answer type; an answer
// or a skip is handed back to the page, which screens again and calls `ask` with the new questions.
import { clear, format, t } from "./api.js";

const card = document.getElementById("asking");
const form = document.getElementById("question-form");
const controls = form.querySelector(".answer-controls");

/** The first question the reader answers here that is not in `skipped`, or undefined. */
export function nextQuestion(questions, skipped) {
  return questions.find((question) => question.answerable && !skipped.has(question.fact));
}

function choice(name, value, label, type = "radio") {
  const wrapper = document.createElement("div");
  wrapper.className = "field check";
  const input = document.createElement("input");
  input.type = type;
  input.name = name;
  input.value = value;
  input.id = `a-${name}-${(value || "none").replace(/\W/g, "-")}`;
  const text = document.createElement("label");
  text.htmlFor = input.id;
  text.textContent = label;
  wrapper.append(input, text);
  return wrapper;
}

function oneTap(value, label) {
  const button = document.createElement("button");
  button.type = "submit";
  button.name = "pick";
  button.value = value;
  button.className = "choice";
  button.textContent = label;
  return button;
}

function input(question) {
  const field = document.createElement("div");
  field.className = "field with-unit";
  const box = document.createElement("input");
  box.name = "value";
  box.id = "a-value";
  box.required = true;
  box.setAttribute("aria-label", question.label);
  if (question.type === "date") box.type = "date";
  else if (question.type === "integer") Object.assign(box, { type: "number", min: "0", step: "1", inputMode: "numeric" });
  else if (question.type === "money" || question.type === "rate") Object.assign(box, { type: "text", inputMode: "decimal" });
  else Object.assign(box, { type: "text", maxLength: 60 });
  field.append(box);
  const unit = { money: t.yuan, rate: "%" }[question.type];
  if (unit) {
    const after = document.createElement("span");
    after.className = "unit";
    after.textContent = unit;
    field.append(after);
  }
  return field;
}

/** The controls of an answer type: one tap for yes/no and a short choice, boxes to tick, or a field to type. */
function controlsFor(question) {
  if (question.type === "yes_no" || question.type === "section") {
    return [oneTap("yes", t.yes), oneTap("no", t.no)];
  }
  if (question.type === "choice") return question.choices.map((c) => oneTap(c.value, c.label));
  if (["choices", "flags", "registers"].includes(question.type)) {
    const boxes = question.choices.map((c) => choice("value", c.value, c.label, "checkbox"));
    const group = document.createElement("div");
    group.className = "checks";
    group.append(...boxes);
    return [group];
  }
  return [input(question)];
}

/** The answer the form holds, as the API takes it (yes/no as true/false; ticked boxes as a list). */
function answerOf(question, data, submitter) {
  if (question.type === "yes_no" || question.type === "section") return submitter?.value === "yes";
  if (question.type === "choice") return submitter?.value ?? null;
  if (["choices", "flags", "registers"].includes(question.type)) return data.getAll("value");
  return data.get("value");
}

let current = null;
let handlers = {};

/** Show `question` (number `n`) in the card, or the "nothing more to ask" note when there is none. `onAnswer`
 *  (question, value) and `onSkip(question)` return promises; the card is busy until they settle. */
export function ask(question, n, { onAnswer, onSkip }) {
  handlers = { onAnswer, onSkip };
  current = question;
  clear(form);
  document.getElementById("settled").hidden = Boolean(question);
  card.hidden = !question;
  if (!question) return;
  card.querySelector(".progress").textContent = format(t.questionNumber, { n });
  form.dataset.fact = question.fact;
  form.querySelector(".question-text").textContent = question.question;
  form.querySelector(".help").textContent = question.help;
  const names = question.programs.map((p) => p.name).join(t.listSeparator);
  form.querySelector(".stake").textContent = format(t.helpsSettle, { programs: names });
  controls.replaceChildren(...controlsFor(question));
  form.querySelector(".confirm").hidden = ["yes_no", "section", "choice"].includes(question.type);
  (controls.querySelector("input, button") || form).focus();
}

async function busy(work) {
  const buttons = form.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  try {
    await work();
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!current) return;
  const value = answerOf(current, new FormData(form), event.submitter);
  busy(() => handlers.onAnswer(current, value));
});

form.querySelector(".skip-question").addEventListener("click", () => {
  if (current) busy(() => handlers.onSkip(current));
});

/** Put an API error about the answer on the card (the answers' errors come back keyed by row and field). */
export function answerError(messages) {
  const note = document.createElement("p");
  note.className = "message error";
  note.setAttribute("role", "alert");
  note.textContent = messages.join(" ");
  form.querySelector("[data-messages]").replaceChildren(note);
  form.querySelector("[data-messages]").focus();
}

/** Every message of an error body's fields, flattened (``{"answers": {"3": {"value": [...]}}}`` included). */
export function messagesOf(fields) {
  const found = [];
  const walk = (node) => {
    if (typeof node === "string") found.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") Object.values(node).forEach(walk);
  };
  walk(fields);
  return found;
}

// The anonymous adaptive screener: city, birth date and what one does now make the first facts document
// (docs/facts.md); then POST /screen/answers/ with the answers so far screens it and names the open questions,
// and the first one not skipped is asked, one at a time, until none is left. Nothing is stored anywhere.
import { ApiError, api, format, onSubmit, say, t } from "./api.js";
import { answerError, ask, messagesOf, nextQuestion } from "./questions.js";
import { showResults } from "./results.js";
import { today } from "./ui.js";

const start = document.getElementById("start-form");
const restartLine = document.getElementById("restart-line");
let state = null; // {facts, answers: [{fact, value}], skipped: Set, asked: [fact]}

/** The first facts: the city, the birth date and the current work (a public-welfare post is a job). */
function firstFacts(data) {
  const situation = data.get("situation");
  const spell = situation === "public_welfare_post"
    ? { status: "employed", employer_kind: "public_welfare_post" }
    : { status: situation };
  if (data.get("since")) spell.from = data.get("since");
  return {
    as_of: today(),
    city: data.get("city"),
    subject: "person",
    person: { birth_date: data.get("birth_date"), employment: [spell] },
  };
}

async function screenAgain() {
  const answer = await api("screen/answers/", { method: "POST", json: { facts: state.facts, answers: state.answers } });
  showResults(answer.results);
  const question = nextQuestion(answer.open_questions, state.skipped);
  ask(question, state.asked.length + 1, { onAnswer, onSkip });
  restartLine.hidden = false;
  document.getElementById("undo").hidden = state.asked.length === 0;
  const counts = { yes: 0, no: 0, unknown: 0 };
  for (const r of answer.results) counts[{ true: "yes", false: "no" }[r.eligible] ?? "unknown"] += 1;
  say(format(t.screened, counts), "info");
}

async function onAnswer(question, value) {
  state.answers.push({ fact: question.fact, value });
  state.asked.push(question.fact);
  try {
    await screenAgain();
  } catch (error) {
    state.answers.pop(); // refused: the answer is not kept, the question stays
    state.asked.pop();
    if (!(error instanceof ApiError)) throw error;
    answerError(messagesOf(error.fields).length ? messagesOf(error.fields) : [error.message]);
  }
}

async function onSkip(question) {
  state.skipped.add(question.fact);
  state.asked.push(question.fact);
  await screenAgain();
}

onSubmit(start, async (data) => {
  if (!data.get("birth_date")) return say(t.birthDateNeeded, "error");
  if (!data.get("situation")) return say(t.situationNeeded, "error");
  state = { facts: firstFacts(data), answers: [], skipped: new Set(), asked: [] };
  await screenAgain();
  start.hidden = true;
});

document.getElementById("restart").addEventListener("click", () => {
  state = null;
  start.hidden = false;
  for (const id of ["asking", "settled", "results"]) document.getElementById(id).hidden = true;
  restartLine.hidden = true;
  start.querySelector("select, input").focus();
});

document.getElementById("undo").addEventListener("click", async () => {
  const last = state.asked.pop();
  if (last === undefined) return;
  state.skipped.delete(last);
  state.answers = state.answers.filter((answer) => answer.fact !== last);
  await screenAgain();
});

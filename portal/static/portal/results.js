// The screening answer (POST /screen/, GET /me/programs/): each program in its group (likely, facts missing,
// not on these facts) with its amount and its reasons, condition by condition, with their clauses.
import { format, t } from "./api.js";
import { fromTemplate, money } from "./ui.js";

const GROUP = { true: "yes", false: "no", null: "unknown" };
const MARK = { true: "✓", false: "✗", null: "?" };
const STATE = { true: "met", false: "notMet", null: "unknown" };

function reason(item) {
  const met = item.met ?? null;
  const node = fromTemplate("tpl-reason", {
    ".mark": MARK[met],
    ".state": t[STATE[met]],
    ".label": item.label,
    ".clause": item.clause ? format(t.clause, { clause: item.clause }) : "",
    ".detail": item.detail,
  });
  node.className = `met-${GROUP[met]}`;
  return node;
}

function card(result, group, actions) {
  const verdict = { yes: t.verdictYes, no: t.verdictNo, unknown: t.verdictUnknown }[group];
  const node = fromTemplate("tpl-result", {
    ".verdict": verdict,
    ".name": result.name,
    ".amount": [
      result.amount_is_loan_ceiling && result.amount_cny ? `${t.loanCeiling} ${money(result.amount_cny)}` : money(result.amount_cny, result.period),
      result.interest_subsidy_cny ? `${t.interestSubsidy} ${money(result.interest_subsidy_cny, "year")}` : "",
    ].filter(Boolean).join(" · "),
    ".periods": result.max_periods && result.period !== "once" ? format(t.atMost, { n: result.max_periods }) : "",
    ".note": result.note,
  });
  node.classList.add(`result-${group}`);
  node.dataset.program = result.program;
  node.open = group === "yes";
  node.querySelector(".reasons").append(...result.reasons.map(reason));
  const more = actions?.(result, group);
  if (more) node.querySelector(".result-actions").append(more);
  return node;
}

/** Fill the page's #results; `actions(result, group)` may return a node to add to a program (e.g. "Apply"). */
export function showResults(results, { actions } = {}) {
  const container = document.getElementById("results");
  const counts = { yes: 0, unknown: 0, no: 0 };
  for (const group of Object.keys(counts)) {
    const items = results.filter((r) => GROUP[r.eligible ?? null] === group);
    counts[group] = items.length;
    const section = container.querySelector(`[data-group="${group}"]`);
    section.querySelector(".count").textContent = `(${items.length})`;
    section.querySelector(".list").replaceChildren(...items.map((r) => card(r, group, actions)));
  }
  container.hidden = false;
  return format(t.screened, counts);
}

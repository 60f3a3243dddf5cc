// A new bank account waiting for the code sent by SMS to the phone on file before the change (the include
// portal/_account_change.html): where it stands, the masked accounts, where the code went and how long it holds;
// the code typed in (a wrong one is counted: after five, staff confirm it), or a new code asked for.
import { ApiError, api, attempt, format, onSubmit, say, t } from "./api.js";
import { status, when } from "./ui.js";

const form = document.getElementById("code-form");
let current = null;

function note(change) {
  if (change.status === "confirmed") return t.accountConfirmed;
  if (change.status === "reverted") return t.accountReverted;
  if (!change.sms_sent_at) return t.noCode;
  if (!change.may_confirm_by_code) return t.codeLocked;
  if (change.code_expired) return t.codeExpired;
  return format(t.codeSent, { phone: change.code_sent_to, date: when(change.code_expires_at), left: change.attempts_left });
}

/** Show `change` (an account change of /me/); the code form only while a code can still be typed. */
export function showAccountChange(change) {
  current = change;
  document.getElementById("account-status").replaceChildren(status(change));
  document.getElementById("account-new").textContent = change.new_account_masked;
  document.getElementById("account-old").textContent = change.old_account_masked || t.none;
  const box = document.getElementById("account-note");
  box.textContent = note(change);
  box.className = change.status === "confirmed" ? "ok-box" : "notice-box";
  box.hidden = false;
  form.hidden = !change.may_confirm_by_code;
}

/** Wire the code form: after each answer (a wrong code too) `refresh()` shows the change as it now stands. */
export function wireAccountCode(refresh) {
  onSubmit(form, async (data) => {
    try {
      await api(`me/account-changes/${current.id}/confirm/`, { method: "POST", json: { code: data.get("code") } });
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) await refresh(); // the tries left, or the lock
      throw error;
    }
    form.reset();
    await refresh();
    say(t.accountConfirmedNow);
  });
  document.getElementById("a-resend").addEventListener("click", () =>
    attempt(form, async () => {
      await api(`me/account-changes/${current.id}/resend/`, { method: "POST" });
      form.reset();
      await refresh();
      say(t.codeResent);
    }),
  );
}

// Registration: a code by SMS to the mobile number, then the account (the browser is signed in) and on to the
// claim page, where the account is linked to the applicant's record.
import { api, attempt, onSubmit, say, t } from "./api.js";

const form = document.getElementById("register-form");

document.getElementById("send-code").addEventListener("click", () =>
  attempt(form, async () => {
    const answer = await api("auth/sms-code/", { method: "POST", json: { phone: form.elements.phone.value } });
    say(answer.detail);
    form.elements.code.focus();
  }),
);

onSubmit(form, async (data) => {
  await api("auth/register/", { method: "POST", json: Object.fromEntries(data) });
  location.assign(t.nextUrl);
});

// Claiming: the applicant's account is linked to their person record (ID number + name, then the code sent to
// the phone on file; or a claim code from the job centre), or asks to act for an employer (pending until a
// caseworker confirms).
import { api, format, onSubmit, run, say, signedIn, t } from "./api.js";
import { showClaims } from "./ui.js";

const forms = Object.fromEntries(
  ["person", "confirm", "code", "organization"].map((name) => [name, document.getElementById(`${name}-form`)]),
);
const post = (path, data) => api(path, { method: "POST", json: Object.fromEntries(data) });

function showProfile(profile) {
  const party = profile.person || profile.organization;
  document.getElementById("linked").hidden = !party;
  document.getElementById("claim-forms").hidden = Boolean(party);
  document.getElementById("linked-name").textContent = party?.name || "";
  showClaims(profile.claims);
}

onSubmit(forms.person, async (data) => {
  say((await post("me/claims/person/", data)).detail);
  forms.confirm.hidden = false;
  forms.confirm.elements.code.focus();
});
onSubmit(forms.confirm, async (data) => {
  await post("me/claims/person/confirm/", data);
  location.assign(t.profileUrl);
});
onSubmit(forms.code, async (data) => {
  await post("me/claims/code/", data);
  location.assign(t.profileUrl);
});
onSubmit(forms.organization, async (data) => {
  const claim = await post("me/claims/organization/", data);
  showProfile(await api("me/profile/"));
  say(format(t.claimSent, { name: claim.organization_name, status: claim.status_label }));
});

run(async () => {
  await signedIn();
  showProfile(await api("me/profile/"));
});

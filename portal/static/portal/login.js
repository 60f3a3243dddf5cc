// Sign-in: a session for the portal's pages, then back to the page that asked for it (a portal page only).
import { api, onSubmit, t } from "./api.js";

function next() {
  const asked = new URLSearchParams(location.search).get("next") || "";
  return asked.startsWith("/portal/") ? asked : t.nextUrl;
}

onSubmit(document.getElementById("login-form"), async (data) => {
  await api("auth/login/", { method: "POST", json: Object.fromEntries(data) });
  location.assign(next());
});

// The portal's one way to the API: fetch with the session cookie, the CSRF token and the page's language; an
// error answer ({code, message, fields}) is shown in the page's message region and beside the fields it names.
// Every word shown comes from the page (#strings, <template>s): this file holds none.

export const t = document.getElementById("strings").dataset;

export function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || "");
    this.status = status;
    this.body = body || {};
  }

  get fields() {
    return this.body.fields || {};
  }
}

function csrfToken() {
  // The cookie when scripts may read it; the token rendered in the page where the cookie is HttpOnly.
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** Call `/api/v1/<path>`; `json` is sent as JSON, `form` (FormData) as multipart. Resolves to the parsed body
 *  (null for 204), rejects with an ApiError. */
export async function api(path, { method = "GET", json, form } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": t.language };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form; // the browser writes the multipart boundary
  }
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    const url = path.startsWith("/") || path.startsWith("http") ? path : `/api/v1/${path}`;
    response = await fetch(url, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { message: t.networkError });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.message ? data : { message: t.serverError });
  return data;
}

/** All the rows of a list endpoint, following its pages. */
export async function rows(path) {
  const all = [];
  for (let next = path; next; ) {
    const data = await api(next);
    if (Array.isArray(data)) return data;
    all.push(...data.results);
    next = data.next;
  }
  return all;
}

let me;

/** The signed-in user (GET /me/), fetched once per page; without a session the browser goes to the sign-in
 *  page and comes back here afterwards. */
export function signedIn() {
  me ??= api("me/").catch((error) => {
    if (error.status === 401 || error.status === 403) {
      const next = encodeURIComponent(location.pathname + location.search);
      location.assign(`${t.loginUrl}?next=${next}`);
      return new Promise(() => {}); // the page is going away
    }
    throw error;
  });
  return me;
}

// --- Messages ---------------------------------------------------------------------------------------------

function region(form) {
  // a form in a dialog has its own region: the page's is inert behind a modal
  return form?.querySelector("[data-messages]") || document.getElementById("messages");
}

/** Show `text` in the page's live region (kind "ok", "error" or "info"), replacing what was there. */
export function say(text, kind = "ok") {
  const item = document.createElement("p");
  item.className = `message ${kind}`;
  item.textContent = text;
  region().replaceChildren(item);
}

export function clear(form) {
  region(form).replaceChildren();
  if (!form) return;
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.startsWith("err-"));
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
  }
}

function labelOf(form, control) {
  const label = control.id && form.querySelector(`label[for="${control.id}"]`);
  return (label?.textContent || control.name).trim();
}

/** Show an error: its message, then each field's messages beside the field (named in the summary too); the
 *  first field in error gets the focus. Errors about no field of `form` are listed in the summary only. */
export function showError(error, form) {
  clear(form);
  const box = document.createElement("div");
  box.classList.add("message", "error");
  box.setAttribute("role", "alert");
  const summary = document.createElement("p");
  summary.textContent = error.message || error.body?.message || t.networkError;
  box.append(summary);
  const list = document.createElement("ul");
  let first = null;
  for (const [field, messages] of Object.entries(error.fields || {})) {
    const text = [messages].flat().map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
    const control = form?.elements?.namedItem(field);
    const item = document.createElement("li");
    if (control && control.nodeType === 1) {
      const note = document.createElement("p");
      note.className = "field-error";
      note.id = `err-${control.id || field}`;
      note.textContent = text;
      control.closest(".field")?.append(note) ?? control.after(note);
      control.setAttribute("aria-invalid", "true");
      const described = control.getAttribute("aria-describedby");
      control.setAttribute("aria-describedby", described ? `${described} ${note.id}` : note.id);
      first ??= control;
      item.textContent = format(t.fieldError, { field: labelOf(form, control), message: text });
    } else {
      item.textContent = text;
    }
    list.append(item);
  }
  if (list.children.length) box.append(list);
  region(form).replaceChildren(box);
  (first || region(form)).focus();
}

/** Run `work`; an API error it meets is shown (on `form` when given). */
export async function run(work, form) {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showError(error, form);
  }
}

/** Run `work` on behalf of `form`: its buttons are disabled meanwhile, an API error is shown on it. */
export async function attempt(form, work) {
  const buttons = form.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  clear(form);
  await run(work, form);
  for (const button of buttons) button.disabled = false;
}

/** `work(formData, submitter)` on the form's submit, through `attempt`. */
export function onSubmit(form, work) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(form, () => work(new FormData(form), event.submitter));
  });
}

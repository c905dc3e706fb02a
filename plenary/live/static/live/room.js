// The live room: draw the snapshot, then apply the numbered events from the WebSocket.
// A gap in the numbers, or a new connection, means: fetch the snapshot again.

const config = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const REFUSED = 4403;

let state = null; // the last snapshot with the events applied
let socket = null;
let pending = []; // events that arrived before the snapshot
let retry = 1000;

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function who(person, delegation) {
  let text = person.name;
  if (person.affiliation) text += ` (${person.affiliation})`;
  if (delegation) text += `, on behalf of ${delegation}`;
  return text;
}

function since(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return `${m}:${s}`;
}

// Plain text with links made clickable: text nodes and anchors only, never HTML.
function linkify(parent, text) {
  const pattern = /https?:\/\/[^\s<>"]+/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parent.append(document.createTextNode(text.slice(last, match.index)));
    parent.append(el("a", match[0], { href: match[0], target: "_blank", rel: "noopener noreferrer" }));
    last = match.index + match[0].length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}

function button(label, onClick) {
  const b = el("button", label, { type: "button" });
  b.addEventListener("click", onClick);
  return b;
}

function drawFloor() {
  const floor = state.floor;
  const speaker = floor.speaker;
  $("live-speaker").textContent = speaker
    ? `${who(speaker.person, speaker.delegation)} has the floor.`
    : "Nobody has the floor.";
  $("live-closed").hidden = !floor.closed;
  const queue = $("live-queue");
  queue.replaceChildren();
  floor.queue.forEach((request, index) => {
    const item = el("li");
    const kind = request.kind === "point_of_order" ? "Point of order: " : "";
    item.append(el("span", `${kind}${who(request.person, request.delegation)}`));
    item.append(el("span", ` waiting ${since(request.requested_at)}`, { class: "muted", "data-since": request.requested_at }));
    if (config.chair) {
      item.append(" ", button("Give the floor", () => send({ action: "floor.give", request: request.id })));
      if (index > 0) item.append(" ", button("Move up", () => move(index, -1)));
      if (index < floor.queue.length - 1) item.append(" ", button("Move down", () => move(index, 1)));
      item.append(" ", button("Hold", () => send({ action: "floor.hold", person: request.person.id, reason: $("interrupt-reason").value })));
      item.append(" ", button("Remove", () => send({ action: "floor.withdraw", request: request.id })));
    }
    queue.append(item);
  });
  $("live-queue-empty").hidden = floor.queue.length > 0;
  const holds = $("live-holds");
  holds.replaceChildren();
  if (!floor.holds.length) holds.append(el("li", "Nobody is on hold.", { class: "muted" }));
  for (const held of floor.holds) {
    const item = el("li", `${who(held.person)}: ${held.reason}`);
    if (config.chair) item.append(" ", button("Release", () => send({ action: "floor.release", person: held.person.id })));
    holds.append(item);
  }
  tick();
}

function move(index, by) {
  const order = state.floor.queue.map((r) => r.id);
  [order[index], order[index + by]] = [order[index + by], order[index]];
  send({ action: "floor.reorder", order });
}

function drawCurrent() {
  const { item, document: doc } = state.current;
  const target = $("live-current");
  target.replaceChildren();
  if (!item && !doc) { target.textContent = "No agenda item yet."; return; }
  if (item) target.append(`Agenda item ${item.number}: ${item.title}`);
  if (doc) {
    target.append(item ? ". Document " : "Document ");
    target.append(el("a", doc.number, { href: doc.url }));
    target.append(` ${doc.title}`);
  }
}

function chatLine(message) {
  const item = el("li", null, { id: `chat-${message.id}` });
  item.append(el("strong", who(message.person)), ": ");
  if (message.hidden) item.append(el("em", "message hidden by the chair"));
  else linkify(item, message.text);
  if (config.chair && !message.hidden) item.append(" ", button("Hide", () => send({ action: "chat.hide", message: message.id })));
  return item;
}

function drawChat() {
  const list = $("live-chat");
  list.replaceChildren(...state.chat.map(chatLine));
  list.scrollTop = list.scrollHeight;
}

function drawPresent() {
  $("live-present").replaceChildren(...state.present.map((p) => el("li", who(p))));
  $("live-present-count").textContent = state.present.length;
}

function decisionLine(decision) {
  const drafts = decision.work_items.map((w) => w.acronym).join(", ");
  const text = `${decision.kind_label}${drafts ? `: ${drafts}` : ""} (under ${decision.agenda_item}). ${decision.text}`;
  return el("li", text, { id: `decision-${decision.id}` });
}

function drawDecisions() {
  const decisions = state.decisions || [];
  $("live-decisions").replaceChildren(...decisions.map(decisionLine));
  $("live-decisions-empty").hidden = decisions.length > 0;
  // The chair's consent buttons: a draft already consented cannot be consented again.
  for (const decision of decisions) {
    for (const item of decision.work_items) {
      const badge = document.querySelector(`[data-draft-status="${item.id}"]`);
      if (badge) badge.textContent = item.status;
      const control = document.querySelector(`button[data-action="decision.consent"][data-draft="${item.id}"]`);
      if (control && item.status !== "in_progress") control.disabled = true;
    }
  }
}

function drawAll() { drawCurrent(); drawFloor(); drawChat(); drawPresent(); drawDecisions(); }

function apply(event) {
  if (event.seq <= state.seq) return; // already in the snapshot
  if (event.seq !== state.seq + 1) { refetch(); return; } // a gap: start again from the snapshot
  state.seq = event.seq;
  const p = event.payload;
  if (event.event === "floor") { state.floor = p; drawFloor(); }
  else if (event.event === "current") { state.current = p; drawCurrent(); }
  else if (event.event === "presence") { state.present = p.present; drawPresent(); }
  else if (event.event === "decision") { if (!state.decisions.some((d) => d.id === p.id)) state.decisions.push(p); drawDecisions(); }
  else if (event.event === "chat") { if (state.chat.some((m) => m.id === p.id)) return; state.chat.push(p); const list = $("live-chat"); list.append(chatLine(p)); list.scrollTop = list.scrollHeight; }
  else if (event.event === "chat.hidden") {
    const message = state.chat.find((m) => m.id === p.id);
    if (message) { message.hidden = true; message.text = ""; $(`chat-${p.id}`)?.replaceWith(chatLine(message)); }
  }
}

async function refetch() {
  state = null;
  let response = null;
  try {
    response = await fetch(config.state, { credentials: "same-origin", cache: "no-store" });
  } catch {
    response = null; // the network: try again below
  }
  if (response && response.status === 403) { status("You are no longer admitted to this room. Reload the page."); return; }
  if (!response || !response.ok) { status("The room's state could not be loaded; trying again…"); setTimeout(refetch, 2000); return; }
  state = await response.json();
  drawAll();
  const waiting = pending; pending = [];
  waiting.forEach(apply);
}

function status(text) { $("live-status").textContent = text; }

function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) { status("Not connected; trying again."); return; }
  socket.send(JSON.stringify(message));
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${config.socket}`);
  socket.addEventListener("open", () => { state = null; pending = []; });
  socket.addEventListener("message", (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "ready") { retry = 1000; status("Connected."); refetch(); return; }
    if (data.type === "refused") { status(data.message); return; }
    if (data.type !== "event") return;
    if (state === null) pending.push(data); else apply(data);
  });
  socket.addEventListener("close", (event) => {
    if (event.code === REFUSED) { status("You are not admitted to this room."); return; }
    status("Connection lost; reconnecting…");
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30000);
  });
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("button[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  if (action === "floor.request") send({ action, kind: target.dataset.kind, delegation: $("for-delegation").checked });
  else if (action === "withdraw-mine") {
    const mine = state?.floor.queue.find((r) => r.person.id === config.me);
    if (mine) send({ action: "floor.withdraw", request: mine.id }); else status("You have no request waiting.");
  } else if (action === "floor.interrupt") send({ action, reason: $("interrupt-reason").value });
  else if (action === "decision.consent") send({ action, draft: Number(target.dataset.draft) });
  else send({ action });
});

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("chat-text");
  if (!text.value.trim()) return;
  send({ action: "chat.post", text: text.value });
  text.value = "";
});

$("current-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const item = $("current-item").value;
  const doc = $("current-document").value;
  send({ action: "room.current", item: item ? Number(item) : null, document: doc ? Number(doc) : null });
});

// Waiting times and the speaker's elapsed time (not announced to screen readers).
function tick() {
  if (!state) return;
  document.querySelectorAll("[data-since]").forEach((node) => { node.textContent = ` waiting ${since(node.dataset.since)}`; });
  const speaker = state.floor.speaker;
  $("live-elapsed").textContent = speaker && speaker.started_at ? `Speaking for ${since(speaker.started_at)}` : "";
}
setInterval(tick, 1000);

connect();

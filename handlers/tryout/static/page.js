// Mobilot's try page: each panel is a person's Telegram, talking to the real bot through the
// local stand-in, or a simple phone texting Mobilot's number through the stand-in for the SMS
// gateway. No build step: plain DOM code.
"use strict";

const params = new URLSearchParams(location.search);
let lang = params.get("lang") || localStorage.getItem("mobilot-try-lang") || "";
let T = {};
let state = null;
let busy = false;
const rendered = {};  // chat id -> JSON of what is shown (re-render only on change)
const opened = new Set();  // people whose panel is open
const openedPhones = new Set();  // simple phones (by number) opened from the "add" card
const groupSpeaker = { id: null };

function t(key, values) {
  let text = T["try." + key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
  return text;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function api(path, body) {
  const options = body instanceof FormData
    ? { method: "POST", body }
    : body !== undefined
      ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }
      : {};
  const answer = await fetch(path, options);
  if (!answer.ok) {
    let message = answer.statusText;
    try { message = (await answer.json()).error || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return answer.json();
}

function showError(error) {
  const box = el("div", { class: "toast" }, t("error") + " " + error.message);
  document.body.append(box);
  setTimeout(() => box.remove(), 4000);
}

async function act(body) {
  try { await api("/try/api/act", body); } catch (error) { showError(error); }
}

// ---- texts and header -------------------------------------------------------------------

async function loadTexts() {
  const answer = await api("/try/api/texts?lang=" + encodeURIComponent(lang));
  lang = answer.language;
  T = answer.texts;
  document.documentElement.lang = lang;
  document.title = t("title");
  document.getElementById("title").textContent = t("title");
  document.getElementById("intro").textContent = t("intro");
  document.getElementById("go-live").textContent = t("go_live");
  document.getElementById("clock-label").textContent = t("clock");
  document.getElementById("moving").textContent = t("moving");
  document.getElementById("reset").textContent = t("reset");
  document.getElementById("language-label").textContent = t("language") + " ";
  document.getElementById("language").value = lang;
  document.getElementById("pick-title").textContent = t("pick_place");
  document.getElementById("pick-map-title").textContent = t("pick_on_map");
  document.getElementById("pick-cancel").textContent = t("cancel");
  const moves = document.getElementById("moves");
  moves.replaceChildren(
    ...[["hour", t("move_hour")], ["day", t("move_day")],
        ["tomorrow_8", t("tomorrow_at", { hour: "8:00" })],
        ["tomorrow_10", t("tomorrow_at", { hour: "10:00" })],
        ["tomorrow_18", t("tomorrow_at", { hour: "18:00" })],
        ["week", t("move_week")], ["month", t("move_month")]]
      .map(([move, label]) => el("button", { class: "move", "data-move": move, onclick: () => moveClock(move) }, label)));
  for (const key of Object.keys(rendered)) delete rendered[key];
}

async function moveClock(move) {
  if (busy) return;
  busy = true;
  document.getElementById("moving").hidden = false;
  document.querySelectorAll(".move").forEach((b) => { b.disabled = true; });
  try { await api("/try/api/clock", { move }); } catch (error) { showError(error); }
  busy = false;
  document.getElementById("moving").hidden = true;
  document.querySelectorAll(".move").forEach((b) => { b.disabled = false; });
}

function showClock() {
  const now = new Date(state.now);
  const zone = state.zone;
  const text = new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: zone,
  }).format(now);
  document.getElementById("clock").textContent = text;
}

// ---- panels ----------------------------------------------------------------------------

function roleLabel(role) {
  return { driver: t("role_driver"), passenger: t("role_passenger"), operator: t("role_operator") }[role] || t("role_person");
}

function composer(chatId, personId) {
  const input = el("textarea", { rows: 1, placeholder: t("write"), "aria-label": t("write"), class: "text" });
  const send = () => {
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    const speaker = chatId < 0 ? groupSpeaker.id : personId;
    act({ action: "text", user_id: speaker, chat_id: chatId, text });
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
  });
  const parts = [];
  if (chatId > 0) {
    const menu = el("div", { class: "attach-menu", hidden: true },
      el("button", { class: "share-location", onclick: () => { menu.hidden = true; pickPlace(personId); } }, "📍 " + t("share_location")),
      el("button", { class: "share-contact", onclick: () => { menu.hidden = true; act({ action: "contact", user_id: personId, chat_id: personId }); } }, "👤 " + t("share_contact")),
      el("button", { class: "send-photo", onclick: () => { menu.hidden = true; act({ action: "photo", user_id: personId, chat_id: personId, caption: input.value }); input.value = ""; } }, "🖼️ " + t("send_photo")),
      el("button", { class: "send-document", onclick: () => { menu.hidden = true; fileInput.click(); } }, "📄 " + t("send_document")),
      el("button", { class: "send-sticker", onclick: () => { menu.hidden = true; act({ action: "sticker", user_id: personId, chat_id: personId, emoji: "👍" }); } }, "👍 " + t("send_sticker")));
    const fileInput = el("input", { type: "file", hidden: true, class: "file" });
    fileInput.addEventListener("change", async () => {
      if (!fileInput.files.length) return;
      const form = new FormData();
      form.append("user_id", String(personId));
      form.append("file", fileInput.files[0]);
      form.append("caption", input.value);
      input.value = "";
      fileInput.value = "";
      try { await api("/try/api/document", form); } catch (error) { showError(error); }
    });
    parts.push(menu, fileInput, el("button", { class: "attach", title: t("attach"), "aria-label": t("attach"), onclick: () => { menu.hidden = !menu.hidden; } }, "📎"));
  }
  // Telegram's "Menu" button: the commands the bot set for this chat.
  const commands = el("div", { class: "attach-menu command-menu", hidden: true });
  parts.unshift(commands, el("button", {
    class: "menu", title: t("menu"), "aria-label": t("menu"),
    onclick: () => {
      const chat = state && state.chats[String(chatId)];
      commands.replaceChildren(...((chat && chat.commands) || []).map((c) => el("button", {
        onclick: () => {
          commands.hidden = true;
          const speaker = chatId < 0 ? groupSpeaker.id : personId;
          act({ action: "text", user_id: speaker, chat_id: chatId, text: "/" + c.command });
        },
      }, "/" + c.command + " — " + c.description)));
      commands.hidden = !commands.hidden;
    },
  }, "☰"));
  parts.push(input, el("button", { class: "send", title: t("send"), "aria-label": t("send"), onclick: send }, "➤"));
  return el("div", { class: "composer" }, parts);
}

function phone(chatId, title, subtitle, personId) {
  const panel = el("section", { class: "phone", "data-chat": chatId, "data-person": personId || null },
    el("header", {},
      el("div", { class: "avatar" }, title.slice(0, 1)),
      el("div", {}, el("div", { class: "name" }, title), el("div", { class: "role" }, subtitle))),
    el("div", { class: "messages" }),
    el("div", { class: "keyboard" }),
    composer(chatId, personId));
  if (chatId < 0) {
    const select = el("select", { class: "speaker", "aria-label": t("as_person") });
    select.addEventListener("change", () => { groupSpeaker.id = Number(select.value); });
    panel.querySelector("header").append(el("label", { class: "as" }, t("as_person") + " ", select));
    panel.querySelector(".messages").before(el("p", { class: "hint group-hint" }, t("group_hint")));
  }
  return panel;
}

// A simple phone: no internet, no buttons; it texts the territory's number and shows the
// texts it got, as plain text.
function simplePhone(p) {
  const input = el("textarea", { rows: 2, class: "sms-text", maxlength: 2000,
    placeholder: t("sms_write", { number: state.sms.number }), "aria-label": t("sms_write", { number: state.sms.number }) });
  const send = async () => {
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    try { await api("/try/api/sms", { number: p.number, text }); } catch (error) { showError(error); }
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
  });
  const hint = p.role === "driver" ? t("sms_hint_driver", { phone: p.shown })
    : p.role === "passenger" ? t("sms_hint_passenger", { number: state.sms.number }) : null;
  return el("section", { class: "phone simple", "data-sms": p.number, "data-testid": "sms-phone" },
    el("header", {},
      el("div", { class: "avatar" }, "📱"),
      el("div", {}, el("div", { class: "name" }, p.name || p.shown),
        el("div", { class: "role" }, (p.name ? p.shown + " · " : "") + roleLabel(p.role)),
        el("div", { class: "role" }, t("sms_phone")))),
    hint ? el("p", { class: "hint sms-hint" }, hint) : null,
    el("div", { class: "screen" }, el("div", { class: "messages sms-messages" })),
    el("div", { class: "composer sms-composer" }, input,
      el("button", { class: "sms-send", "data-testid": "sms-send", onclick: send }, t("send"))));
}

function renderTexts(panel, p) {
  const key = JSON.stringify([lang, p.items]);
  if (rendered["sms:" + p.number] === key) return;
  rendered["sms:" + p.number] = key;
  const list = panel.querySelector(".messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren();
  if (!p.items.length) list.append(el("p", { class: "hint empty" }, t("sms_empty")));
  let day = null;
  for (const item of p.items) {
    if (item.day !== day) {
      day = item.day;
      list.append(el("div", { class: "day" }, dayLabel(day)));
    }
    const meta = item.mine ? item.time : item.time + " · " + t("sms_segments", { count: item.segments });
    list.append(el("div", { class: "bubble sms " + (item.mine ? "mine" : "bot"), "data-testid": item.mine ? "sms-sent" : "sms-received" },
      el("div", { class: "text" }, item.text), el("div", { class: "meta" }, meta)));
  }
  if (atBottom || !panel.dataset.seen) list.scrollTop = list.scrollHeight;
  panel.dataset.seen = "1";
}

function addCard() {
  const name = el("input", { class: "new-name", placeholder: t("add_name"), "aria-label": t("add_name"), maxlength: 40 });
  const team = el("input", { type: "checkbox", class: "new-team" });
  const add = async () => {
    if (!name.value.trim()) { name.focus(); return; }
    try {
      const answer = await api("/try/api/people", { name: name.value, operator: team.checked, language: lang });
      opened.add(answer.id);
      name.value = "";
      team.checked = false;
    } catch (error) { showError(error); }
  };
  const demo = el("div", { class: "demo-people" });
  return el("section", { class: "phone add" },
    el("header", {}, el("div", { class: "avatar" }, "+"), el("div", { class: "name" }, t("add_person"))),
    el("div", { class: "add-body" },
      name, el("label", {}, team, " " + t("add_team")),
      el("button", { class: "add-button", onclick: add }, t("add_button")),
      el("p", { class: "hint" }, t("add_demo")), demo));
}

function layout() {
  const phones = document.getElementById("phones");
  const wanted = [];
  for (const person of state.people) {
    if (person.shown || opened.has(person.id)) wanted.push(person);
  }
  const simple = state.sms.phones.filter((p) => p.open || openedPhones.has(p.number));
  // A hidden person's messages are counted on the button that opens their phone.
  const waiting = (person) => state.chats[String(person.id)].items.filter((i) => i.from_bot).length;
  const texted = (p) => p.items.filter((i) => !i.mine).length;
  // Only what changes the phones shown, or a hidden person's count, lays them out again:
  // laying out replaces every phone, and with it what someone was typing.
  const hidden = state.people.filter((person) => !wanted.includes(person));
  const hiddenSimple = state.sms.phones.filter((p) => !simple.includes(p));
  const key = JSON.stringify([lang, wanted.map((p) => p.id), hidden.map(waiting),
    simple.map((p) => [p.number, p.name]), hiddenSimple.map((p) => [p.number, texted(p)])]);
  if (phones.dataset.key === key) return;
  phones.dataset.key = key;
  phones.replaceChildren();
  for (const key of Object.keys(rendered)) delete rendered[key];
  for (const person of wanted) {
    const label = roleLabel(person.role) + (person.username ? " · @" + person.username : "");
    phones.append(phone(person.id, person.name, label, person.id));
  }
  for (const p of simple) phones.append(simplePhone(p));
  phones.append(phone(state.group.id, state.group.title, t("group"), null));
  const card = addCard();
  const demo = card.querySelector(".demo-people");
  for (const person of state.people) {
    if (person.shown || opened.has(person.id)) continue;
    const count = waiting(person);
    demo.append(el("button", { class: "open-person", onclick: () => { opened.add(person.id); layout(); render(); } },
      t("open_chat", { name: person.name }), count ? el("span", { class: "badge" }, "🔔 " + count) : null));
  }
  for (const p of hiddenSimple) {
    const count = texted(p);
    demo.append(el("button", { class: "open-phone", "data-number": p.number, onclick: () => { openedPhones.add(p.number); layout(); render(); } },
      t("open_phone", { name: p.name || p.shown }), count ? el("span", { class: "badge" }, "🔔 " + count) : null));
  }
  phones.append(card);
  const select = phones.querySelector(".speaker");
  const team = state.people.filter((p) => p.role === "operator");
  select.replaceChildren(...team.map((p) => el("option", { value: p.id }, p.name)));
  if (!team.some((p) => p.id === groupSpeaker.id)) groupSpeaker.id = team.length ? team[0].id : null;
  select.value = String(groupSpeaker.id);
}

// ---- messages --------------------------------------------------------------------------

function nearestPlace(lat, lon) {
  let best = null;
  for (const place of state.places) {
    const d = (place.lat - lat) ** 2 + (place.lon - lon) ** 2;
    if (!best || d < best.d) best = { d, name: place.name };
  }
  return best && best.d < 0.01 ? best.name : lat.toFixed(4) + ", " + lon.toFixed(4);
}

function content(item) {
  const body = el("div", { class: "body" });
  if (item.kind === "location") body.append("📍 " + t("location_at", { place: nearestPlace(item.lat, item.lon) }));
  else if (item.kind === "contact") body.append("👤 " + item.name + " · " + item.phone);
  else if (item.kind === "photo") body.append(el("div", { class: "photo" }, "🖼️ " + t("photo")));
  else if (item.kind === "sticker") body.append(el("div", { class: "sticker" }, item.emoji || "🙂"));
  else if (item.kind === "voice") body.append("🎤 " + t("voice"));
  else if (item.kind === "document") {
    body.append(el("a", { class: "document", href: "/try/api/file/" + encodeURIComponent(item.file_id), download: item.name }, "📄 " + item.name));
  }
  if (item.html) {
    const text = el("div", { class: "text" });
    text.innerHTML = item.html;  // built server-side from Telegram entities, escaped
    body.append(text);
  }
  return body;
}

function openLink(url, personId) {
  // A link to the bot itself opens that person's private chat with it.
  const match = url.match(/^https:\/\/t\.me\/([A-Za-z0-9_]+)/);
  if (match && match[1] === state.bot) {
    opened.add(personId);
    layout();
    render();
    const panel = document.querySelector('.phone[data-person="' + personId + '"]');
    if (panel) { panel.scrollIntoView({ behavior: "smooth", inline: "center" }); panel.querySelector("textarea").focus(); }
    return;
  }
  window.open(url, "_blank", "noopener");
}

function bubble(chatId, item) {
  const mine = !item.from_bot;
  const meta = el("div", { class: "meta" }, (item.edited ? t("edited") + " · " : "") + item.time);
  const node = el("div", { class: "bubble " + (mine ? "mine" : "bot"), "data-message": item.id },
    chatId < 0 && mine ? el("div", { class: "who" }, item.from_name) : null,
    content(item), meta);
  if (item.buttons && item.buttons.length) {
    const rows = el("div", { class: "inline" });
    for (const row of item.buttons) {
      rows.append(el("div", { class: "row" }, row.map((button) => el("button", {
        class: "inline-button",
        onclick: () => {
          const speaker = chatId < 0 ? groupSpeaker.id : chatId;
          if (button.url) { openLink(button.url, speaker); return; }
          act({ action: "press", user_id: speaker, chat_id: chatId, message_id: item.id, data: button.data });
        },
      }, button.text + (button.url ? " ↗" : "")))));
    }
    node.append(rows);
  }
  return node;
}

function dayLabel(day) {
  return new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long" })
    .format(new Date(day + "T12:00:00"));
}

function renderChat(panel, chatId, chat) {
  const key = JSON.stringify(chat);
  if (rendered[chatId] === key) return;
  rendered[chatId] = key;
  const list = panel.querySelector(".messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren();
  let day = null;
  if (!chat.items.length) list.append(el("p", { class: "hint empty" }, t("empty_chat")));
  for (const item of chat.items) {
    if (item.day !== day) {
      day = item.day;
      list.append(el("div", { class: "day" }, dayLabel(day)));
    }
    list.append(bubble(chatId, item));
  }
  if (atBottom || !panel.dataset.seen) list.scrollTop = list.scrollHeight;
  panel.dataset.seen = "1";
  const keyboard = panel.querySelector(".keyboard");
  keyboard.replaceChildren();
  for (const row of chat.keyboard || []) {
    keyboard.append(el("div", { class: "row" }, row.map((button) => el("button", {
      class: "reply-button",
      onclick: () => {
        if (button.location) pickPlace(chatId);
        else if (button.contact) act({ action: "contact", user_id: chatId, chat_id: chatId });
        else act({ action: "text", user_id: chatId, chat_id: chatId, text: button.text });
      },
    }, button.text))));
  }
}

let answersSeen = null;

function showAnswers() {
  const fresh = state.answers.filter((a) => answersSeen !== null && a.n > answersSeen);
  if (state.answers.length) answersSeen = Math.max(answersSeen ?? -1, ...state.answers.map((a) => a.n));
  else if (answersSeen === null) answersSeen = -1;
  for (const answer of fresh) {
    const panel = document.querySelector('.phone[data-person="' + answer.user_id + '"]')
      || document.querySelector(".phone[data-chat^='-']");
    if (!panel) continue;
    const box = el("div", { class: "answer" + (answer.alert ? " alert" : ""), role: "status" }, answer.text);
    if (answer.alert) box.append(el("button", { onclick: () => box.remove() }, t("ok")));
    panel.append(box);
    if (!answer.alert) setTimeout(() => box.remove(), 4000);
  }
}

function render() {
  showClock();
  layout();
  showAnswers();
  for (const panel of document.querySelectorAll(".phone[data-chat]")) {
    const chatId = Number(panel.dataset.chat);
    const chat = state.chats[String(chatId)];
    if (chat) renderChat(panel, chatId, chat);
  }
  for (const panel of document.querySelectorAll(".phone[data-sms]")) {
    const p = state.sms.phones.find((q) => q.number === panel.dataset.sms);
    if (p) renderTexts(panel, p);
  }
}

// ---- sharing a place -------------------------------------------------------------------

// The Lot's box on the little map (no tiles: it works offline).
const BOX = { south: 44.2, north: 45.05, west: 0.98, east: 2.22 };

function drawMap(onPick) {
  const svg = document.getElementById("map");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const x = (lon) => ((lon - BOX.west) / (BOX.east - BOX.west)) * 600;
  const y = (lat) => ((BOX.north - lat) / (BOX.north - BOX.south)) * 420;
  const back = document.createElementNS(ns, "rect");
  Object.entries({ x: 0, y: 0, width: 600, height: 420, class: "land" }).forEach(([k, v]) => back.setAttribute(k, v));
  svg.append(back);
  const drawn = [];
  for (const place of state.places) {
    const dot = document.createElementNS(ns, "circle");
    Object.entries({ cx: x(place.lon), cy: y(place.lat), r: 6, class: "town" }).forEach(([k, v]) => dot.setAttribute(k, v));
    const label = document.createElementNS(ns, "text");
    // A place beside one already named (the hospital beside its town) is named below it.
    const crowded = drawn.some((p) => Math.abs(x(p.lon) - x(place.lon)) < 40 && Math.abs(y(p.lat) - y(place.lat)) < 14);
    drawn.push(place);
    Object.entries({ x: x(place.lon) + 9, y: y(place.lat) + (crowded ? 20 : 4) }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = place.name;
    svg.append(dot, label);
  }
  svg.onclick = (event) => {
    const box = svg.getBoundingClientRect();
    const lon = BOX.west + ((event.clientX - box.left) / box.width) * (BOX.east - BOX.west);
    const lat = BOX.north - ((event.clientY - box.top) / box.height) * (BOX.north - BOX.south);
    onPick(lat, lon);
  };
}

function pickPlace(personId) {
  const dialog = document.getElementById("place-picker");
  const pick = (lat, lon) => {
    dialog.close();
    act({ action: "location", user_id: personId, chat_id: personId, lat, lon });
  };
  document.getElementById("place-list").replaceChildren(...state.places.map((place) =>
    el("li", {}, el("button", { type: "button", class: "place", onclick: () => pick(place.lat, place.lon) }, "📍 " + place.name))));
  drawMap(pick);
  dialog.showModal();
}

// ---- the loop --------------------------------------------------------------------------

async function poll() {
  let seen = -1;
  for (;;) {
    try {
      state = await api("/try/api/state?seen=" + seen);
      seen = state.version;
      render();
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function main() {
  await loadTexts();
  document.getElementById("language").addEventListener("change", async (event) => {
    lang = event.target.value;
    localStorage.setItem("mobilot-try-lang", lang);
    await loadTexts();
    document.getElementById("phones").dataset.key = "";
    if (state) render();
  });
  document.getElementById("reset").addEventListener("click", async () => {
    if (!confirm(t("reset_confirm"))) return;
    opened.clear();
    openedPhones.clear();
    try { await api("/try/api/reset", { language: lang }); } catch (error) { showError(error); }
  });
  poll();
}

main();

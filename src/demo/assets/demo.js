// @ts-check
/**
 * The demo page's script: keeps the chat (polled from /demo/api/chat) and the bunq panel
 * (/demo/api/bank) up to date, and sends what the user types, picks from the menu or presses.
 * Message text becomes DOM nodes built from Telegram's entities, never HTML.
 */
/* global document, fetch, URL, setTimeout, clearTimeout, Node, Element, HTMLElement */
/* global HTMLAnchorElement, HTMLButtonElement, HTMLDivElement, HTMLFormElement, HTMLHeadingElement */
/* global HTMLInputElement, HTMLOListElement, HTMLParagraphElement, HTMLSelectElement, HTMLUListElement */

const CHAT_POLL_MS = 700;
const BANK_POLL_MS = 2000;
/** Pixels from the bottom that still count as reading the newest message. */
const AT_BOTTOM_SLACK = 48;
/** The server checks the same rule; checking here first answers at once. */
const AMOUNT = /^(?:0|[1-9]\d{0,8})(?:\.\d{1,2})?$/;
const AMOUNT_RULE = "Enter an amount like 25.00: more than 0, at most two decimals.";

/** @typedef {{ type: string, offset: number, length: number, url?: string, language?: string }} Entity */
/** @typedef {{ text: string, callback_data?: string, url?: string }} Key */
/**
 * @typedef {{
 *   id: number, sender: "bot" | "user", date: number, edited: boolean,
 *   text?: string, entities?: Entity[], caption?: string, caption_entities?: Entity[],
 *   photo?: { url: string, width: number, height: number }, keyboard: Key[][]
 * }} ChatMessage
 */
/** @typedef {{ bot: { name: string, username: string }, typing: boolean, messages: ChatMessage[] }} Chat */
/** @typedef {{ id: number, type: string, description: string, iban: string, balance: string, currency: string }} Account */
/**
 * @typedef {{
 *   display_name: string, accounts: Account[],
 *   drafts: { id: number }[], requests: { id: number, share_url: string | null }[]
 * }} Bank
 */

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing from the page`);
  return element;
}

const ui = {
  messages: byId("messages", HTMLOListElement),
  emptyChat: byId("empty-chat", HTMLDivElement),
  startButton: byId("start-button", HTMLButtonElement),
  botName: byId("bot-name", HTMLHeadingElement),
  chatStatus: byId("chat-status", HTMLParagraphElement),
  chatError: byId("chat-error", HTMLParagraphElement),
  composer: byId("composer", HTMLFormElement),
  text: byId("composer-text", HTMLInputElement),
  menuButton: byId("menu-button", HTMLButtonElement),
  menu: byId("command-menu", HTMLDivElement),
  commandList: byId("command-list", HTMLUListElement),
  bank: byId("bank", HTMLElement),
  accounts: byId("accounts", HTMLUListElement),
  incomingForm: byId("incoming-form", HTMLFormElement),
  incomingAccount: byId("incoming-account", HTMLSelectElement),
  incomingAmount: byId("incoming-amount", HTMLInputElement),
  incomingMessage: byId("incoming-message", HTMLParagraphElement),
  drafts: byId("drafts", HTMLUListElement),
  requests: byId("requests", HTMLUListElement),
  bankError: byId("bank-error", HTMLParagraphElement),
};

// --- Talking to the demo server ---------------------------------------------------------------

/**
 * GET `path`, or POST `body` as JSON; resolves to the answer's JSON, rejects with a sentence to show.
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(path, body) {
  /** @type {Response} */
  let response;
  try {
    response = await fetch(
      path,
      body === undefined
        ? { cache: "no-store" }
        : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
  } catch {
    throw new Error("The demo server cannot be reached.");
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(
      json && typeof json.error === "string" ? json.error : `The demo server answered ${response.status}.`,
    );
  }
  return json;
}

/** @param {unknown} error */
const sentence = (error) => (error instanceof Error ? error.message : String(error));

/**
 * A line for errors. A poll that works again clears only what a poll put there, so the failure of
 * something the user did stays in view until their next action.
 * @param {HTMLElement} line
 */
function errorLine(line) {
  let shownByPoll = false;
  return {
    /** @param {unknown} [error] */
    poll(error) {
      if (error === undefined && !shownByPoll) return;
      line.textContent = error === undefined ? "" : sentence(error);
      shownByPoll = error !== undefined;
    },
    /** @param {unknown} [error] */
    action(error) {
      line.textContent = error === undefined ? "" : sentence(error);
      shownByPoll = false;
    },
  };
}

const chatErrors = errorLine(ui.chatError);
const bankErrors = errorLine(ui.bankError);

/**
 * Runs `task` now and every `ms` after it finished, while the page is visible.
 * @param {() => Promise<void>} task
 * @param {number} ms
 */
function poll(task, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let running = false;
  async function tick() {
    clearTimeout(timer);
    if (running) return;
    running = true;
    try {
      await task();
    } finally {
      running = false;
    }
    if (document.visibilityState === "visible") timer = setTimeout(tick, ms);
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void tick();
    else clearTimeout(timer);
  });
  void tick();
}

// --- Building DOM --------------------------------------------------------------------------------

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A link target the page may open: http(s) or mail; a bare "example.com" means https. */
/** @param {string} raw */
function safeHref(raw) {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A link that opens in a new tab without handing this page to the other one.
 * @param {string} href
 * @param {string} className
 */
function externalLink(href, className) {
  const link = element("a", className);
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return link;
}

/**
 * The element for one entity: `outer` goes into the text, the entity's own text goes into `inner`.
 * @param {Entity} entity
 * @param {string} covered the text the entity spans
 * @returns {{ outer: HTMLElement, inner: HTMLElement }}
 */
function entityElement(entity, covered) {
  /** @param {HTMLElement} node */
  const same = (node) => ({ outer: node, inner: node });
  /** @param {string | null} href */
  const linkOrText = (href) => same(href ? externalLink(href, "text-link") : element("span"));
  switch (entity.type) {
    case "bold":
      return same(element("b"));
    case "italic":
      return same(element("i"));
    case "underline":
      return same(element("u"));
    case "strikethrough":
      return same(element("s"));
    case "code":
      return same(element("code"));
    case "pre": {
      const pre = element("pre");
      const code = element("code");
      if (entity.language) code.dataset.language = entity.language;
      pre.append(code);
      return { outer: pre, inner: code };
    }
    case "spoiler":
    case "expandable_blockquote": {
      const node =
        entity.type === "spoiler" ? element("span", "spoiler") : element("blockquote", "expandable");
      // Revealed or expanded by a click, or Enter/Space (see the listeners on the message list).
      node.tabIndex = 0;
      node.setAttribute("role", "button");
      node.setAttribute("aria-expanded", "false");
      node.title = entity.type === "spoiler" ? "Show the hidden text" : "Show the whole quote";
      return same(node);
    }
    case "blockquote":
      return same(element("blockquote"));
    case "text_link":
      return linkOrText(safeHref(entity.url ?? ""));
    case "url":
      return linkOrText(safeHref(covered));
    case "email":
      return linkOrText(safeHref(`mailto:${covered}`));
    case "bot_command": {
      // Telegram sends a command when it is tapped in a message.
      const command = element("button", "command-link");
      command.type = "button";
      command.dataset.command = covered;
      return same(command);
    }
    default:
      return same(element("span"));
  }
}

/**
 * Appends `text` formatted by `entities`, whose offsets and lengths are UTF-16 code units like JS
 * string indices. Telegram's entities are nested or disjoint; an overlap is clipped to its parent.
 * @param {Node} parent
 * @param {string} text
 * @param {Entity[]} entities
 */
function appendFormatted(parent, text, entities) {
  const sorted = entities
    .filter(
      (entity) => entity.length > 0 && entity.offset >= 0 && entity.offset + entity.length <= text.length,
    )
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendRange(parent, text, sorted, 0, text.length);
}

/**
 * @param {Node} parent
 * @param {string} text
 * @param {Entity[]} entities sorted by offset, longest first, all starting before `end`
 * @param {number} start
 * @param {number} end
 */
function appendRange(parent, text, entities, start, end) {
  /**
   * @param {number} from
   * @param {number} to
   */
  const appendText = (from, to) => {
    if (to > from) parent.appendChild(document.createTextNode(text.slice(from, to)));
  };
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = /** @type {Entity} */ (entities[index]);
    const from = Math.max(entity.offset, position);
    const to = Math.min(entity.offset + entity.length, end);
    let next = index + 1;
    while (next < entities.length && /** @type {Entity} */ (entities[next]).offset < to) next++;
    if (from < to) {
      appendText(position, from);
      const { outer, inner } = entityElement(
        entity,
        text.slice(entity.offset, entity.offset + entity.length),
      );
      appendRange(inner, text, entities.slice(index + 1, next), from, to);
      parent.appendChild(outer);
      position = to;
    }
    index = next;
  }
  appendText(position, end);
}

/** @param {number} date seconds since the epoch */
const clock = (date) => new Date(date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * @param {number} messageId
 * @param {Key} key
 */
function keyElement(messageId, key) {
  if (key.callback_data !== undefined) {
    const button = element("button", "key", key.text);
    button.type = "button";
    button.dataset.messageId = String(messageId);
    button.dataset.callbackData = key.callback_data;
    return button;
  }
  const href = key.url === undefined ? null : safeHref(key.url);
  if (href) {
    const link = externalLink(href, "key key--link");
    link.append(key.text, element("span", "opens-tab", " ↗"));
    return link;
  }
  const unavailable = element("button", "key", key.text);
  unavailable.type = "button";
  unavailable.disabled = true;
  unavailable.title = "This kind of button does not work in the demo";
  return unavailable;
}

/** @param {ChatMessage} message */
function messageElement(message) {
  const item = element("li", `message message--${message.sender}`);
  const bubble = element("div", "bubble");
  bubble.append(element("span", "visually-hidden", message.sender === "bot" ? "Bot: " : "You: "));
  if (message.photo) {
    const image = element("img", "photo");
    image.src = message.photo.url;
    image.width = message.photo.width;
    image.height = message.photo.height;
    image.alt = "Photo";
    image.addEventListener("load", () => stickToBottom && scrollToBottom());
    bubble.append(image);
  }
  const [text, entities] =
    message.text !== undefined
      ? [message.text, message.entities]
      : [message.caption, message.caption_entities];
  if (text !== undefined) {
    const body = element("div", "text");
    appendFormatted(body, text, entities ?? []);
    bubble.append(body);
  }
  bubble.append(element("span", "meta", `${message.edited ? "edited " : ""}${clock(message.date)}`));
  item.append(bubble);
  if (message.keyboard.length > 0) {
    const keyboard = element("div", "keyboard");
    keyboard.setAttribute("role", "group");
    keyboard.setAttribute("aria-label", "Buttons");
    // The server leaves out empty rows.
    for (const row of message.keyboard) {
      const line = element("div", "keyboard-row");
      line.append(...row.map((key) => keyElement(message.id, key)));
      keyboard.append(line);
    }
    item.append(keyboard);
  }
  return item;
}

// --- The chat ---------------------------------------------------------------------------------------

/** @type {Map<number, { signature: string, item: HTMLLIElement }>} */
const shown = new Map();
let stickToBottom = true;
let lastChat = "";
let chatRequests = 0;
let chatShown = 0;

function scrollToBottom() {
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

ui.messages.addEventListener("scroll", () => {
  const { scrollHeight, scrollTop, clientHeight } = ui.messages;
  stickToBottom = scrollHeight - scrollTop - clientHeight <= AT_BOTTOM_SLACK;
});

/**
 * Changes only the messages that changed, so the live region announces just those.
 * @param {ChatMessage[]} messages
 */
function renderMessages(messages) {
  const list = ui.messages;
  const current = new Set(messages.map((message) => message.id));
  for (const [id, entry] of shown) {
    if (current.has(id)) continue;
    entry.item.remove();
    shown.delete(id);
  }
  messages.forEach((message, index) => {
    const signature = JSON.stringify(message);
    let entry = shown.get(message.id);
    if (entry?.signature !== signature) {
      const item = messageElement(message);
      entry?.item.replaceWith(item);
      entry = { signature, item };
      shown.set(message.id, entry);
    }
    if (list.children[index] !== entry.item) list.insertBefore(entry.item, list.children[index] ?? null);
  });
  ui.emptyChat.hidden = messages.length > 0;
  if (stickToBottom) scrollToBottom();
}

async function refreshChat() {
  const request = ++chatRequests;
  try {
    /** @type {Chat} */
    const chat = await api("/demo/api/chat");
    chatErrors.poll();
    // An older answer that arrives late must not undo a newer one.
    if (request < chatShown) return;
    chatShown = request;
    const signature = JSON.stringify(chat);
    if (signature === lastChat) return;
    lastChat = signature;
    ui.botName.textContent = chat.bot.name;
    ui.chatStatus.textContent = chat.typing ? "typing…" : `@${chat.bot.username}`;
    renderMessages(chat.messages);
    void refreshCommands();
  } catch (error) {
    chatErrors.poll(error);
  }
}

/** @param {string} text */
async function sendText(text) {
  await api("/demo/api/messages", { text });
  chatErrors.action();
  stickToBottom = true;
  await refreshChat();
}

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.text.value.trim();
  if (!text) return;
  ui.text.value = "";
  sendText(text).catch((error) => {
    ui.text.value = text;
    chatErrors.action(error);
  });
});

/** @param {string} text */
function sendFromButton(text) {
  sendText(text).catch(chatErrors.action);
}

ui.startButton.addEventListener("click", () => sendFromButton("/start"));

/** @param {HTMLElement} toggle a spoiler or expandable quote */
function reveal(toggle) {
  const expanded = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", String(!expanded));
}

/** @param {HTMLButtonElement} key */
async function press(key) {
  key.disabled = true;
  try {
    await api("/demo/api/press", {
      message_id: Number(key.dataset.messageId),
      callback_data: key.dataset.callbackData,
    });
    chatErrors.action();
    await refreshChat();
  } catch (error) {
    chatErrors.action(error);
  } finally {
    key.disabled = false;
  }
}

ui.messages.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const key = target?.closest("button.key[data-callback-data]");
  if (key instanceof HTMLButtonElement) return void press(key);
  const command = target?.closest("button.command-link");
  if (command instanceof HTMLButtonElement && command.dataset.command)
    return sendFromButton(command.dataset.command);
  // A link inside a collapsed quote opens; a click anywhere else in it expands it.
  if (target?.closest("a")) return;
  const toggle = target?.closest("[aria-expanded]");
  if (toggle instanceof HTMLElement) reveal(toggle);
});

ui.messages.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement) || !target.matches("[role=button][aria-expanded]")) return;
  if (event.key !== "Enter" && event.key !== " ") return;
  event.preventDefault();
  reveal(target);
});

// --- The command menu ----------------------------------------------------------------------------

let lastCommands = "";

async function refreshCommands() {
  try {
    /** @type {{ commands: { command: string, description: string }[] }} */
    const menu = await api("/demo/api/commands");
    const signature = JSON.stringify(menu.commands);
    // Redrawing an unchanged menu would drop the focus of someone choosing from it.
    if (signature === lastCommands) return;
    lastCommands = signature;
    renderCommands(menu.commands);
  } catch (error) {
    chatErrors.poll(error);
  }
}

/** @param {{ command: string, description: string }[]} commands */
function renderCommands(commands) {
  if (commands.length === 0) {
    ui.commandList.replaceChildren(element("li", "command-empty", "The bot has no commands yet."));
    return;
  }
  ui.commandList.replaceChildren(
    ...commands.map(({ command, description }) => {
      const item = element("li");
      const button = element("button", "command");
      button.type = "button";
      button.dataset.command = `/${command}`;
      button.append(
        element("span", "command-name", `/${command}`),
        element("span", "command-description", description),
      );
      item.append(button);
      return item;
    }),
  );
}

const focusFirstCommand = () => ui.commandList.querySelector("button")?.focus();

/** @param {boolean} open */
function setMenuOpen(open) {
  ui.menu.hidden = !open;
  ui.menuButton.setAttribute("aria-expanded", String(open));
  if (open) focusFirstCommand();
}

ui.menuButton.addEventListener("click", () => {
  const open = ui.menu.hidden;
  setMenuOpen(open);
  if (!open) return;
  void refreshCommands().then(() => {
    if (!ui.menu.hidden && !ui.menu.contains(document.activeElement)) focusFirstCommand();
  });
});

ui.commandList.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button.command") : null;
  if (!(button instanceof HTMLButtonElement) || !button.dataset.command) return;
  setMenuOpen(false);
  ui.text.focus();
  sendFromButton(button.dataset.command);
});

ui.menu.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  setMenuOpen(false);
  ui.menuButton.focus();
});

document.addEventListener("click", (event) => {
  const inside =
    event.target instanceof Node && (ui.menu.contains(event.target) || ui.menuButton.contains(event.target));
  if (!inside && !ui.menu.hidden) setMenuOpen(false);
});

byId("skip-to-text", HTMLAnchorElement).addEventListener("click", (event) => {
  event.preventDefault();
  ui.text.focus();
});

// --- The bunq panel ------------------------------------------------------------------------------

/**
 * "1250.00" EUR → "€1,250.00": grouped by string, as money is never a float here.
 * @param {string} value
 * @param {string} currency
 */
function money(value, currency) {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return `${value} ${currency}`;
  const [, sign, units = "", cents = ""] = match;
  const amount = `${units.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents.padEnd(2, "0")}`;
  return `${sign ? "−" : ""}${currency === "EUR" ? `€${amount}` : `${amount} ${currency}`}`;
}

let lastBank = "";

/** @param {Account} account */
function accountElement(account) {
  const item = element("li", "account");
  item.dataset.accountId = String(account.id);
  const head = element("div", "account-head");
  head.append(
    element("span", "account-name", account.description),
    element("span", "account-balance", money(account.balance, account.currency)),
  );
  item.append(head, element("div", "account-detail", `${account.type} · ${account.iban}`));
  return item;
}

/**
 * @param {"drafts" | "requests"} kind
 * @param {number} id
 * @param {{ accept: string, reject: string, what: string }} labels
 */
function pendingElement(kind, id, labels) {
  const item = element("li", "pending-item");
  item.append(element("span", "pending-name", `${labels.what} #${id}`));
  const actions = element("div", "pending-actions");
  for (const decision of /** @type {const} */ (["accept", "reject"])) {
    const button = element("button", `decision decision--${decision}`, labels[decision]);
    button.type = "button";
    button.dataset.kind = kind;
    button.dataset.id = String(id);
    button.dataset.decision = decision;
    button.setAttribute("aria-label", `${labels[decision]}: ${labels.what} #${id}`);
    actions.append(button);
  }
  item.append(actions);
  return item;
}

/**
 * @param {HTMLUListElement} list
 * @param {HTMLElement[]} items
 */
function fillList(list, items) {
  list.replaceChildren(...(items.length > 0 ? items : [element("li", "empty", "Nothing waiting.")]));
}

/** @param {Bank} bank */
function renderBank(bank) {
  ui.accounts.replaceChildren(...bank.accounts.map(accountElement));
  const chosen = ui.incomingAccount.value;
  ui.incomingAccount.replaceChildren(
    ...bank.accounts.map((account) => {
      const option = element("option", undefined, `${account.description} (${account.type})`);
      option.value = String(account.id);
      return option;
    }),
  );
  if (bank.accounts.some((account) => String(account.id) === chosen)) ui.incomingAccount.value = chosen;
  fillList(
    ui.drafts,
    bank.drafts.map(({ id }) =>
      pendingElement("drafts", id, { what: "Draft payment", accept: "Approve", reject: "Reject" }),
    ),
  );
  fillList(
    ui.requests,
    bank.requests.map(({ id, share_url }) => {
      const item = pendingElement("requests", id, { what: "Request", accept: "Pay", reject: "Decline" });
      const href = share_url === null ? null : safeHref(share_url);
      if (href) {
        const link = externalLink(href, "share-link");
        link.append("bunq.me link", element("span", "opens-tab", " ↗"));
        item.insertBefore(link, item.lastChild);
      }
      return item;
    }),
  );
}

async function refreshBank() {
  try {
    /** @type {Bank} */
    const bank = await api("/demo/api/bank");
    bankErrors.poll();
    const signature = JSON.stringify(bank);
    if (signature === lastBank) return;
    lastBank = signature;
    renderBank(bank);
  } catch (error) {
    bankErrors.poll(error);
  }
}

/**
 * @param {string} text
 * @param {"error" | "done"} kind
 */
function incomingMessage(text, kind) {
  ui.incomingMessage.textContent = text;
  ui.incomingMessage.className = `form-message form-message--${kind}`;
  ui.incomingAmount.setAttribute("aria-invalid", String(kind === "error"));
}

// A correction starts afresh: the old verdict no longer describes what is typed.
ui.incomingAmount.addEventListener("input", () => {
  ui.incomingMessage.textContent = "";
  ui.incomingAmount.removeAttribute("aria-invalid");
});

ui.incomingForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const amount = ui.incomingAmount.value.trim();
  if (!AMOUNT.test(amount) || !/[1-9]/.test(amount)) {
    incomingMessage(AMOUNT_RULE, "error");
    ui.incomingAmount.focus();
    return;
  }
  const account = ui.incomingAccount.selectedOptions[0]?.textContent ?? "the account";
  api("/demo/api/bank/incoming-payment", { account_id: Number(ui.incomingAccount.value), amount })
    .then(async () => {
      incomingMessage(`${amount} arrived on ${account}.`, "done");
      ui.incomingAmount.value = "";
      await refreshBank();
    })
    .catch((error) => incomingMessage(sentence(error), "error"));
});

ui.bank.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button.decision") : null;
  if (!(button instanceof HTMLButtonElement)) return;
  const { kind, id, decision } = button.dataset;
  button.disabled = true;
  api(`/demo/api/bank/${kind}/${id}/${decision}`, {})
    .then(() => {
      bankErrors.action();
      return refreshBank();
    })
    .catch((error) => {
      bankErrors.action(error);
      button.disabled = false;
    });
});

poll(refreshChat, CHAT_POLL_MS);
poll(refreshBank, BANK_POLL_MS);

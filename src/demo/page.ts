/**
 * The HTML of /demo: the frame that assets/demo.js fills in — a Telegram-like chat with a command
 * menu, and a panel that plays the bunq app. No inline script or style, so the demo's strict
 * Content-Security-Policy holds; everything interpolated is escaped.
 */
import { escapeHtml } from "../server/pages.js";

const TITLE = "bunqbot demo";
const ASSETS = "/demo/assets";

export function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(TITLE)}</title>
<link rel="icon" type="image/svg+xml" href="${ASSETS}/icon.svg">
<link rel="stylesheet" href="${ASSETS}/demo.css">
<script type="module" src="${ASSETS}/demo.js"></script>
</head>
<body>
<a id="skip-to-text" class="skip-link" href="#composer-text">Skip to the message box</a>
<div class="layout">
<div class="chat-screen">
  <header class="site-header">
    <div>
      <h1>${escapeHtml(TITLE)}</h1>
      <p>The real bot, offline: Telegram and bunq are emulators on this machine.</p>
    </div>
    <a class="to-bank" href="#bank">Your bunq ↓</a>
  </header>
  <main class="phone" aria-label="Chat with the bot">
    <header class="chat-header">
      <span class="avatar" aria-hidden="true">b</span>
      <div>
        <h2 id="bot-name" class="chat-title">bunqbot</h2>
        <p id="chat-status" class="chat-status">bot</p>
      </div>
    </header>
    <ol id="messages" class="messages" aria-live="polite" aria-label="Messages" tabindex="0"></ol>
    <div id="empty-chat" class="empty-chat" hidden>
      <p>This is where you chat with the bot. It starts when you send /start.</p>
      <button type="button" id="start-button" class="start-button">Start</button>
    </div>
    <p id="chat-error" class="error" role="alert"></p>
    <div class="composer-area">
      <div id="command-menu" class="command-menu" hidden>
        <p id="command-menu-title" class="command-menu-title">Commands</p>
        <ul id="command-list" class="command-list" aria-labelledby="command-menu-title"></ul>
      </div>
      <form id="composer" class="composer" autocomplete="off">
        <button type="button" id="menu-button" class="menu-button" aria-expanded="false" aria-controls="command-menu">Menu</button>
        <label for="composer-text" class="visually-hidden">Message</label>
        <input id="composer-text" name="text" type="text" placeholder="Message" maxlength="4096" enterkeyhint="send">
        <button type="submit" class="send-button">Send</button>
      </form>
    </div>
  </main>
</div>
  <aside id="bank" class="bank" aria-labelledby="bank-title">
    <h2 id="bank-title">Your emulated bunq</h2>
    <p class="hint">This panel plays the bunq app: what you would do on your phone.</p>
    <section aria-labelledby="accounts-title">
      <h3 id="accounts-title">Accounts</h3>
      <ul id="accounts" class="accounts"></ul>
    </section>
    <section aria-labelledby="incoming-title">
      <h3 id="incoming-title">Receive money</h3>
      <p class="hint">Someone outside bunq pays you.</p>
      <form id="incoming-form" class="incoming-form" novalidate>
        <label for="incoming-account">To account</label>
        <select id="incoming-account" name="account_id"></select>
        <label for="incoming-amount">Amount</label>
        <input id="incoming-amount" name="amount" type="text" inputmode="decimal" autocomplete="off" placeholder="25.00" aria-describedby="incoming-message">
        <button type="submit">Receive</button>
        <p id="incoming-message" class="form-message" aria-live="polite"></p>
      </form>
    </section>
    <section aria-labelledby="drafts-title">
      <h3 id="drafts-title">Payments to approve</h3>
      <p class="hint">Payments the bot prepared wait for you here.</p>
      <ul id="drafts" class="pending"></ul>
    </section>
    <section aria-labelledby="requests-title">
      <h3 id="requests-title">Requests you sent</h3>
      <p class="hint">Play the person you asked: pay or decline.</p>
      <ul id="requests" class="pending"></ul>
    </section>
    <p id="bank-error" class="error" role="alert"></p>
  </aside>
</div>
</body>
</html>
`;
}

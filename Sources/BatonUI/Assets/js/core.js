// Baton UI core: DOM helper, REST client, formatting, dialogs, toasts, JSON views and editors.
'use strict';

const Baton = (window.Baton = window.Baton || {});

/** Creates an element. attrs: class, text, html-free; style (set as CSS text); on<Event> handlers; dataset via data-*; booleans. */
function h(tag, attrs, ...children) {
  const isSvg = ['svg', 'g', 'rect', 'circle', 'path', 'text', 'line', 'title', 'defs', 'marker', 'polygon', 'tspan'].includes(tag);
  const node = isSvg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2).toLowerCase(), value);
      else if (key === 'class') node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
      else if (key === 'text') node.textContent = value;
      // Through the CSSOM, which the server's Content-Security-Policy (style-src 'self') allows; a style attribute it blocks.
      else if (key === 'style') node.style.cssText = value;
      else if (key === 'value' && !isSvg) node.value = value;
      else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'hidden') { node[key] = !!value; if (isSvg) node.setAttribute(key, ''); }
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  appendChildren(node, children);
  return node;
}
function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function replace(node, ...children) { clear(node); appendChildren(node, children); return node; }

/** An error reply of the REST API: its HTTP status and the server's ErrorResponse message. */
class ApiError extends Error {
  constructor(status, message, validationErrors) {
    super(message);
    this.status = status;
    this.validationErrors = validationErrors || [];
  }
}

/** The token for a server with auth on, kept for the browser tab. */
const AUTH_TOKEN_KEY = 'baton.token';
let loginInFlight = null;

/**
 * Asks for a key id and secret (the server answered 401), exchanges them for a token at /api/token and
 * keeps it for this tab. Returns false when the user cancels or the key is refused.
 */
async function logIn(reason) {
  const keyId = window.prompt((reason ? reason + '\n\n' : '') + 'This Baton server needs an API key.\nKey id:');
  if (!keyId) return false;
  const keySecret = window.prompt('Key secret for ' + keyId + ':');
  if (!keySecret) return false;
  const response = await fetch('/api/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ keyId, keySecret }),
  });
  if (!response.ok) return logIn('That key id and secret were refused.');
  const body = await response.json();
  sessionStorage.setItem(AUTH_TOKEN_KEY, body.token);
  return true;
}

/** Calls the REST API under /api. Returns parsed JSON, text (text/plain replies) or null (empty replies). */
async function api(method, path, options = {}, retried = false) {
  let url = '/api' + path;
  if (options.query) {
    // Spaces go as %20, not '+': the server reads '+' literally in query strings.
    const pairs = [];
    for (const [key, value] of Object.entries(options.query)) {
      if (value === undefined || value === null || value === '') continue;
      (Array.isArray(value) ? value : [value]).forEach((v) => pairs.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(v))));
    }
    if (pairs.length) url += '?' + pairs.join('&');
  }
  const init = { method, headers: { Accept: 'application/json, text/plain' } };
  const token = sessionStorage.getItem(AUTH_TOKEN_KEY);
  if (token) init.headers['X-Authorization'] = token;
  if (options.body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(0, 'The server cannot be reached: ' + error.message);
  }
  const raw = await response.text();
  if (response.status === 401 && !retried) {
    sessionStorage.removeItem(AUTH_TOKEN_KEY);
    // Concurrent calls that all got 401 share one prompt.
    if (!loginInFlight) loginInFlight = logIn().finally(() => { loginInFlight = null; });
    if (await loginInFlight) return api(method, path, options, true);
  }
  if (!response.ok) {
    let message = raw || response.statusText;
    let validationErrors;
    try {
      const body = JSON.parse(raw);
      if (body && body.message) message = body.message;
      validationErrors = body && body.validationErrors;
    } catch (_) { /* not JSON */ }
    throw new ApiError(response.status, message, validationErrors);
  }
  if (!raw) return null;
  const type = response.headers.get('content-type') || '';
  if (type.includes('json')) return JSON.parse(raw);
  return raw;
}

// ---- Formatting ---------------------------------------------------------------------------------

const pad2 = (n) => String(n).padStart(2, '0');
/** Epoch ms or ISO string → local "YYYY-MM-DD HH:MM:SS"; '' for 0 / empty. */
function fmtTime(value, withMillis) {
  if (value === undefined || value === null || value === '' || value === 0) return '';
  const date = typeof value === 'number' ? new Date(value) : new Date(Date.parse(value));
  if (isNaN(date.getTime()) || date.getTime() <= 0) return '';
  let text = `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
  if (withMillis) text += '.' + String(date.getMilliseconds()).padStart(3, '0');
  return text;
}
function toMillis(value) {
  if (typeof value === 'number') return value;
  if (!value) return 0;
  const ms = Date.parse(value);
  return isNaN(ms) ? 0 : ms;
}
/** Milliseconds → "850 ms", "12.3 s", "4m 12s", "2h 03m", "3d 4h". */
function fmtDuration(ms) {
  if (ms === undefined || ms === null || ms < 0 || isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad2(Math.floor(s % 60))}s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h ${pad2(m % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
function badge(status) {
  return h('span', { class: `badge st-${status}`, 'data-status': status }, status ? status.replace(/_/g, ' ') : '—');
}
const WORKFLOW_STATUSES = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED'];
const TERMINAL_WORKFLOW = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED']);
const TERMINAL_TASK = new Set(['CANCELED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'COMPLETED', 'COMPLETED_WITH_ERRORS', 'TIMED_OUT', 'SKIPPED']);

// ---- JSON view (syntax-coloured, built from text nodes: no HTML injection) ------------------------

function jsonView(value, attrs) {
  const pre = h('pre', Object.assign({ class: 'json' }, attrs || {}));
  const text = JSON.stringify(value === undefined ? null : value, null, 2);
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false)\b|\b(null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  let match;
  while ((match = re.exec(text))) {
    if (match.index > last) pre.appendChild(document.createTextNode(text.slice(last, match.index)));
    let cls = 'n';
    if (match[1]) cls = match[2] ? 'k' : 's';
    else if (match[3]) cls = 'b';
    else if (match[4]) cls = 'z';
    pre.appendChild(h('span', { class: cls }, match[1] || match[0]));
    if (match[2]) pre.appendChild(document.createTextNode(match[2]));
    last = re.lastIndex;
  }
  pre.appendChild(document.createTextNode(text.slice(last)));
  return pre;
}

/** Parses JSON text; returns {value} or {error: "message (line L, column C)"}. Blank text → {value: undefined}. */
function parseJSON(text) {
  if (!text || !text.trim()) return { value: undefined, blank: true };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    let message = error.message;
    const pos = /position (\d+)/.exec(message);
    const located = locateJSONError(text);
    if (located) message = located.message;
    if ((pos || located) && !/line \d+/.test(message)) {
      const offset = located ? located.offset : Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      message += ` (line ${line}, column ${column})`;
    }
    return { error: message };
  }
}

/** Finds where JSON text goes wrong (browsers do not always say): {offset, message} or null. */
function locateJSONError(text) {
  let i = 0;
  const fail = (what) => { const e = new Error(what); e.offset = i; throw e; };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const literal = (word) => { if (text.startsWith(word, i)) i += word.length; else fail(`Unexpected ${describe()}`); };
  const describe = () => (i >= text.length ? 'end of input' : `'${text[i]}'`);
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') fail('Unterminated string');
      i++;
    }
    if (i >= text.length) fail('Unterminated string');
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail(`Unexpected ${describe()}`);
    i += match[0].length;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`Expected a property name in double quotes, found ${describe()}`);
        string(); ws();
        if (text[i] !== ':') fail(`Expected ':' after a property name, found ${describe()}`);
        i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail(`Expected ',' or '}', found ${describe()}`);
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail(`Expected ',' or ']', found ${describe()}`);
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value(); ws();
    if (i < text.length) fail(`Unexpected ${describe()} after the JSON value`);
    return null;
  } catch (error) {
    return { offset: error.offset === undefined ? i : error.offset, message: error.message };
  }
}

/**
 * A JSON code editor: monospace textarea with live validation, Format button and an error line.
 * Options: value, rows, label, id, requireObject, allowBlank, onInput(text).
 * Returns {root, textarea, read(): {value}|{error}, setValue(v)}.
 */
function jsonEditor(options) {
  const id = options.id || 'ed-' + Math.random().toString(36).slice(2);
  const textarea = h('textarea', {
    class: 'code', id, rows: options.rows || 10, spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': id + '-err', 'data-role': options.role || 'json-editor',
  });
  textarea.value = options.value === undefined ? '' : (typeof options.value === 'string' ? options.value : JSON.stringify(options.value, null, 2));
  const errorLine = h('div', { class: 'error-text', id: id + '-err', role: 'status' });
  const read = () => {
    const parsed = parseJSON(textarea.value);
    if (parsed.error) return parsed;
    if (parsed.blank) return options.allowBlank ? parsed : { error: 'Enter a JSON value' };
    if (options.requireObject && (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value))) {
      return { error: 'Must be a JSON object: { … }' };
    }
    return parsed;
  };
  const validate = () => {
    const parsed = read();
    textarea.classList.toggle('invalid', !!parsed.error);
    errorLine.textContent = parsed.error ? parsed.error : '';
    return parsed;
  };
  textarea.addEventListener('input', () => { validate(); if (options.onInput) options.onInput(textarea.value); });
  const format = h('button', {
    type: 'button', class: 'small', onclick: () => {
      const parsed = validate();
      if (!parsed.error && !parsed.blank) { textarea.value = JSON.stringify(parsed.value, null, 2); if (options.onInput) options.onInput(textarea.value); }
    },
  }, 'Format');
  const root = h('div', { class: 'field json-editor' },
    options.label ? h('div', { class: 'toolbar', style: 'justify-content:space-between;margin-bottom:3px' },
      h('label', { for: id, style: 'margin:0' }, options.label), format) : null,
    textarea, errorLine);
  validate();
  return {
    root, textarea, validate,
    read: () => validate(),
    setValue: (value) => { textarea.value = typeof value === 'string' ? value : JSON.stringify(value, null, 2); validate(); },
  };
}

// ---- Banner, toasts -------------------------------------------------------------------------------

function showError(error, prefix) {
  const banner = document.getElementById('banner');
  const message = error instanceof Error ? error.message : String(error);
  const status = error && error.status ? ` (HTTP ${error.status})` : '';
  replace(banner,
    h('span', { class: 'banner-text', 'data-role': 'error-message' }, (prefix ? prefix + ': ' : '') + message + status),
    h('button', { type: 'button', class: 'small', 'aria-label': 'Dismiss error', onclick: hideError }, 'Dismiss'));
  banner.hidden = false;
}
function hideError() { const banner = document.getElementById('banner'); banner.hidden = true; clear(banner); }
function toast(message, kind) {
  const holder = document.getElementById('toasts');
  const node = h('div', { class: 'toast ' + (kind || 'ok'), role: 'status' }, message);
  holder.appendChild(node);
  while (holder.children.length > 3) holder.firstChild.remove();
  setTimeout(() => node.remove(), 3500);
}

// ---- Dialogs --------------------------------------------------------------------------------------

/**
 * Opens the modal dialog. spec: {title, body: Node[], confirmLabel, danger, cancelLabel, fields: () => value|throws,
 * onConfirm(values) async → closes on success, shows error inline on failure}. Resolves with the onConfirm result or null.
 */
function openDialog(spec) {
  const dialog = document.getElementById('dialog');
  return new Promise((resolve) => {
    const errorBox = h('div', { class: 'error-text', 'data-role': 'dialog-error', role: 'alert' });
    const confirm = spec.confirmLabel === null ? null : h('button', {
      type: 'submit', class: spec.danger ? 'danger' : 'primary', 'data-role': 'dialog-confirm',
    }, spec.confirmLabel || 'Confirm');
    const cancel = h('button', { type: 'button', 'data-role': 'dialog-cancel', onclick: () => finish(null) }, spec.cancelLabel || 'Cancel');
    const form = h('form', { method: 'dialog' },
      h('div', { class: 'd-head' }, h('h2', { id: 'dialog-title' }, spec.title)),
      h('div', { class: 'd-body' }, spec.body || [], errorBox),
      h('div', { class: 'd-foot' }, cancel, confirm));
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      clear(dialog);
      resolve(value);
    };
    const onCancel = (event) => { event.preventDefault(); finish(null); };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!spec.onConfirm) { finish(true); return; }
      errorBox.textContent = '';
      if (confirm) confirm.disabled = true;
      try {
        const result = await spec.onConfirm();
        finish(result === undefined ? true : result);
      } catch (error) {
        errorBox.textContent = error.message + (error.status ? ` (HTTP ${error.status})` : '');
        if (confirm) confirm.disabled = false;
      }
    });
    dialog.addEventListener('cancel', onCancel);
    replace(dialog, form);
    dialog.showModal();
    const focusTarget = form.querySelector('[autofocus]') || confirm || cancel;
    focusTarget.focus();
  });
}

// ---- Hash routing helpers -------------------------------------------------------------------------

/** Parses location.hash "#/a/b?x=1" → {parts: ['a','b'], params: URLSearchParams}. */
function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
}
/** Replaces the hash's query without re-routing (keeps history clean while the user filters or selects). */
function setHashParams(path, params) {
  const text = params.toString();
  history.replaceState(null, '', '#' + path + (text ? '?' + text : ''));
}
function navigate(hash) { location.hash = hash; }

/** Makes an element act as a button for the keyboard (Enter / Space). */
function keyActivate(node, handler) {
  node.addEventListener('click', handler);
  node.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); handler(event); }
  });
  return node;
}

function copyButton(text, label) {
  return h('button', {
    type: 'button', class: 'link small copy', title: 'Copy ' + (label || ''), 'aria-label': 'Copy ' + (label || text),
    onclick: () => { if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => toast('Copied')); },
  }, h('svg', { viewBox: '0 0 16 16', width: 13, height: 13, 'aria-hidden': 'true' },
    h('rect', { x: 5, y: 5, width: 9, height: 9, rx: 1.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }),
    h('path', { d: 'M3 11V3a1 1 0 0 1 1-1h7', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 })));
}

/** Scrolls a wide diagram holder so that its middle (where the graph starts) is in view. */
function centerHorizontally(holder) {
  if (holder.scrollWidth > holder.clientWidth) holder.scrollLeft = (holder.scrollWidth - holder.clientWidth) / 2;
}

Object.assign(Baton, { centerHorizontally,
  h, clear, replace, api, ApiError, fmtTime, fmtDuration, toMillis, badge, jsonView, parseJSON, jsonEditor,
  showError, hideError, toast, openDialog, parseHash, setHashParams, navigate, keyActivate, copyButton,
  WORKFLOW_STATUSES, TERMINAL_WORKFLOW, TERMINAL_TASK,
});

/*
 * Stripe.js stand-in for the Aveli Stripe simulator (served at {mount}/v3.js).
 *
 * Implements the part of Stripe.js the app uses — Stripe(), elements(), the Payment Element,
 * elements.submit(), confirmPayment(), confirmSetup() and retrievePaymentIntent() — against the simulator's
 * browser endpoints (see the "Stripe.js stand-in" section of the simulator contract). The
 * Payment Element is plain DOM (no iframe) so tests can drive it like any other form; every
 * class is prefixed `sim-pe-` so it cannot collide with the host page.
 * Only `window.Stripe` is exposed.
 */
(function () {
  'use strict';

  // ---- API base, derived from our own URL so the same file works under any host/mount. ----
  const SCRIPT = document.currentScript ||
    Array.from(document.getElementsByTagName('script')).find((s) => /\/v3\.js(\?|#|$)/.test(s.src));
  const API_BASE = SCRIPT && SCRIPT.src
    ? SCRIPT.src.replace(/[?#].*$/, '').replace(/\/v3\.js$/, '')
    : window.location.origin + '/_sim/stripe';
  const STYLE_NONCE = (SCRIPT && SCRIPT.nonce) || '';

  const KLARNA_CURRENCIES = ['sek', 'eur', 'nok', 'dkk', 'gbp', 'usd', 'chf', 'pln', 'czk', 'aud', 'nzd', 'cad'];
  const KNOWN_TYPES = ['card', 'paypal', 'klarna'];
  const ZERO_DECIMAL = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];

  // ---- Strings, one object per language (Stripe's own wording where it has one). ----
  const STRINGS = {
    en: {
      testMode: 'TEST MODE',
      loading: 'Loading payment form…',
      loadFailed: 'The payment form could not be loaded. Please reload the page.',
      methods: 'Payment method',
      card: 'Card', paypal: 'PayPal', klarna: 'Klarna',
      number: 'Card number', expiry: 'Expiration date', cvc: 'Security code',
      numberPh: '1234 1234 1234 1234', expiryPh: 'MM / YY', cvcPh: 'CVC',
      redirect: (m) => `You will be redirected to ${m} to complete your payment.`,
      incomplete_number: 'Your card number is incomplete.',
      invalid_number: 'Your card number is invalid.',
      incomplete_expiry: "Your card's expiration date is incomplete.",
      invalid_expiry_month: "Your card's expiration month is invalid.",
      invalid_expiry_month_past: "Your card's expiration date is in the past.",
      invalid_expiry_year_past: "Your card's expiration year is in the past.",
      invalid_expiry_year: "Your card's expiration year is invalid.",
      incomplete_cvc: "Your card's security code is incomplete.",
      loadingError: 'The payment form is still loading.',
    },
    sv: {
      testMode: 'TESTLÄGE',
      loading: 'Laddar betalformuläret…',
      loadFailed: 'Betalformuläret kunde inte laddas. Ladda om sidan.',
      methods: 'Betalningsmetod',
      card: 'Kort', paypal: 'PayPal', klarna: 'Klarna',
      number: 'Kortnummer', expiry: 'Utgångsdatum', cvc: 'Säkerhetskod',
      numberPh: '1234 1234 1234 1234', expiryPh: 'MM / ÅÅ', cvcPh: 'CVC',
      redirect: (m) => `Du skickas vidare till ${m} för att slutföra betalningen.`,
      incomplete_number: 'Kortnumret är ofullständigt.',
      invalid_number: 'Kortnumret är ogiltigt.',
      incomplete_expiry: 'Kortets utgångsdatum är ofullständigt.',
      invalid_expiry_month: 'Kortets utgångsmånad är ogiltig.',
      invalid_expiry_month_past: 'Kortets utgångsdatum har passerat.',
      invalid_expiry_year_past: 'Kortets utgångsår har passerat.',
      invalid_expiry_year: 'Kortets utgångsår är ogiltigt.',
      incomplete_cvc: 'Kortets säkerhetskod är ofullständig.',
      loadingError: 'Betalformuläret laddas fortfarande.',
    },
  };
  // The 3-D Secure challenge stands in for the card issuer's page, which Stripe does not
  // translate either; it stays English so tests can find it by the same names in every locale.
  const TDS = {
    title: '3D Secure authentication',
    body: 'This is a simulated 3-D Secure challenge from your card issuer (test mode). Choose how the authentication should end.',
    amount: 'Amount',
    complete: 'Complete authentication',
    fail: 'Fail authentication',
  };

  function pickLang(locale) {
    let l = locale || 'en';
    if (l === 'auto') l = navigator.language || 'en';
    return /^sv/i.test(l) ? 'sv' : 'en';
  }

  // ---- Appearance → CSS custom properties. `theme` picks the defaults, `variables` override. ----
  const THEMES = {
    night: {
      colorPrimary: '#c9bcff', colorBackground: '#0e1334', colorText: '#e8ecf8',
      colorDanger: '#ffb4b4', colorTextSecondary: '#aab3cc', colorTextPlaceholder: '#8e97b3',
      colorBorder: '#7d87ab', colorTabBackground: 'rgba(13, 18, 44, 0.72)',
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      fontSizeBase: '16px', borderRadius: '10px', spacingUnit: '4px',
    },
    stripe: {
      colorPrimary: '#0570de', colorBackground: '#ffffff', colorText: '#30313d',
      colorDanger: '#df1b41', colorTextSecondary: '#6d6e78', colorTextPlaceholder: '#757680',
      colorBorder: '#767676', colorTabBackground: '#ffffff',
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      fontSizeBase: '16px', borderRadius: '5px', spacingUnit: '4px',
    },
  };
  THEMES.flat = Object.assign({}, THEMES.stripe, { colorBackground: '#f6f8fa', colorTabBackground: '#f6f8fa', borderRadius: '4px' });
  const CSS_VARS = {
    colorPrimary: 'primary', colorBackground: 'bg', colorText: 'text', colorDanger: 'danger',
    colorTextSecondary: 'text2', colorTextPlaceholder: 'placeholder', colorBorder: 'border',
    colorTabBackground: 'tab-bg', fontFamily: 'font', fontSizeBase: 'font-size',
    borderRadius: 'radius', spacingUnit: 'space',
  };

  function applyAppearance(node, appearance) {
    const a = appearance || {};
    const vars = Object.assign({}, THEMES[a.theme] || THEMES.night, a.variables || {});
    for (const [name, css] of Object.entries(CSS_VARS)) {
      if (vars[name] != null) node.style.setProperty('--sim-pe-' + css, String(vars[name]));
    }
    // Derived colours the variables do not cover: text on the primary colour (dark or white,
    // whichever reads better) and an opaque surface for the modal, since apps often pass a
    // translucent "glass" colorBackground.
    const primary = parseColor(vars.colorPrimary), bg = parseColor(vars.colorBackground);
    node.style.setProperty('--sim-pe-on-primary', primary && luminance(primary) < 0.2 ? '#ffffff' : '#0a0e26');
    if (bg) {
      const base = luminance(bg) < 0.5 ? [10, 14, 38] : [255, 255, 255];
      const mix = bg.slice(0, 3).map((c, i) => Math.round(c * bg[3] + base[i] * (1 - bg[3])));
      node.style.setProperty('--sim-pe-surface', `rgb(${mix.join(', ')})`);
    }
  }
  // '#rgb', '#rrggbb', 'rgb(…)' or 'rgba(…)' → [r, g, b, a]; anything else → null.
  function parseColor(c) {
    const s = String(c || '').trim();
    let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
    if (m) {
      const x = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
      return [0, 2, 4].map((i) => parseInt(x.slice(i, i + 2), 16)).concat(1);
    }
    m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(s);
    if (!m) return null;
    const a = m[4] == null ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : +m[4];
    return [+m[1], +m[2], +m[3], a];
  }
  function luminance([r, g, b]) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }

  // One stylesheet for every element and dialog; sizes are multiples of --sim-pe-space.
  const CSS = `
.sim-pe-root,.sim-pe-dialog{font-family:var(--sim-pe-font);font-size:var(--sim-pe-font-size);color:var(--sim-pe-text);line-height:1.4;box-sizing:border-box}
.sim-pe-root *,.sim-pe-dialog *{box-sizing:border-box}
.sim-pe-root{display:flex;flex-direction:column;gap:calc(var(--sim-pe-space)*3)}
.sim-pe-root[aria-busy=true]{opacity:.7}
.sim-pe-top{display:flex;justify-content:flex-end}
.sim-pe-badge{display:inline-block;padding:2px 8px;border-radius:999px;background:#f3c969;color:#1a1405;font-size:.72em;font-weight:700;letter-spacing:.06em}
.sim-pe-tabs{display:flex;gap:calc(var(--sim-pe-space)*2);flex-wrap:wrap}
.sim-pe-tab{flex:1 1 0;min-width:6em;min-height:44px;padding:calc(var(--sim-pe-space)*2) calc(var(--sim-pe-space)*3);text-align:left;font:inherit;font-weight:600;color:var(--sim-pe-text);background:var(--sim-pe-tab-bg);border:1px solid var(--sim-pe-border);border-radius:var(--sim-pe-radius);cursor:pointer}
.sim-pe-tab[aria-selected=true]{color:var(--sim-pe-primary);border-color:var(--sim-pe-primary);box-shadow:0 0 0 1px var(--sim-pe-primary)}
.sim-pe-tab:disabled,.sim-pe-input:disabled{cursor:not-allowed}
.sim-pe-panel[hidden]{display:none}
.sim-pe-grid{display:grid;grid-template-columns:1fr 1fr;gap:calc(var(--sim-pe-space)*3)}
.sim-pe-field{display:flex;flex-direction:column;gap:var(--sim-pe-space)}
.sim-pe-field--full{grid-column:1 / -1}
.sim-pe-label{font-size:.875em;font-weight:500;color:var(--sim-pe-text)}
.sim-pe-input{width:100%;min-height:44px;padding:calc(var(--sim-pe-space)*3);font:inherit;color:var(--sim-pe-text);background:var(--sim-pe-bg);border:1px solid var(--sim-pe-border);border-radius:var(--sim-pe-radius);font-variant-numeric:tabular-nums}
.sim-pe-input::placeholder{color:var(--sim-pe-placeholder)}
.sim-pe-input[aria-invalid=true]{border-color:var(--sim-pe-danger);box-shadow:0 0 0 1px var(--sim-pe-danger)}
.sim-pe-tab:focus-visible,.sim-pe-input:focus,.sim-pe-btn:focus-visible{outline:2px solid var(--sim-pe-primary);outline-offset:2px}
.sim-pe-error{margin:0;min-height:0;font-size:.875em;color:var(--sim-pe-danger)}
.sim-pe-error:empty{display:none}
.sim-pe-note{margin:0;color:var(--sim-pe-text2)}
.sim-pe-skel{height:44px;border-radius:var(--sim-pe-radius);background:linear-gradient(90deg,rgba(128,128,160,.18),rgba(128,128,160,.32),rgba(128,128,160,.18));background-size:200% 100%;animation:sim-pe-shimmer 1.4s linear infinite}
.sim-pe-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@keyframes sim-pe-shimmer{to{background-position:-200% 0}}
@media (prefers-reduced-motion:reduce){.sim-pe-skel{animation:none}}
.sim-pe-dialog{max-width:min(28rem,calc(100vw - 2rem));padding:calc(var(--sim-pe-space)*6);background:var(--sim-pe-surface,var(--sim-pe-bg));border:1px solid var(--sim-pe-border);color:var(--sim-pe-text);border-radius:calc(var(--sim-pe-radius)*1.6);box-shadow:0 20px 60px rgba(0,0,0,.5)}
.sim-pe-dialog:not([open]){display:none}
.sim-pe-dialog--fallback{position:fixed;inset:0;margin:auto;height:fit-content;z-index:2147483647}
.sim-pe-dialog::backdrop{background:rgba(2,4,14,.72)}
.sim-pe-dialog h2{margin:0 0 calc(var(--sim-pe-space)*3);font-size:1.25em}
.sim-pe-dialog p{margin:0 0 calc(var(--sim-pe-space)*3)}
.sim-pe-actions{display:flex;gap:calc(var(--sim-pe-space)*3);flex-wrap:wrap;margin-top:calc(var(--sim-pe-space)*5)}
.sim-pe-btn{flex:1 1 auto;min-height:44px;padding:calc(var(--sim-pe-space)*2) calc(var(--sim-pe-space)*4);font:inherit;font-weight:600;border-radius:var(--sim-pe-radius);cursor:pointer;border:1px solid var(--sim-pe-primary);background:var(--sim-pe-primary);color:var(--sim-pe-on-primary)}
.sim-pe-btn--secondary{background:transparent;color:var(--sim-pe-text);border-color:var(--sim-pe-border)}
`;
  let styleInjected = false;
  function injectStyle() {
    if (styleInjected || document.querySelector('style[data-sim-pe]')) { styleInjected = true; return; }
    const s = document.createElement('style');
    s.setAttribute('data-sim-pe', '');
    if (STYLE_NONCE) s.nonce = STYLE_NONCE; // lets a strict CSP that allowed this script allow the style too
    s.textContent = CSS;
    (document.head || document.documentElement).appendChild(s);
    styleInjected = true;
  }

  // ---- Small DOM helper: attributes as an object, children as strings or nodes (no innerHTML). ----
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c != null) el.append(c);
    return el;
  }
  let uid = 0;
  const nextId = (p) => `sim-pe-${p}-${++uid}`;

  // ---- Errors and HTTP. ----
  class IntegrationError extends Error {
    constructor(message) { super(message); this.name = 'IntegrationError'; }
  }

  // A PaymentIntent's (pi_…) or a SetupIntent's (seti_…) client secret → the intent's id.
  function intentIdFromSecret(cs) {
    const m = typeof cs === 'string' && /^((?:pi|seti)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(cs);
    return m ? m[1] : null;
  }
  const intentPath = (id) => (id.startsWith('seti_') ? `/v1/setup_intents/${id}` : `/v1/payment_intents/${id}`);

  // Stripe's form encoding: nested objects become bracketed keys (payment_method_data[card][cvc]).
  function encodeForm(obj, prefix, out) {
    out = out || [];
    for (const [k, v] of Object.entries(obj)) {
      if (v == null) continue;
      const key = prefix ? `${prefix}[${k}]` : k;
      if (typeof v === 'object') encodeForm(v, key, out);
      else out.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(v)));
    }
    return out.join('&');
  }

  // Resolves {data} or {error} (never rejects), as Stripe.js turns every failure into `error`.
  async function api(method, path, params) {
    const body = encodeForm(params);
    const init = { method, headers: { Accept: 'application/json' } };
    let url = API_BASE + path;
    if (method === 'GET') url += '?' + body;
    else { init.headers['Content-Type'] = 'application/x-www-form-urlencoded'; init.body = body; }
    let res;
    try { res = await fetch(url, init); } catch (e) {
      return { error: { type: 'api_connection_error', message: 'An error occurred with our connection to Stripe. Request was retried.' } };
    }
    let json = null;
    try { json = await res.json(); } catch (e) { /* non-JSON body: handled below */ }
    if (!res.ok || !json || json.error) {
      return { error: (json && json.error) || { type: 'api_error', message: `Unexpected response from Stripe (HTTP ${res.status}).` } };
    }
    return { data: json };
  }

  // ---- Card validation (Stripe's error codes; messages localised by the caller). ----
  const digits = (s) => String(s || '').replace(/\D/g, '');
  function luhn(num) {
    let sum = 0;
    for (let i = 0; i < num.length; i++) {
      let d = +num[num.length - 1 - i];
      if (i % 2) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return num.length > 0 && sum % 10 === 0;
  }
  function cardLengths(num) {
    if (/^3[47]/.test(num)) return [15];               // American Express
    if (/^3(0[0-5]|[689])/.test(num)) return [14, 16]; // Diners Club
    if (/^62/.test(num)) return [16, 17, 18, 19];      // UnionPay
    return [16];
  }
  function checkNumber(v) {
    const n = digits(v);
    const lens = cardLengths(n);
    if (n.length < Math.min(...lens)) return 'incomplete_number';
    if (!luhn(n)) return lens.includes(n.length) || n.length >= Math.max(...lens) ? 'invalid_number' : 'incomplete_number';
    return null;
  }
  function parseExpiry(v) {
    const d = digits(v);
    return { month: +d.slice(0, 2), year: 2000 + +d.slice(2, 4), len: d.length };
  }
  function checkExpiry(v) {
    const e = parseExpiry(v);
    if (e.len < 4) return e.len >= 2 && (e.month < 1 || e.month > 12) ? 'invalid_expiry_month' : 'incomplete_expiry';
    if (e.month < 1 || e.month > 12) return 'invalid_expiry_month';
    const now = new Date();
    const y = now.getFullYear(), m = now.getMonth() + 1;
    if (e.year < y) return 'invalid_expiry_year_past';
    if (e.year === y && e.month < m) return 'invalid_expiry_month_past';
    if (e.year > y + 50) return 'invalid_expiry_year';
    return null;
  }
  const checkCvc = (v) => (/^\d{3,4}$/.test(digits(v)) ? null : 'incomplete_cvc');
  const CHECKS = { number: checkNumber, expiry: checkExpiry, cvc: checkCvc };

  function formatNumber(v) {
    const n = digits(v).slice(0, Math.max(...cardLengths(digits(v))));
    return n.replace(/(\d{4})(?=\d)/g, '$1 ');
  }
  function formatExpiry(v, deleting) {
    let d = digits(v);
    if (/^(0[1-9]|1[0-2])20\d\d$/.test(d)) d = d.slice(0, 2) + d.slice(4); // pasted "MM/YYYY"
    d = d.slice(0, 4);
    if (d.length === 1 && d > '1') d = '0' + d; // "4" can only mean April
    if (d.length > 2) return d.slice(0, 2) + ' / ' + d.slice(2);
    if (d.length === 2 && !deleting) return d + ' / ';
    return d;
  }

  // Reformat while keeping the caret after the same number of digits.
  function reformat(input, formatter, ev) {
    const caret = input.selectionStart == null ? input.value.length : input.selectionStart;
    const before = digits(input.value.slice(0, caret)).length;
    const deleting = !!(ev && ev.inputType && ev.inputType.startsWith('delete'));
    const next = formatter(input.value, deleting);
    if (next === input.value) return;
    input.value = next;
    let pos = 0, seen = 0;
    while (pos < next.length && seen < before) { if (/\d/.test(next[pos])) seen++; pos++; }
    if (!deleting) while (pos < next.length && /\D/.test(next[pos])) pos++;
    if (document.activeElement === input) input.setSelectionRange(pos, pos);
  }

  // ---- The Payment Element. ----
  class PaymentElement {
    constructor(group, options) {
      this._group = group;
      this._options = options || {};
      this._handlers = {};
      this._state = { type: 'card', values: { number: '', expiry: '', cvc: '' }, shown: {} };
      this._types = null;       // set once the intent is known
      this._container = null;
      this._root = null;
      this._busy = false;
      this._destroyed = false;
      this._loading = false;
      this._swapping = false;
      this._loadError = null;
    }

    on(event, handler) { (this._handlers[event] = this._handlers[event] || []).push(handler); return this; }
    once(event, handler) { const w = (e) => { this.off(event, w); handler(e); }; return this.on(event, w); }
    off(event, handler) {
      if (!handler) delete this._handlers[event];
      else this._handlers[event] = (this._handlers[event] || []).filter((f) => f !== handler);
      return this;
    }
    _emit(event, payload) {
      for (const f of (this._handlers[event] || []).slice()) {
        try { f(Object.assign({ elementType: 'payment' }, payload)); } catch (e) { setTimeout(() => { throw e; }); }
      }
    }

    mount(target) {
      if (this._destroyed) throw new IntegrationError('This Element has already been destroyed. Please create a new one.');
      const node = typeof target === 'string' ? document.querySelector(target) : target;
      if (!node || node.nodeType !== 1) throw new IntegrationError(`The selector you specified (${target}) applies to no DOM elements that are currently on the page.`);
      if (this._container) this.unmount();
      injectStyle();
      this._container = node;
      // Like Stripe.js, the Element owns its container: whatever placeholder was in it goes.
      while (node.firstChild) node.removeChild(node.firstChild);
      this._render();
      if (this._types || this._loadError) {
        // Remounted after loading: announce again, asynchronously as on first mount.
        setTimeout(() => (this._loadError ? this._emit('loaderror', { error: this._loadError }) : this._emit('ready', {})));
      } else if (!this._loading) {
        this._loading = true;
        this._group._loadIntent().then((r) => {
          if (r.error) this._loadError = r.error;
          else {
            this._types = this._group._methodTypes();
            if (!this._types.includes(this._state.type)) this._state.type = this._types[0];
          }
          if (!this._container || this._destroyed) return; // unmounted meanwhile: the next mount announces
          this._render();
          if (r.error) this._emit('loaderror', { error: r.error });
          else this._emit('ready', {});
        });
      }
    }

    unmount() {
      if (this._root && this._root.parentNode) this._root.parentNode.removeChild(this._root);
      this._root = null;
      this._container = null;
    }

    destroy() {
      this.unmount();
      this._destroyed = true;
      this._handlers = {};
      this._group._element = null;
    }

    update(options) { Object.assign(this._options, options || {}); if (this._root) this._render(); }
    focus() { const i = this._root && this._root.querySelector('input:not(:disabled)'); if (i) i.focus(); }
    blur() { if (this._root && this._root.contains(document.activeElement)) document.activeElement.blur(); }
    clear() { this._state.values = { number: '', expiry: '', cvc: '' }; this._state.shown = {}; if (this._root) this._render(); this._emitChange(); }
    collapse() { return this; }

    get _strings() { return STRINGS[pickLang(this._group._locale())]; }

    // (Re)build the whole DOM from this._state; cheap, and keeps locale/appearance updates simple.
    _render() {
      if (!this._container) return;
      const t = this._strings;
      const hadFocus = this._root && this._root.contains(document.activeElement) ? document.activeElement.getAttribute('data-field') : null;
      const root = h('div', { class: 'sim-pe-root', 'data-testid': 'sim-payment-element', 'aria-busy': this._busy || !this._types ? 'true' : 'false' },
        h('div', { class: 'sim-pe-top' }, h('span', { class: 'sim-pe-badge', 'data-testid': 'sim-pe-test-mode' }, t.testMode)));
      applyAppearance(root, this._group._appearance);
      root.lang = pickLang(this._group._locale());

      if (this._loadError) {
        root.setAttribute('aria-busy', 'false');
        root.append(h('p', { class: 'sim-pe-error', role: 'alert' }, t.loadFailed));
      } else if (!this._types) {
        root.append(h('p', { class: 'sim-pe-sr', role: 'status' }, t.loading),
          h('div', { class: 'sim-pe-skel', 'aria-hidden': 'true' }), h('div', { class: 'sim-pe-skel', 'aria-hidden': 'true' }));
      } else {
        this._renderMethods(root, t);
      }
      // Swapping the tree moves focus around; those are not the user's blurs and focuses.
      this._swapping = true;
      try {
        if (this._root && this._root.parentNode === this._container) this._container.replaceChild(root, this._root);
        else this._container.appendChild(root);
        this._root = root;
        if (hadFocus) { const el = root.querySelector(`[data-field="${hadFocus}"]`); if (el) el.focus(); }
      } finally {
        this._swapping = false;
      }
    }

    _renderMethods(root, t) {
      const types = this._types;
      const tabIds = {}, panelIds = {};
      types.forEach((ty) => { tabIds[ty] = nextId('tab'); panelIds[ty] = nextId('panel'); });
      const tabs = types.map((ty) => h('button', {
        type: 'button', role: 'tab', class: 'sim-pe-tab', id: tabIds[ty], 'data-testid': `sim-pe-tab-${ty}`,
        'data-field': `tab-${ty}`, 'aria-selected': String(ty === this._state.type), 'aria-controls': panelIds[ty],
        tabindex: ty === this._state.type ? '0' : '-1', disabled: this._busy,
        onclick: () => this._select(ty, false),
        onkeydown: (ev) => this._tabKey(ev, ty),
      }, t[ty]));
      root.append(h('div', { class: 'sim-pe-tabs', role: 'tablist', 'aria-label': t.methods }, tabs));
      for (const ty of types) {
        const panel = h('div', { class: 'sim-pe-panel', role: 'tabpanel', id: panelIds[ty], 'aria-labelledby': tabIds[ty], hidden: ty !== this._state.type });
        if (ty === 'card') panel.append(this._cardFields(t));
        else panel.append(h('p', { class: 'sim-pe-note' }, t.redirect(t[ty])));
        root.append(panel);
      }
      root.addEventListener('focusin', (ev) => { if (!this._swapping && !root.contains(ev.relatedTarget)) this._emit('focus', {}); });
      root.addEventListener('focusout', (ev) => { if (!this._swapping && !root.contains(ev.relatedTarget)) this._emit('blur', {}); });
    }

    _cardFields(t) {
      const field = (name, opts) => {
        const id = nextId(name), errId = id + '-error';
        const err = this._state.shown[name];
        const input = h('input', Object.assign({
          id, class: 'sim-pe-input', type: 'text', inputmode: 'numeric', spellcheck: 'false',
          'data-field': name, 'data-testid': `sim-pe-${name}`, 'aria-describedby': errId,
          'aria-invalid': err ? 'true' : 'false', disabled: this._busy,
        }, opts));
        input.value = this._state.values[name];
        input.addEventListener('input', (ev) => this._onInput(name, input, ev));
        input.addEventListener('blur', () => { if (!this._swapping) this._onBlur(name); });
        return h('div', { class: 'sim-pe-field' + (name === 'number' ? ' sim-pe-field--full' : '') },
          h('label', { class: 'sim-pe-label', for: id }, t[name]),
          input,
          h('p', { class: 'sim-pe-error', id: errId, role: 'alert', 'data-testid': `sim-pe-${name}-error` }, err ? t[err] : ''));
      };
      return h('div', { class: 'sim-pe-grid' },
        field('number', { autocomplete: 'cc-number', placeholder: t.numberPh }),
        field('expiry', { autocomplete: 'cc-exp', placeholder: t.expiryPh }),
        field('cvc', { autocomplete: 'cc-csc', placeholder: t.cvcPh }));
    }

    _tabKey(ev, ty) {
      const i = this._types.indexOf(ty), n = this._types.length;
      const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: n - 1 }[ev.key];
      if (to === undefined) return;
      ev.preventDefault();
      this._select(this._types[(to + n) % n], true);
    }

    // Switching tabs only flips attributes, so typed card details and focus survive.
    _select(ty, focusTab) {
      if (!this._busy && ty !== this._state.type) {
        this._state.type = ty;
        for (const tab of this._root.querySelectorAll('[role="tab"]')) {
          const on = tab.getAttribute('data-field') === `tab-${ty}`;
          tab.setAttribute('aria-selected', String(on));
          tab.tabIndex = on ? 0 : -1;
          this._root.querySelector('#' + tab.getAttribute('aria-controls')).hidden = !on;
        }
        this._emitChange();
      }
      if (focusTab) this._focusField(`tab-${ty}`);
    }

    _focusField(name) { const el = this._root && this._root.querySelector(`[data-field="${name}"]`); if (el) el.focus(); }

    _onInput(name, input, ev) {
      if (name === 'number') reformat(input, formatNumber, ev);
      else if (name === 'expiry') reformat(input, formatExpiry, ev);
      else { const d = digits(input.value).slice(0, 4); if (d !== input.value) input.value = d; }
      this._state.values[name] = input.value;
      const code = CHECKS[name](input.value);
      // An error already on screen follows the edits; a number that is full-length but fails
      // Luhn is reported at once, as Stripe does; anything else waits for blur.
      if (this._state.shown[name] || (name === 'number' && code === 'invalid_number')) this._showError(name, code);
      this._emitChange();
    }

    _onBlur(name) {
      const v = this._state.values[name];
      this._showError(name, v ? CHECKS[name](v) : null);
    }

    _showError(name, code) {
      if (code) this._state.shown[name] = code; else delete this._state.shown[name];
      if (!this._root) return;
      const input = this._root.querySelector(`[data-field="${name}"]`);
      const err = this._root.querySelector(`[data-testid="sim-pe-${name}-error"]`);
      if (input) input.setAttribute('aria-invalid', code ? 'true' : 'false');
      if (err) err.textContent = code ? this._strings[code] : '';
    }

    _emitChange() {
      const v = this._state.values;
      const card = this._state.type === 'card';
      this._emit('change', {
        complete: card ? !['number', 'expiry', 'cvc'].some((f) => CHECKS[f](v[f])) : true,
        empty: card ? !(v.number || v.expiry || v.cvc) : false,
        collapsed: false,
        value: { type: this._state.type },
      });
    }

    // Returns the first validation error (and shows every field's error) or null.
    _validate() {
      if (!this._types) return { type: 'validation_error', code: 'incomplete', message: this._strings.loadingError };
      if (this._state.type !== 'card') return null;
      let first = null;
      for (const f of ['number', 'expiry', 'cvc']) {
        const code = CHECKS[f](this._state.values[f]);
        this._showError(f, code);
        if (code && !first) first = { field: f, code };
      }
      if (!first) return null;
      this._focusField(first.field);
      return { type: 'validation_error', code: first.code, message: this._strings[first.code] };
    }

    _paymentMethodData() {
      if (this._state.type !== 'card') return { type: this._state.type };
      const v = this._state.values, e = parseExpiry(v.expiry);
      return { type: 'card', card: { number: digits(v.number), exp_month: String(e.month), exp_year: String(e.year), cvc: digits(v.cvc) } };
    }

    _setBusy(busy) {
      this._busy = busy;
      if (!this._root) return;
      this._root.setAttribute('aria-busy', busy ? 'true' : 'false');
      for (const el of this._root.querySelectorAll('input, button')) el.disabled = busy;
    }
  }

  // ---- Elements group: holds the client secret, appearance, locale and the fetched intent. ----
  class Elements {
    constructor(stripe, options) {
      this._stripe = stripe;
      this._options = Object.assign({}, options || {});
      this._element = null;
      this._intentPromise = null;
      this._intent = null;
    }
    get _appearance() { return this._options.appearance; }
    _locale() { return this._options.locale || this._stripe._options.locale; }

    create(type, options) {
      if (type !== 'payment') throw new IntegrationError(`The simulator's Stripe.js only supports the "payment" Element, not "${type}".`);
      if (this._element) throw new IntegrationError('Can only create one Element of type payment.');
      this._element = new PaymentElement(this, options);
      return this._element;
    }
    getElement(type) { return type === 'payment' ? this._element : null; }

    update(options) {
      Object.assign(this._options, options || {});
      if (this._element && this._element._root) this._element._render();
    }

    async submit() {
      if (!this._element || !this._element._root) {
        return { error: { type: 'validation_error', message: 'No Payment Element is mounted.' } };
      }
      const error = this._element._validate();
      return error ? { error } : {};
    }

    fetchUpdates() { this._intentPromise = null; this._intent = null; return this._loadIntent().then((r) => (r.error ? { error: r.error } : {})); }

    // Fetches the PaymentIntent once (shared by every mount); deferred mode needs no fetch.
    _loadIntent() {
      if (!this._intentPromise) {
        const cs = this._options.clientSecret;
        if (!cs) {
          this._intent = { currency: String(this._options.currency || 'usd').toLowerCase(), payment_method_types: this._options.paymentMethodTypes };
          this._intentPromise = Promise.resolve({ data: this._intent });
        } else {
          this._intentPromise = this._stripe._retrieve(cs).then((r) => { if (r.data) this._intent = r.data; return r; });
        }
      }
      return this._intentPromise;
    }

    // The intent's payment_method_types (when present) filtered to what we can show.
    _methodTypes() {
      const pi = this._intent || {};
      const listed = Array.isArray(pi.payment_method_types) && pi.payment_method_types.length ? pi.payment_method_types : KNOWN_TYPES;
      const cur = String(pi.currency || '').toLowerCase();
      const types = listed.filter((t) => KNOWN_TYPES.includes(t) && (t !== 'klarna' || KLARNA_CURRENCIES.includes(cur)));
      return types.length ? types : ['card'];
    }
  }

  // ---- 3-D Secure challenge: a modal <dialog>; resolves 'complete' or 'fail' (Esc = fail). ----
  function challenge3ds(pi, appearance) {
    injectStyle();
    return new Promise((resolve) => {
      const titleId = nextId('tds-title'), bodyId = nextId('tds-body');
      let done = false;
      const finish = (outcome) => {
        if (done) return;
        done = true;
        if (typeof dlg.close === 'function' && dlg.open) dlg.close();
        dlg.remove();
        resolve(outcome);
      };
      const amount = pi && typeof pi.amount === 'number' && pi.currency ? formatAmount(pi.amount, pi.currency) : null;
      const dlg = h('dialog', { class: 'sim-pe-dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId, 'data-testid': 'sim-3ds-dialog', lang: 'en' },
        h('h2', { id: titleId }, TDS.title),
        h('p', { id: bodyId }, TDS.body),
        amount ? h('p', {}, `${TDS.amount}: ${amount}`) : null,
        h('span', { class: 'sim-pe-badge', 'data-testid': 'sim-3ds-test-mode' }, 'TEST MODE'),
        h('div', { class: 'sim-pe-actions' },
          h('button', { type: 'button', class: 'sim-pe-btn', 'data-testid': 'sim-3ds-complete', onclick: () => finish('complete') }, TDS.complete),
          h('button', { type: 'button', class: 'sim-pe-btn sim-pe-btn--secondary', 'data-testid': 'sim-3ds-fail', onclick: () => finish('fail') }, TDS.fail)));
      applyAppearance(dlg, appearance);
      dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); finish('fail'); });
      document.body.appendChild(dlg);
      if (typeof dlg.showModal === 'function') {
        dlg.showModal();
      } else {
        // Old browsers: an ARIA modal overlay instead of the native dialog.
        dlg.classList.add('sim-pe-dialog--fallback');
        dlg.setAttribute('role', 'dialog');
        dlg.setAttribute('aria-modal', 'true');
        dlg.setAttribute('open', '');
        dlg.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') finish('fail'); });
      }
      dlg.querySelector('[data-testid="sim-3ds-complete"]').focus();
    });
  }

  function formatAmount(amount, currency) {
    const cur = currency.toLowerCase();
    const value = ZERO_DECIMAL.includes(cur) ? amount : amount / 100;
    try { return new Intl.NumberFormat('en', { style: 'currency', currency: cur.toUpperCase() }).format(value); } catch (e) { return `${value} ${cur.toUpperCase()}`; }
  }

  // ---- The Stripe object. ----
  class StripeSim {
    constructor(key, options) {
      if (typeof key !== 'string' || !key) throw new IntegrationError('Please call Stripe() with your publishable key. You used an empty string.');
      if (/^sk_/.test(key)) throw new IntegrationError('You should not use your secret key with Stripe.js. Please pass a publishable key instead.');
      this._key = key;
      this._options = Object.assign({}, options || {});
    }

    elements(options) { return new Elements(this, options); }

    _retrieve(cs) {
      const id = intentIdFromSecret(cs);
      return api('GET', intentPath(id), { key: this._key, client_secret: cs });
    }

    async retrievePaymentIntent(clientSecret) {
      if (!intentIdFromSecret(clientSecret)) throw new IntegrationError('Invalid value for retrievePaymentIntent: clientSecret should be a client secret of the form ${id}_secret_${secret}.');
      const r = await this._retrieve(clientSecret);
      return r.error ? { error: r.error } : { paymentIntent: r.data };
    }

    async confirmPayment(opts) {
      const { elements, confirmParams = {}, redirect = 'always' } = opts || {};
      if (!(elements instanceof Elements)) throw new IntegrationError('stripe.confirmPayment(): expected `elements` to be an Elements group created by stripe.elements().');
      const clientSecret = opts.clientSecret || elements._options.clientSecret;
      if (!intentIdFromSecret(clientSecret)) throw new IntegrationError('stripe.confirmPayment(): a `clientSecret` of the form ${id}_secret_${secret} is required (pass it to elements() or confirmPayment()).');
      const element = elements._element;
      if (!element || !element._root) throw new IntegrationError('stripe.confirmPayment(): the Payment Element must be created and mounted before confirming.');
      const pmType = element._state.type;
      const returnUrl = confirmParams.return_url;
      if (!returnUrl && (redirect !== 'if_required' || pmType !== 'card')) {
        throw new IntegrationError(`stripe.confirmPayment(): \`confirmParams.return_url\` is required ${pmType === 'card' ? "unless passing `redirect: 'if_required'`" : `for ${pmType}, which always redirects`}.`);
      }

      const invalid = element._validate();
      if (invalid) return { error: invalid };

      element._setBusy(true);
      try {
        const id = intentIdFromSecret(clientSecret);
        const extra = confirmParams.payment_method_data || {};
        const pmd = Object.assign({}, extra, element._paymentMethodData());
        const r = await api('POST', `/v1/payment_intents/${id}/confirm`, {
          key: this._key, client_secret: clientSecret, payment_method_data: pmd,
          return_url: returnUrl, receipt_email: confirmParams.receipt_email,
        });
        if (r.error) return { error: r.error };
        return await this._handleIntent(r.data, { clientSecret, returnUrl, redirect, appearance: elements._appearance });
      } finally {
        element._setBusy(false);
      }
    }

    // Saves a card on a SetupIntent (e.g. a trial's): no charge now. Cards only, as the
    // SetupIntents the simulator makes accept only cards.
    async confirmSetup(opts) {
      const { elements, confirmParams = {}, redirect = 'always' } = opts || {};
      if (!(elements instanceof Elements)) throw new IntegrationError('stripe.confirmSetup(): expected `elements` to be an Elements group created by stripe.elements().');
      const clientSecret = opts.clientSecret || elements._options.clientSecret;
      const id = intentIdFromSecret(clientSecret);
      if (!id || !id.startsWith('seti_')) throw new IntegrationError('stripe.confirmSetup(): a SetupIntent `clientSecret` of the form ${id}_secret_${secret} is required.');
      const element = elements._element;
      if (!element || !element._root) throw new IntegrationError('stripe.confirmSetup(): the Payment Element must be created and mounted before confirming.');
      const returnUrl = confirmParams.return_url;
      if (!returnUrl && redirect !== 'if_required') throw new IntegrationError("stripe.confirmSetup(): `confirmParams.return_url` is required unless passing `redirect: 'if_required'`.");

      const invalid = element._validate();
      if (invalid) return { error: invalid };

      element._setBusy(true);
      try {
        const extra = confirmParams.payment_method_data || {};
        const pmd = Object.assign({}, extra, element._paymentMethodData());
        const r = await api('POST', `/v1/setup_intents/${id}/confirm`, {
          key: this._key, client_secret: clientSecret, payment_method_data: pmd, return_url: returnUrl,
        });
        if (r.error) return { error: r.error };
        let si = r.data;
        if (si.status === 'requires_action' && si.next_action && si.next_action.type === 'use_stripe_sdk') {
          const outcome = await challenge3ds(si, elements._appearance);
          const a = await api('POST', `/v1/setup_intents/${id}/authenticate`, { key: this._key, client_secret: clientSecret, outcome });
          if (a.error) return { error: a.error };
          si = a.data;
        }
        if (si.status === 'succeeded') {
          if (redirect === 'if_required') return { setupIntent: si };
          const url = new URL(returnUrl, window.location.href);
          url.searchParams.set('setup_intent', si.id);
          url.searchParams.set('setup_intent_client_secret', clientSecret);
          url.searchParams.set('redirect_status', 'succeeded');
          window.location.assign(url.toString());
          return new Promise(() => {});
        }
        const lse = si.last_setup_error;
        if (lse) return { error: Object.assign({}, lse, { setup_intent: si }) };
        return { error: { type: 'invalid_request_error', code: 'setup_intent_unexpected_state', message: `The SetupIntent is in an unexpected state (${si.status}).`, setup_intent: si } };
      } finally {
        element._setBusy(false);
      }
    }

    // Drives an intent returned by confirm to its end: success, redirect, 3-D Secure or error.
    async _handleIntent(pi, ctx) {
      const action = pi.next_action;
      if (pi.status === 'requires_action' && action && action.type === 'redirect_to_url') {
        window.location.assign(action.redirect_to_url.url);
        return new Promise(() => {}); // the page is leaving, as with Stripe.js
      }
      if (pi.status === 'requires_action' && action && action.type === 'use_stripe_sdk') {
        const outcome = await challenge3ds(pi, ctx.appearance);
        const r = await api('POST', `/v1/payment_intents/${pi.id}/authenticate`, { key: this._key, client_secret: ctx.clientSecret, outcome });
        if (r.error) return { error: r.error };
        const after = r.data;
        if (after.status === 'succeeded' || after.status === 'processing' || after.status === 'requires_capture') return this._succeed(after, ctx);
        const lpe = after.last_payment_error || {};
        return { error: Object.assign({}, lpe, {
          type: 'card_error', code: 'payment_intent_authentication_failure',
          message: lpe.message || 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
          payment_intent: after,
        }) };
      }
      if (pi.status === 'succeeded' || pi.status === 'processing' || pi.status === 'requires_capture') return this._succeed(pi, ctx);
      const lpe = pi.last_payment_error;
      if (lpe) return { error: Object.assign({}, lpe, { payment_intent: pi }) };
      return { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `The PaymentIntent is in an unexpected state (${pi.status}).`, payment_intent: pi } };
    }

    _succeed(pi, ctx) {
      if (ctx.redirect === 'if_required') return { paymentIntent: pi };
      const url = new URL(ctx.returnUrl, window.location.href);
      url.searchParams.set('payment_intent', pi.id);
      url.searchParams.set('payment_intent_client_secret', ctx.clientSecret);
      url.searchParams.set('redirect_status', pi.status === 'succeeded' ? 'succeeded' : pi.status);
      window.location.assign(url.toString());
      return new Promise(() => {});
    }
  }

  // Works with and without `new`, like Stripe's factory.
  window.Stripe = function Stripe(key, options) { return new StripeSim(key, options); };
})();

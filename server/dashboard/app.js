// The dashboard's frame: sign-in, the page for the address after '#', and live updates.
import { ApiError, session } from './api.js';
import { errorBox, h } from './dom.js';
import { startLive } from './live.js';
import { pages } from './pages.js';
import { casePages } from './case_pages.js';
import { reportPages } from './report_pages.js';

const routes = { ...pages, ...reportPages, ...casePages };
const main = document.getElementById('main');
let live = null;
let rendering = 0;
let refreshTimer = null;
let lastRefresh = 0;
// Each refresh reads the page's reports again, and each read is audited as a view: a busy
// service refreshes an open page at most this often.
const refreshEveryMs = 5000;

function currentRoute() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, search = ''] = hash.split('?');
  const [name, ...rest] = path.split('/');
  return { name: name || 'overview', arg: rest.map(decodeURIComponent).join('/'), params: new URLSearchParams(search) };
}

function markNavigation(name) {
  for (const anchor of document.querySelectorAll('#nav a')) {
    const target = anchor.getAttribute('href').slice(2) || 'overview';
    const current = target === name || (name === 'case' && target === 'cases') || (name === 'workflow' && target === 'workflows');
    if (current) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
}

function showAccount() {
  const user = session.user();
  document.getElementById('account').hidden = !session.token();
  document.getElementById('signed-in-as').textContent = user ? `Signed in as ${user}` : 'Signed in';
}

function signInForm(message) {
  const form = h('form', {
    'aria-labelledby': 'sign-in-heading',
    onsubmit: (event) => {
      event.preventDefault();
      const token = new FormData(event.target).get('token');
      if (!token.trim()) return;
      session.signIn(token);
      showAccount();
      startFeed();
      render({ focus: true });
    },
  },
  h('div', { className: 'field' },
    h('label', { for: 'token' }, 'Access token'),
    h('p', { id: 'token-hint', className: 'lede' },
      'Paste the bearer token your administrator gave you (for example from casegate token). ' +
      'It is kept only in this browser tab and is forgotten when the tab closes.'),
    h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
      'aria-describedby': 'token-hint', spellcheck: 'false' })),
  h('div', { className: 'actions-row' }, h('button', { type: 'submit' }, 'Sign in')));
  return [h('h1', { tabindex: -1, id: 'sign-in-heading' }, 'Sign in'), message ? h('p', { className: 'error', role: 'alert' }, message) : null, form];
}

// Renders the page for the address. A live refresh keeps the reader where they are: it swaps the
// content only when it changed and puts focus back on the same control.
async function render({ focus = false, refresh = false } = {}) {
  const ticket = ++rendering;
  const { name, arg, params } = currentRoute();
  markNavigation(name);
  const page = routes[name] ?? routes.overview;
  let content;
  try {
    content = await page.render({ arg, params });
  } catch (error) {
    if (ticket !== rendering) return;
    if (error instanceof ApiError && error.status === 401) {
      const hadToken = Boolean(session.token());
      session.signOut();
      showAccount();
      live?.stop();
      live = null;
      replace(signInForm(hadToken ? 'That token was not accepted or has expired. Sign in again.' : null), true);
      document.title = 'Sign in: casegate oversight';
      return;
    }
    content = [h('h1', { tabindex: -1 }, page.title(arg)), errorBox(error)];
  }
  if (ticket !== rendering) return;
  document.title = `${page.title(arg)}: casegate oversight`;
  if (refresh) {
    const next = h('div', {}, content);
    if (next.innerHTML === main.innerHTML) return;
    replace(content, false, true);
  } else {
    replace(content, focus);
  }
  if (!live) startFeed();
}

function replace(content, focus, keepFocus = false) {
  const active = document.activeElement;
  const key = keepFocus && main.contains(active) ? focusKey(active) : null;
  main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
  if (key) {
    const same = [...main.querySelectorAll(key.selector)].find((element) => focusKey(element).text === key.text);
    same?.focus();
  }
  if (focus) main.querySelector('h1')?.focus();
}

function focusKey(element) {
  const selector = element.id ? `#${CSS.escape(element.id)}` : element.tagName.toLowerCase();
  return { selector, text: `${element.getAttribute('href') ?? ''}|${element.textContent}` };
}

function startFeed() {
  live?.stop();
  const status = document.getElementById('live-status');
  live = startLive({
    onStatus: (state, text) => {
      status.textContent = text;
      status.dataset.state = state;
    },
    onChange: () => {
      // A burst of commands gives one refresh; a reader typing in a filter is not interrupted.
      if (refreshTimer) return;
      const wait = Math.max(500, lastRefresh + refreshEveryMs - Date.now());
      refreshTimer = setTimeout(function again() {
        if (main.contains(document.activeElement) && document.activeElement.matches('input, select, textarea')) {
          refreshTimer = setTimeout(again, 1000);
          return;
        }
        refreshTimer = null;
        lastRefresh = Date.now();
        render({ refresh: true });
      }, wait);
    },
  });
  window.casegateLive = live;  // tests drop the connection through this
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  live?.stop();
  live = null;
  showAccount();
  replace(signInForm('You have signed out.'), true);
});
// The skip link moves focus without changing the address (the address names the page).
document.getElementById('skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => render({ focus: true }));
showAccount();
render({ focus: false });

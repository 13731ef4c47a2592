// The bc-gitops dashboard: plain DOM, no framework, nothing fetched but this listener's own JSON.
// Everything shown is user-controlled (names, messages, specs): it only ever reaches the page as text
// (textContent, attribute values set one by one), never as HTML.
'use strict';
(function () {
  const TOKEN_KEY = 'bcgitops-dashboard-token';
  const SVG = 'http://www.w3.org/2000/svg';
  const main = document.getElementById('main');
  const live = document.getElementById('live');
  const state = { overview: null, stream: null, filters: { namespace: '', source: '', phase: '', text: '' },
    detailTimer: null, renewTimer: null };

  // Elements ---------------------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'on') { for (const [event, fn] of Object.entries(v)) el.addEventListener(event, fn); continue; }
      if (k === 'href' && !safeHref(String(v))) continue;
      if (k === 'src' && !safeSrc(String(v))) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function append(el, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  // Links within the page, or to https pages (commits); images from https or data: images only.
  function safeHref(v) { return v.startsWith('#/') || /^https:\/\/[^\s"'<>]+$/.test(v); }
  function safeSrc(v) { return /^https:\/\/[^\s"'<>]+$/.test(v) || /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(v); }
  function seg(v) { return encodeURIComponent(v); }

  // Identicon: the same 5x5 mirrored drawing as io.bcgitops.spec.Identicon, from the SHA-256 bytes the server sends.
  function identicon(hex, cls) {
    const byte = i => parseInt(hex.substr(i * 2, 2), 16);
    const color = '#' + hex.substr(0, 6);
    const svg = s('svg', { viewBox: '0 0 5 5', 'shape-rendering': 'crispEdges', class: cls, role: 'img', 'aria-label': 'identicon' });
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        if ((byte(3 + row * 3 + col) & 1) === 1) {
          svg.appendChild(s('rect', { x: col, y: row, width: 1, height: 1, fill: color }));
          if (col < 2) svg.appendChild(s('rect', { x: 4 - col, y: row, width: 1, height: 1, fill: color }));
        }
      }
    }
    return svg;
  }
  function icon(app, big) {
    const cls = big ? 'icon big' : 'icon';
    if (app.icon && app.icon.src) return h('img', { class: cls, src: app.icon.src, alt: '', referrerpolicy: 'no-referrer', loading: 'lazy' });
    return identicon((app.icon && app.icon.identicon) || '000000000000000000000000000000000000', cls);
  }
  function phase(p) { return h('span', { class: 'phase ' + (p || 'Unknown') }, p || 'Unknown'); }
  function cond(c) {
    if (!c) return h('span', { class: 'muted' }, '—');
    return h('span', {}, h('span', { class: 'status ' + c.status }, c.type + ' ' + c.status), ' ',
      c.reason ? h('b', {}, c.reason) : null, c.message ? h('span', { class: 'muted' }, ': ' + c.message) : null);
  }
  function when(t) { return t ? h('time', { datetime: t, title: t }, ago(t)) : h('span', { class: 'muted' }, '—'); }
  function ago(t) {
    const ms = Date.now() - Date.parse(t);
    if (isNaN(ms)) return t;
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 60 ? s + 's ago' : s < 3600 ? Math.round(s / 60) + 'm ago' : s < 86400 ? Math.round(s / 3600) + 'h ago' : Math.round(s / 86400) + 'd ago';
  }
  function show(...children) { main.replaceChildren(...children.flat().filter(Boolean)); }

  // Authentication ----------------------------------------------------------------------------------------
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + token() }, cache: 'no-store', credentials: 'same-origin' });
    if (response.status === 401) { loginForm('Your token was not accepted (expired or revoked): log in again.'); throw new Error('401'); }
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    return body;
  }
  // Logs in with the kept token: a session cookie for the live stream. The session lasts a minute from the last login,
  // so the page logs in again every 20 s (renewing the same session): a token revoked or expired ends it soon.
  async function login() {
    const response = await fetch('/api/session', { method: 'POST', headers: { Authorization: 'Bearer ' + token() }, credentials: 'same-origin' });
    if (!response.ok) return false;
    const body = await response.json();
    document.getElementById('user').textContent = body.user;
    document.getElementById('logout').hidden = false;
    clearTimeout(state.renewTimer);
    state.renewTimer = setTimeout(renew, 20000);
    return true;
  }
  async function renew() {
    if (!token()) return;
    let response;
    try {
      response = await fetch('/api/session', { method: 'POST', headers: { Authorization: 'Bearer ' + token() }, credentials: 'same-origin' });
    } catch (e) { state.renewTimer = setTimeout(renew, 5000); return; }
    if (response.status === 401) { sessionStorage.removeItem(TOKEN_KEY); loginForm('Your token is no longer accepted (expired or revoked): log in again.'); return; }
    state.renewTimer = setTimeout(renew, response.ok ? 20000 : 5000);
  }
  function loginForm(message) {
    stopStream();
    clearTimeout(state.renewTimer);
    const area = h('textarea', { id: 'token', autocomplete: 'off', spellcheck: 'false', placeholder: 'eyJhbGciOi...' });
    const form = h('form', { class: 'login', on: { submit: async e => {
      e.preventDefault();
      const value = area.value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      if (await login()) { startStream(); route(); } else { sessionStorage.removeItem(TOKEN_KEY); loginForm('That token was not accepted.'); }
    } } },
      h('h1', {}, 'Log in'),
      h('p', {}, 'Paste a Kubernetes bearer token (for example the output of ', h('code', {}, 'kubectl create token <service-account>'),
        ' or your OIDC id-token). You see what that identity may get. The token stays in this tab (sessionStorage) and is sent to this dashboard only.'),
      message ? h('p', { class: 'error' }, message) : null,
      area, h('p', {}, h('button', { type: 'submit' }, 'Log in')));
    show(form);
  }
  document.getElementById('logout').addEventListener('click', async () => {
    sessionStorage.removeItem(TOKEN_KEY);
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
    document.getElementById('user').textContent = '';
    document.getElementById('logout').hidden = true;
    loginForm(null);
  });

  // Live updates: Server-Sent Events on the session cookie the login set -------------------------------------
  function startStream() {
    stopStream();
    const stream = new EventSource('/api/stream', { withCredentials: true });
    state.stream = stream;
    stream.addEventListener('open', () => { live.textContent = 'live'; live.className = 'live on'; });
    stream.addEventListener('overview', e => {
      state.overview = JSON.parse(e.data);
      document.body.dataset.version = String(state.overview.version);
      onOverview();
    });
    stream.addEventListener('error', () => {
      live.textContent = 'reconnecting'; live.className = 'live off';
      if (stream.readyState === EventSource.CLOSED && state.stream === stream) {
        // The session ended (or the stream was refused: too many open): meanwhile the overview once, without the
        // stream; then log in again with the kept token, and reconnect.
        if (!state.overview) api('/api/overview').then(o => { if (!state.overview) { state.overview = o; onOverview(); } }, () => {});
        setTimeout(async () => { if (state.stream === stream && token() && await login()) startStream(); }, 5000);
      }
    });
  }
  function stopStream() { if (state.stream) { state.stream.close(); state.stream = null; } live.textContent = 'offline'; live.className = 'live off'; }

  // Routes ------------------------------------------------------------------------------------------------
  function route() {
    if (!token()) { loginForm(null); return; }
    const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
    clearTimeout(state.detailTimer);
    if (parts[0] === 'app' && parts.length === 3) appPage(parts[1], parts[2]);
    else if (parts[0] === 'graph' && parts.length === 3) graphPage(parts[1], parts[2]);
    else if (parts[0] === 'pools') poolsPage();
    else overviewPage();
  }
  function onOverview() {
    const page = location.hash.replace(/^#\/?/, '').split('/')[0];
    if (page === '' ) overviewPage();
    else if (page === 'pools') poolsPage();
    else {
      // The app's page and the graph are read again, at most once a second, when something changed.
      clearTimeout(state.detailTimer);
      state.detailTimer = setTimeout(route, 1000);
    }
  }
  window.addEventListener('hashchange', route);

  // Overview ----------------------------------------------------------------------------------------------
  function overviewPage() {
    const o = state.overview;
    if (!o) { show(h('p', { class: 'muted' }, 'Loading…')); return; }
    const started = performance.now();
    const f = state.filters;
    const apps = o.apps.filter(a => (!f.namespace || a.namespace === f.namespace) && (!f.source || a.source === f.source)
      && (!f.phase || (a.phase || 'Unknown') === f.phase) && (!f.text || a.name.includes(f.text)));
    const failing = apps.filter(a => a.failing).length;
    show(
      h('h1', {}, 'Sources'),
      sourcesTable(o.sources.filter(x => !f.namespace || x.namespace === f.namespace)),
      h('h1', {}, 'Apps ', h('span', { class: 'muted', id: 'app-count' }, apps.length + ' shown, ' + failing + ' failing')),
      filters(o),
      h('div', { class: 'cards', id: 'cards' }, apps.map(card)));
    window.bcgitopsRenderMs = performance.now() - started;
  }
  function select(label, key, values) {
    const sel = h('select', { id: 'filter-' + key, on: { change: e => { state.filters[key] = e.target.value; overviewPage(); } } },
      h('option', { value: '' }, 'all'), values.map(v => h('option', { value: v, selected: state.filters[key] === v }, v)));
    return h('label', {}, label + ' ', sel);
  }
  function filters(o) {
    const uniq = xs => [...new Set(xs.filter(Boolean))].sort();
    const text = h('input', { type: 'search', id: 'filter-text', placeholder: 'name contains', value: state.filters.text,
      on: { change: e => { state.filters.text = e.target.value; overviewPage(); } } });
    return h('div', { class: 'filters' }, select('Namespace', 'namespace', o.namespaces),
      select('Source', 'source', uniq(o.apps.map(a => a.source))),
      select('Phase', 'phase', ['Pending', 'WaitingForDependencies', 'Deploying', 'Running', 'Upgrading', 'Degraded', 'Failed', 'Unknown']),
      text);
  }
  function sourcesTable(sources) {
    if (!sources.length) return h('p', { class: 'muted' }, 'No GitOpsSource you may see.');
    return h('table', { id: 'sources' }, h('thead', {}, h('tr', {}, ['Source', 'URL', 'Revision', 'Fetched', 'Ready', 'Stalled', 'Apps', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, sources.map(x => h('tr', { class: 'source' },
        h('td', {}, h('b', {}, x.name), h('div', { class: 'muted' }, x.namespace), x.suspended ? h('div', { class: 'muted' }, 'suspended') : null),
        h('td', {}, x.url || ''),
        h('td', {}, x.commitUrl ? h('a', { href: x.commitUrl, rel: 'noopener noreferrer', target: '_blank', title: x.revision }, x.shortRevision || x.revision)
          : (x.shortRevision || x.revision || h('span', { class: 'muted' }, 'not fetched'))),
        h('td', {}, when(x.fetchedAt)),
        h('td', {}, cond(x.ready)),
        h('td', {}, x.stalled ? cond(x.stalled) : h('span', { class: 'muted' }, 'no')),
        h('td', {}, x.readyCount + '/' + x.appCount + ' ready',
          x.invalidApps.map(i => h('div', { class: 'error' }, i.file + ': ' + i.error)),
          x.invalidAppCount > x.invalidApps.length ? h('div', { class: 'error' }, 'and ' + (x.invalidAppCount - x.invalidApps.length) + ' more invalid spec files') : null),
        h('td', {}, h('a', { href: '#/graph/' + seg(x.namespace) + '/' + seg(x.name) }, 'graph'))))));
  }
  function card(a) {
    const notReady = a.ready && a.ready.status !== 'True' && a.ready.message;
    return h('div', { class: 'card ' + (a.failing ? 'failing ' : '') + (a.phase || ''), 'data-app': a.namespace + '/' + a.name, 'data-phase': a.phase || 'Unknown' },
      h('div', { class: 'top' }, icon(a, false), h('div', { class: 'label' },
        h('a', { class: 'name', href: '#/app/' + seg(a.namespace) + '/' + seg(a.name), title: a.name }, a.name),
        h('div', { class: 'ns' }, a.namespace + (a.source ? ' · ' + a.source : '')))),
      h('dl', {},
        h('dt', {}, 'phase'), h('dd', {}, phase(a.phase), ' ', a.health ? h('span', { class: 'muted' }, a.health) : null),
        h('dt', {}, 'version'), h('dd', {}, (a.deployedVersion || '—') + (a.desiredVersion && a.desiredVersion !== a.deployedVersion ? ' → ' + a.desiredVersion : '')),
        h('dt', {}, 'restarts'), h('dd', {}, String(a.restarts)),
        h('dt', {}, a.isolation), h('dd', { title: a.node || '' }, a.where === 'pool' ? 'pool ' + a.runtime : (a.node ? 'pod ' + a.node : 'pod'))),
      notReady ? h('div', { class: 'why' }, (a.ready.reason ? a.ready.reason + ': ' : '') + a.ready.message) : null);
  }

  // An app's page -----------------------------------------------------------------------------------------
  async function appPage(ns, name) {
    let d;
    try { d = await api('/api/apps/' + seg(ns) + '/' + seg(name)); } catch (e) { if (e.message !== '401') show(h('p', { class: 'error' }, e.message)); return; }
    const a = d.app;
    show(
      h('div', { class: 'top' }, h('p', {}, h('a', { href: '#/' }, '← Overview'))),
      h('h1', { id: 'app-title' }, icon(a, true), ' ', a.name, ' ', phase(a.phase)),
      h('p', { class: 'muted' }, a.namespace + (a.source ? ' · source ' + a.source : '') + ' · ' + a.isolation + ' · ' +
        (a.where === 'pool' ? 'runtime pool ' + a.runtime : 'pod ' + (a.node || '—')) + ' · health ' + (a.health || 'unknown') + ' · restarts ' + a.restarts),
      a.description ? h('p', {}, a.description) : null,
      h('h2', {}, 'Versions'),
      h('table', { class: 'versions' }, h('tbody', {},
        h('tr', {}, h('td', {}, 'previous'), h('td', {}, a.previousVersion || '—')),
        h('tr', {}, h('td', {}, 'deployed'), h('td', {}, a.deployedVersion || '—')),
        h('tr', {}, h('td', {}, 'desired'), h('td', {}, a.desiredVersion || '—')))),
      h('h2', {}, 'Conditions'),
      d.conditions.length ? h('table', { id: 'conditions' }, h('thead', {}, h('tr', {}, ['Type', 'Status', 'Reason', 'Message', 'Since'].map(t => h('th', {}, t)))),
        h('tbody', {}, d.conditions.map(c => h('tr', {}, h('td', {}, c.type), h('td', {}, h('span', { class: 'status ' + c.status }, c.status)),
          h('td', {}, c.reason || ''), h('td', {}, c.message || ''), h('td', {}, when(c.lastTransitionTime))))))
        : h('p', { class: 'muted' }, 'None yet.'),
      h('h2', {}, 'Recent events'),
      d.events ? (d.events.length ? h('table', { id: 'events' }, h('thead', {}, h('tr', {}, ['Last seen', 'Type', 'Reason', 'Message'].map(t => h('th', {}, t)))),
        h('tbody', {}, d.events.map(e => h('tr', {}, h('td', {}, when(e.lastSeen), e.count > 1 ? ' (x' + e.count + ')' : ''),
          h('td', {}, e.type || ''), h('td', {}, e.reason || ''), h('td', {}, e.message || '')))))
        : h('p', { class: 'muted' }, d.eventsError || 'No recent events.')) : h('p', { class: 'muted' }, d.eventsError),
      d.pool || d.poolApps ? h('h2', {}, 'Runtime pool ' + a.runtime) : null,
      d.pool ? h('p', {}, 'memory ' + (d.pool.memoryLimit || 'default') + ' · pod ' + (d.pool.pod || '—') + ' · ', cond(d.pool.ready)) : null,
      d.poolApps ? (d.poolApps.length ? h('ul', { id: 'pool-apps' }, d.poolApps.map(p => h('li', {},
        h('a', { href: '#/app/' + seg(p.namespace) + '/' + seg(p.name) }, p.name), ' ', phase(p.phase), ' ', p.deployedVersion || '')))
        : h('p', { class: 'muted' }, 'No other app runs in this pool.')) : null,
      h('h2', {}, 'Spec'),
      h('pre', { id: 'spec' }, d.specYaml));
  }

  // Dependency graph --------------------------------------------------------------------------------------
  async function graphPage(ns, source) {
    let g;
    try { g = await api('/api/graph/' + seg(ns) + '/' + seg(source)); } catch (e) { if (e.message !== '401') show(h('p', { class: 'error' }, e.message)); return; }
    const W = 170, H = 34, GX = 30, GY = 60, PAD = 20;
    const layers = [];
    for (const n of g.nodes) (layers[n.layer] = layers[n.layer] || []).push(n);
    const pos = Object.create(null); // keyed by names: none may reach a prototype
    // Each layer's apps under what they depend on (the mean place of their dependencies, laid out above), names no
    // app has last in the top layer: fewer edges cross, and fewer run through a node.
    const deps = Object.create(null);
    for (const e of g.edges) (deps[e.from] = deps[e.from] || []).push(e.to);
    const under = n => { const xs = (deps[n.name] || []).filter(d => pos[d]).map(d => pos[d].x); return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0; };
    let width = 0;
    layers.forEach((nodes, l) => {
      if (l === 0) nodes.sort((a, b) => (a.missing === b.missing ? 0 : a.missing ? 1 : -1));
      else nodes.sort((a, b) => under(a) - under(b));
      nodes.forEach((n, i) => {
        pos[n.name] = { x: PAD + i * (W + GX), y: PAD + l * (H + GY) };
        width = Math.max(width, PAD * 2 + (i + 1) * (W + GX));
      });
    });
    const height = PAD * 2 + layers.length * (H + GY);
    const svg = s('svg', { width: Math.max(width, 300), height: Math.max(height, 100), id: 'graph-svg' },
      s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z' }))));
    for (const e of g.edges) {
      const a = pos[e.from], b = pos[e.to];
      if (!a || !b) continue;
      svg.appendChild(s('line', { x1: a.x + W / 2, y1: a.y, x2: b.x + W / 2, y2: b.y + H, 'marker-end': 'url(#arrow)',
        class: (e.onCycle ? 'cycle ' : '') + (e.missing ? 'missing' : '') }, s('title', {}, e.from + ' depends on ' + e.to)));
    }
    for (const n of g.nodes) {
      const p = pos[n.name];
      const other = n.otherSource !== undefined;
      const cls = 'node ' + (n.phase || '') + (n.failing && !n.missing ? ' failing' : '') + (n.missing ? ' missing' : '') + (other ? ' other' : '') + (n.onCycle ? ' cycle' : '');
      const group = s('g', { class: cls, 'data-node': n.name },
        s('title', {}, n.missing ? n.name + ': no app of this namespace has this name' : n.name + ': ' + (n.phase || 'no phase yet')
          + (other ? ' (an app of ' + (n.otherSource ? 'source ' + n.otherSource : 'no source') + ')' : '') + (n.onCycle ? ' (on a dependsOn cycle)' : '')),
        s('rect', { x: p.x, y: p.y, width: W, height: H, rx: 6 }),
        s('text', { x: p.x + 8, y: p.y + 21 }, (n.name.length > 20 ? n.name.slice(0, 19) + '…' : n.name) + (n.missing ? ' (missing)' : other ? ' (' + (n.otherSource || 'no source') + ')' : '')));
      if (!n.missing) group.addEventListener('click', () => { location.hash = '#/app/' + seg(ns) + '/' + seg(n.name); });
      svg.appendChild(group);
    }
    show(h('p', {}, h('a', { href: '#/' }, '← Overview')),
      h('h1', {}, 'Dependencies of ' + ns + '/' + source),
      h('p', { class: 'muted' }, 'Each app points at what it depends on (dependsOn); colour is its phase; purple: on a cycle; dashed: an app of another source of the namespace; dashed red: a name no app of the namespace has.'),
      g.cycles.length ? h('p', { class: 'error', id: 'cycles' }, 'Cycles: ', g.cycles.map(c => c.join(' → ')).join('; ')) : null,
      g.missing.length ? h('p', { class: 'error', id: 'missing' }, 'Missing: ', g.missing.join(', ')) : null,
      g.nodes.length ? h('div', { class: 'graph' }, svg) : h('p', { class: 'muted' }, 'This source has no app.'));
  }

  // Runtime pools -----------------------------------------------------------------------------------------
  function poolsPage() {
    const o = state.overview;
    if (!o) { show(h('p', { class: 'muted' }, 'Loading…')); return; }
    show(h('h1', {}, 'Runtime pools'),
      o.pools.length ? h('table', { id: 'pools' }, h('thead', {}, h('tr', {}, ['Pool', 'Memory', 'CPU', 'Pod', 'Ready', 'Apps'].map(t => h('th', {}, t)))),
        h('tbody', {}, o.pools.map(p => h('tr', { class: 'pool' },
          h('td', {}, h('b', {}, p.name), h('div', { class: 'muted' }, p.namespace)),
          h('td', {}, p.memoryLimit || 'default'), h('td', {}, p.cpuLimit || '—'), h('td', {}, p.pod || '—'), h('td', {}, cond(p.ready)),
          h('td', {}, h('div', {}, p.apps.length + ' app' + (p.apps.length === 1 ? '' : 's')), p.apps.map(x => h('div', {},
            h('a', { href: '#/app/' + seg(p.namespace) + '/' + seg(x.name) }, x.name), ' ', x.version || '', ' ',
            h('span', { class: 'muted' }, (x.state || '') + (x.health ? ', ' + x.health : '') + (x.restarts ? ', ' + x.restarts + ' restarts' : '')),
            x.message ? h('div', { class: 'error' }, x.message) : null)))))))
        : h('p', { class: 'muted' }, 'No runtime pool you may see.'));
  }

  // Start: a token in the fragment (local mode's banner URL) is kept, and taken out of the address bar.
  const fragment = /^#token=([0-9a-f]{64})$/.exec(location.hash);
  if (fragment) {
    sessionStorage.setItem(TOKEN_KEY, fragment[1]);
    history.replaceState(null, '', location.pathname + '#/');
  }
  (async () => {
    if (token() && await login()) { startStream(); route(); } else { if (token()) sessionStorage.removeItem(TOKEN_KEY); loginForm(null); }
  })();
})();

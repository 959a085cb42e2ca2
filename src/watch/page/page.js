// The lumensync status page: polls /api/status every 2 s and redraws; no framework, no inline
// script, every value set as text (file names never become HTML). Read-only.
'use strict';

const POLL_MS = 2000;
const charts = new Map();
let lastStatus;

/** Create an element: el('td', { class: 'fix' }, 'text', child, …). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const when = (ms) => (ms ? `${new Date(ms).toLocaleString()} (${ago(ms)})` : 'never');
function ago(ms) {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
const bytes = (value) => {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let amount = value;
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) { amount /= 1024; unit += 1; }
  return unit === 0 ? `${Math.round(amount)} B` : `${amount.toFixed(1)} ${units[unit]}`;
};
const duration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`);

function fact(label, value, testId) {
  return el('div', testId ? { 'data-testid': testId } : {}, el('span', {}, label), value);
}

/** What limits throughput: the pacer's own words when it reports them. */
function limitText(mirror) {
  const limit = mirror.throughputLimit ?? mirror.pacing?.throughputLimit ?? mirror.counters?.throughputLimit;
  if (limit && typeof limit === 'object' && limit.text) return limit.text;
  if (typeof limit === 'string') return limit;
  if (!mirror.remoteReachable) return 'server unavailable';
  if (mirror.backoffUntil > Date.now()) return `backing off until ${new Date(mirror.backoffUntil).toLocaleTimeString()}`;
  return mirror.queueDepth > 0 ? 'request pacing (--rate / --concurrency)' : 'nothing: idle';
}

function heldBox(mirror) {
  const held = mirror.held;
  if (!held || held.count === 0) return null;
  const kinds = [held.removes ? `${held.removes} delete(s)` : '', held.unembeds ? `${held.unembeds} un-embed(s)` : ''].filter(Boolean).join(' and ');
  return el('div', { class: 'held', 'data-testid': 'held' },
    el('strong', {}, `Guard holds ${kinds} (${held.count} action(s)) since ${when(held.since)}`),
    el('ul', {}, (mirror.guards ?? []).map((guard) => el('li', {}, guard))),
    held.approvable
      ? el('p', {}, 'To let exactly these through once, run: ', el('code', { 'data-testid': 'approve-command' }, mirror.approveCommand ?? ''))
      : el('p', {}, 'Fix the folder first: this guard cannot be approved.'),
    el('details', {}, el('summary', {}, 'held actions'), el('ul', {}, held.sample.slice(0, 50).map((action) =>
      el('li', {}, `${action.kind} ${action.relativePath ?? action.docpath}${action.workspaceSlug ? ` from ${action.workspaceSlug}` : ''}`)))),
  );
}

function failedTable(mirror) {
  if (!mirror.failed || mirror.failed.length === 0) return el('p', { 'data-testid': 'failed-none', class: 'muted' }, 'No failed files.');
  return el('table', { 'data-testid': 'failed' },
    el('thead', {}, el('tr', {}, el('th', {}, 'file'), el('th', {}, 'operation'), el('th', {}, 'reason'), el('th', {}, 'fix'), el('th', {}, 'attempts'))),
    el('tbody', {}, mirror.failed.map((failure) => el('tr', { 'data-path': failure.relativePath ?? failure.docpath ?? '' },
      el('td', {}, failure.relativePath ?? failure.docpath ?? '(mirror)'),
      el('td', {}, failure.operation + (failure.retryable ? ' (will retry)' : '')),
      el('td', {}, failure.message),
      el('td', { class: 'fix' }, failure.hint ?? ''),
      el('td', {}, failure.attempts ?? 1)))));
}

function historyTable(mirror) {
  if (!mirror.history || mirror.history.length === 0) return el('p', { class: 'muted' }, 'No pass recorded yet.');
  return el('table', { 'data-testid': 'history' },
    el('thead', {}, el('tr', {}, ['start', 'kind', 'duration', 'uploads', 'deletes', 'failures', 'bytes', 'verified', 'held'].map((name) => el('th', {}, name)))),
    el('tbody', {}, mirror.history.slice(0, 15).map((pass) => el('tr', {},
      el('td', {}, new Date(pass.startedAt).toLocaleTimeString()), el('td', {}, pass.kind), el('td', {}, duration(pass.durationMs)),
      el('td', {}, pass.uploads), el('td', {}, pass.deletes), el('td', {}, pass.failures), el('td', {}, bytes(pass.bytes)),
      el('td', {}, pass.verified ? 'yes' : 'no'), el('td', {}, pass.released ? `${pass.held} (${pass.released} approved)` : pass.held)))));
}

function drawChart(mirror, container) {
  const series = mirror.throughput ?? { at: [], filesPerMinute: [] };
  const data = [series.at.map((ms) => ms / 1000), series.filesPerMinute];
  let chart = charts.get(mirror.name);
  if (chart && chart.root.parentNode !== container) { chart.destroy(); chart = undefined; }
  if (typeof uPlot === 'undefined') return;
  if (!chart) {
    chart = new uPlot({
      width: Math.max(300, container.clientWidth - 10), height: 180,
      // Always the last hour, however few samples there are yet.
      scales: { x: { time: true, range: () => [Date.now() / 1000 - 3600, Date.now() / 1000] }, y: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] } },
      series: [{}, { label: 'files/min (uploads + deletes)', stroke: '#0969da', fill: 'rgba(9,105,218,0.1)', points: { show: true } }],
    }, data, container);
    charts.set(mirror.name, chart);
  } else chart.setData(data);
}

function mirrorCard(mirror) {
  const existing = document.querySelector(`[data-mirror="${CSS.escape(mirror.name)}"]`);
  const card = el('section', { class: 'card', 'data-mirror': mirror.name },
    el('h2', {}, `${mirror.name} `, el('span', { class: 'badge', 'data-testid': 'state', 'data-status': mirror.healthy ? 'ok' : mirror.held?.count ? 'attention' : 'unavailable' }, mirror.state)),
    el('div', { class: 'muted' }, `${mirror.root} → ${mirror.orgSlug}/${mirror.folder}${mirror.workspaces.length ? ` [${mirror.workspaces.join(', ')}]` : ''}`),
    el('div', { class: 'facts' },
      fact('last pass', mirror.history?.[0] ? `${when(mirror.history[0].startedAt + mirror.history[0].durationMs)}, ${mirror.history[0].kind}` : 'none yet', 'last-pass'),
      fact('last verification', when(mirror.lastVerifiedAt ?? (mirror.lastReconcileOk ? mirror.lastReconcileAt : undefined)), 'last-verified'),
      fact('queue depth', `${mirror.queueDepth} (lag ${Math.round(mirror.lagMs / 1000)} s)`, 'queue-depth'),
      fact('files tracked', mirror.filesTracked),
      fact('remote', mirror.remoteReachable ? 'reachable' : `UNREACHABLE${mirror.lastError ? `: ${mirror.lastError}` : ''}`, 'remote'),
      fact('watcher', `${mirror.watcher.backend} ${mirror.watcher.status}`),
      fact('limits throughput', limitText(mirror), 'limit'),
      fact('uploaded / deleted', `${mirror.counters.uploaded + mirror.counters.replaced} / ${mirror.counters.deleted} (${bytes(mirror.counters.bytesUploaded)})`, 'counters')),
    heldBox(mirror),
    mirror.approvalProblem ? el('p', { class: 'reason', 'data-testid': 'approval-problem' }, mirror.approvalProblem) : null,
    mirror.lastApproval ? el('p', { class: 'muted', 'data-testid': 'last-approval' }, `Last approval: ${mirror.lastApproval.count} action(s) approved by ${mirror.lastApproval.by}, applied ${when(mirror.lastApproval.appliedAt)}`) : null,
    el('h3', {}, 'Throughput, last hour'),
    el('div', { class: 'chart', 'data-testid': 'chart' }),
    el('h3', {}, `Failed files (${mirror.failed.length})`),
    failedTable(mirror),
    el('h3', {}, 'Recent passes'),
    historyTable(mirror));
  const chartBox = card.querySelector('.chart');
  const oldChart = existing?.querySelector('.chart');
  // Keep the chart's canvas across redraws: only its data changes.
  if (oldChart) card.replaceChild(oldChart, chartBox);
  if (existing) existing.replaceWith(card);
  else document.getElementById('mirrors').append(card);
  drawChart(mirror, card.querySelector('.chart'));
}

function render(status) {
  lastStatus = status;
  const health = document.getElementById('health');
  health.dataset.status = status.health.status;
  health.textContent = status.health.status === 'ok' ? 'healthy' : status.health.status === 'attention' ? 'attention needed' : 'unavailable';
  const reason = document.getElementById('health-reason');
  reason.hidden = !status.health.reason;
  reason.textContent = status.health.reason ?? '';
  document.getElementById('meta').textContent = `v${status.version} · pid ${status.pid}`;
  document.getElementById('updated').textContent = `updated ${new Date(status.generatedAt).toLocaleTimeString()}`;
  for (const mirror of status.mirrors) mirrorCard(mirror);
  const select = document.getElementById('why-mirror');
  const names = status.mirrors.map((mirror) => mirror.name);
  if ([...select.options].map((option) => option.value).join('\n') !== names.join('\n')) {
    select.replaceChildren(...names.map((name) => el('option', { value: name }, name)));
  }
}

async function poll() {
  try {
    const response = await fetch('/api/status', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
  } catch (error) {
    const health = document.getElementById('health');
    health.dataset.status = 'down';
    health.textContent = 'daemon not answering';
    document.getElementById('updated').textContent = `${error.message}; last data ${lastStatus ? new Date(lastStatus.generatedAt).toLocaleTimeString() : 'none'}`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

async function explain(event) {
  event.preventDefault();
  const mirror = document.getElementById('why-mirror').value;
  const target = document.getElementById('why-path').value.trim();
  const result = document.getElementById('why-result');
  if (!target) return;
  const response = await fetch(`/api/why?mirror=${encodeURIComponent(mirror)}&path=${encodeURIComponent(target)}`, { cache: 'no-store' });
  const report = await response.json();
  if (!response.ok) {
    result.replaceChildren(el('p', { class: 'reason' }, report.error));
    return;
  }
  result.replaceChildren(el('div', { class: 'why', 'data-testid': 'why-report', 'data-state': report.state },
    el('p', {}, el('strong', {}, report.relativePath), ': ', el('span', { class: `state-${report.state}` }, report.state)),
    el('p', {}, report.summary),
    el('table', {}, el('tbody', {},
      report.ignoredBy ? el('tr', {}, el('th', {}, 'ignored by'), el('td', {}, `${report.ignoredBy.pattern} (${report.ignoredBy.source}${report.ignoredBy.line ? `:${report.ignoredBy.line}` : ''})`)) : null,
      report.failure ? el('tr', {}, el('th', {}, 'failure'), el('td', {}, `${report.failure.message}${report.failure.hint ? ` — fix: ${report.failure.hint}` : ''}${report.failure.attempts ? ` (${report.failure.attempts} attempt(s))` : ''}`)) : null,
      report.held?.approveCommand ? el('tr', {}, el('th', {}, 'approve'), el('td', {}, el('code', {}, report.held.approveCommand))) : null,
      el('tr', {}, el('th', {}, 'docpath'), el('td', {}, report.docpath ?? 'none')),
      el('tr', {}, el('th', {}, 'embedded in'), el('td', {}, report.embeddedIn.length ? report.embeddedIn.join(', ') : 'no workspace', report.embeddedAsOf === 'verification' ? ` (as of the verification ${when(report.verifiedAt)})` : report.embeddedAsOf === 'upload' ? ' (as uploaded; not verified yet)' : '')),
      el('tr', {}, el('th', {}, 'last uploaded'), el('td', {}, report.lastUploadedAt ? when(report.lastUploadedAt) : report.docpath ? 'before the recent-upload log' : 'never'))))));
}

document.getElementById('why-form').addEventListener('submit', (event) => { explain(event).catch((error) => { document.getElementById('why-result').textContent = String(error); }); });
poll();

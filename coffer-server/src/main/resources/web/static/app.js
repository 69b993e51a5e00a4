// Coffer charts: plain ES module, no build step. All view state lives in the URL
// (?measure=&drill=&drill=&dim=&page=) so any view can be shared; the server renders the config.

const root = document.getElementById('viz');
if (root) {
  main().catch((e) => showError('treemap', e));
}

function showError(view, e) {
  const el = document.getElementById(view + '-status');
  if (el) el.textContent = 'Could not load: ' + (e && e.message ? e.message : e);
}

/** Parses JSON keeping every number's exact source text (money is never rounded through a double). */
function parseExact(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === 'number' && context && context.source !== undefined ? context.source : value);
}

/** Groups the integer part of an exact decimal string: "-4332373000.04" -> "-4,332,373,000.04". */
export function formatAmount(s) {
  if (s === null || s === undefined) return '';
  const str = String(s);
  const m = /^(-?)(\d+)(\.\d+)?(e[+-]?\d+)?$/i.exec(str);
  if (!m || m[4]) return str;
  return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] || '');
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const axisLabel = { formatter: (v) => compact.format(v) };

const cfg = root ? JSON.parse(root.dataset.config) : null;
const view = root ? root.dataset.view : null;

function state() {
  const p = new URLSearchParams(location.search);
  return {
    measure: p.get('measure') || (cfg.measures[0] && cfg.measures[0].ref),
    drill: p.getAll('drill'),
    dim: p.get('dim'),
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    revision: p.get('revision'),
  };
}

function go(changes) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    p.delete(k);
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else if (v !== null && v !== undefined && v !== '') p.set(k, v);
  }
  history.pushState(null, '', location.pathname + (p.toString() ? '?' + p : ''));
  render();
}
window.addEventListener('popstate', () => render());

function quote(v) {
  return '"' + String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function drillCuts(st) {
  const levels = cfg.hierarchy ? cfg.hierarchy.levels : [];
  return st.drill.slice(0, levels.length).map((v, i) => levels[i].key + ':' + quote(v));
}

async function api(path, params) {
  const q = new URLSearchParams(params);
  q.set('revision', String(cfg.revision));
  const res = await fetch('/api/3/cubes/' + encodeURIComponent(cfg.cube) + '/' + path + '?' + q, {
    headers: { Accept: 'application/json' },
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = res.status + '';
    try { detail = JSON.parse(text).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return parseExact(text);
}

function aggregateParams(st, drilldown, cuts, extra) {
  const p = { drilldown: drilldown, order: st.measure + ':desc', pagesize: '1000' };
  if (cuts.length) p.cut = cuts.join('|');
  return Object.assign(p, extra || {});
}

const charts = {};
function chart(id) {
  const el = document.getElementById(id);
  if (!el || typeof echarts === 'undefined') return null;
  if (!charts[id]) charts[id] = echarts.init(el, null, { renderer: 'canvas' });
  return charts[id];
}
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

function setupMeasures(st) {
  const sel = document.getElementById('measure');
  if (!sel || sel.options.length) { if (sel) sel.value = st.measure; return; }
  for (const m of cfg.measures) {
    const o = document.createElement('option');
    o.value = m.ref;
    o.textContent = m.label + (m.currency ? ' (' + m.currency + ')' : '');
    sel.appendChild(o);
  }
  sel.value = st.measure;
  sel.addEventListener('change', () => go({ measure: sel.value, page: null }));
}

async function render() {
  const st = state();
  setupMeasures(st);
  const jobs = [];
  if (view === 'full' || view === 'treemap') jobs.push(renderTreemap(st).catch((e) => showError('treemap', e)));
  if (view === 'full' || view === 'bars') jobs.push(renderBars(st).catch((e) => showError('bars', e)));
  if (view === 'full' || view === 'time') jobs.push(renderTime(st).catch((e) => showError('time', e)));
  if (view === 'full' || view === 'table') jobs.push(renderTable(st).catch((e) => showError('table', e)));
  await Promise.all(jobs);
  root.dataset.ready = 'true';
}

async function main() {
  await new Promise((r) => (document.readyState === 'loading' ? addEventListener('DOMContentLoaded', r) : r()));
  await render();
}

// ------------------------------------------------------------------ treemap + its list

async function renderTreemap(st) {
  const status = document.getElementById('treemap-status');
  if (!cfg.hierarchy) { status.textContent = 'No dimension to break down.'; return; }
  const levels = cfg.hierarchy.levels;
  const depth = Math.min(st.drill.length, levels.length - 1);
  const level = levels[depth];
  const cuts = drillCuts({ drill: st.drill.slice(0, depth) });
  const refs = level.key === level.label ? level.key : level.key + '|' + level.label;
  const data = await api('aggregate', aggregateParams(st, refs, cuts));
  renderDrillPath(st, depth);
  const cells = data.cells.map((c) => ({
    key: String(c[level.key]),
    label: c[level.label] !== undefined && c[level.label] !== null ? String(c[level.label]) : String(c[level.key]),
    amount: c[st.measure],
  }));
  const canDrill = depth < levels.length - 1;
  const list = document.getElementById('treemap-list');
  list.replaceChildren(...cells.map((c) => {
    const li = document.createElement('li');
    li.dataset.key = c.key;
    const name = document.createElement(canDrill ? 'a' : 'span');
    name.className = 'member';
    name.textContent = c.label === c.key ? c.key : c.key + ' ' + c.label;
    if (canDrill) {
      name.href = '#';
      name.addEventListener('click', (ev) => { ev.preventDefault(); go({ drill: st.drill.slice(0, depth).concat([c.key]), page: null }); });
    }
    const amount = document.createElement('span');
    amount.className = 'amount';
    amount.dataset.exact = c.amount;
    amount.textContent = formatAmount(c.amount);
    li.append(name, ' ', amount);
    return li;
  }));
  status.textContent = cells.length + ' members · total ' + formatAmount(data.summary ? data.summary[st.measure] : '');
  const ch = chart('treemap');
  if (!ch) return;
  ch.off('click');
  ch.setOption({
    tooltip: { formatter: (p) => escapeText(p.name) + '<br>' + formatAmount(p.data.exact) },
    series: [{
      type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false },
      // Negative amounts cannot be areas; they are in the list below with their sign.
      data: cells.filter((c) => Number(c.amount) > 0).map((c) => ({ name: c.label, value: Number(c.amount), exact: c.amount, key: c.key })),
      label: { show: true, formatter: '{b}' },
    }],
  }, true);
  if (canDrill) {
    ch.on('click', (p) => { if (p.data && p.data.key !== undefined) go({ drill: st.drill.slice(0, depth).concat([p.data.key]), page: null }); });
  }
}

function escapeText(s) {
  const d = document.createElement('div');
  d.textContent = s;
  return d.innerHTML;
}

function renderDrillPath(st, depth) {
  const nav = document.getElementById('drill');
  if (!nav) return;
  const items = [];
  const top = document.createElement('a');
  top.href = '#';
  top.textContent = 'All';
  top.addEventListener('click', (e) => { e.preventDefault(); go({ drill: [], page: null }); });
  items.push(top);
  st.drill.slice(0, depth).forEach((v, i) => {
    items.push(document.createTextNode(' › '));
    const a = document.createElement('a');
    a.href = '#';
    a.textContent = v;
    a.addEventListener('click', (e) => { e.preventDefault(); go({ drill: st.drill.slice(0, i + 1), page: null }); });
    items.push(a);
  });
  nav.replaceChildren(...items);
  const exp = document.getElementById('export');
  if (exp && cfg.hierarchy) {
    const level = cfg.hierarchy.levels[depth];
    const q = new URLSearchParams(aggregateParams(st, level.key === level.label ? level.key : level.key + '|' + level.label, drillCuts({ drill: st.drill.slice(0, depth) })));
    q.set('format', 'csv');
    q.set('revision', String(cfg.revision));
    exp.href = '/api/3/cubes/' + encodeURIComponent(cfg.cube) + '/aggregate?' + q;
  }
}

// ------------------------------------------------------------------ bars, one per dimension

async function renderBars(st) {
  const box = document.getElementById('bars');
  const dims = cfg.dimensions.filter((d) => !cfg.time || !cfg.time.startsWith(d.ref + '.'));
  const cuts = drillCuts(st);
  box.replaceChildren();
  for (const d of dims) {
    const wrap = document.createElement('div');
    wrap.className = 'bar-chart';
    const h = document.createElement('h3');
    h.textContent = d.title;
    const el = document.createElement('div');
    el.className = 'chart small';
    el.id = 'bars-' + d.ref.replace(/[^A-Za-z0-9_-]/g, '_');
    wrap.append(h, el);
    box.appendChild(wrap);
    const refs = d.key === d.label ? d.key : d.key + '|' + d.label;
    const data = await api('aggregate', aggregateParams(st, refs, cuts, { pagesize: '15' }));
    const cells = data.cells.map((c) => ({ name: String(c[d.label] ?? c[d.key]), exact: c[st.measure] }));
    el.dataset.values = JSON.stringify(cells.map((c) => c.exact));
    const ch = chart(el.id);
    if (!ch) continue;
    ch.setOption({
      grid: { left: 160, right: 20, top: 10, bottom: 20 },
      tooltip: { formatter: (p) => escapeText(p.name) + '<br>' + formatAmount(cells[p.dataIndex].exact) },
      xAxis: { type: 'value', axisLabel },
      yAxis: { type: 'category', inverse: true, data: cells.map((c) => c.name), axisLabel: { width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', data: cells.map((c) => Number(c.exact)) }],
    }, true);
  }
  document.getElementById('bars-status').textContent = dims.length + ' dimensions';
}

// ------------------------------------------------------------------ time series

async function renderTime(st) {
  const status = document.getElementById('time-status');
  const section = document.getElementById('time-section');
  if (!cfg.time) {
    status.textContent = 'No date dimension.';
    if (section) section.hidden = true;
    return;
  }
  const data = await api('aggregate', { drilldown: cfg.time, order: cfg.time + ':asc', pagesize: '1000', ...(drillCuts(st).length ? { cut: drillCuts(st).join('|') } : {}) });
  const cells = data.cells.map((c) => ({ t: String(c[cfg.time]), exact: c[st.measure] }));
  status.textContent = cells.length + ' periods';
  const ch = chart('time');
  if (!ch) return;
  ch.setOption({
    tooltip: { trigger: 'axis', formatter: (ps) => escapeText(ps[0].name) + '<br>' + formatAmount(cells[ps[0].dataIndex].exact) },
    xAxis: { type: 'category', data: cells.map((c) => c.t) },
    yAxis: { type: 'value', axisLabel },
    series: [{ type: 'line', data: cells.map((c) => Number(c.exact)) }],
  }, true);
}

// ------------------------------------------------------------------ facts table

async function renderTable(st) {
  const pagesize = 20;
  const params = { page: String(st.page), pagesize: String(pagesize) };
  const cuts = drillCuts(st);
  if (cuts.length) params.cut = cuts.join('|');
  const data = await api('facts', params);
  const table = document.getElementById('facts');
  const fields = data.fields || (data.data[0] ? Object.keys(data.data[0]) : []);
  const head = document.createElement('thead');
  const hr = document.createElement('tr');
  fields.forEach((f) => { const th = document.createElement('th'); th.textContent = f; hr.appendChild(th); });
  head.appendChild(hr);
  const body = document.createElement('tbody');
  for (const row of data.data) {
    const tr = document.createElement('tr');
    fields.forEach((f) => { const td = document.createElement('td'); td.textContent = row[f] === null || row[f] === undefined ? '' : String(row[f]); tr.appendChild(td); });
    body.appendChild(tr);
  }
  table.replaceChildren(head, body);
  const total = Number(data.total_fact_count || 0);
  const pages = Math.max(1, Math.ceil(total / pagesize));
  const pager = document.getElementById('pager');
  const prev = document.createElement('button');
  prev.textContent = '‹ Previous';
  prev.disabled = st.page <= 1;
  prev.addEventListener('click', () => go({ page: String(st.page - 1) }));
  const next = document.createElement('button');
  next.textContent = 'Next ›';
  next.disabled = st.page >= pages;
  next.addEventListener('click', () => go({ page: String(st.page + 1) }));
  const info = document.createElement('span');
  info.textContent = ' page ' + st.page + ' of ' + pages + ' (' + total + ' rows) ';
  pager.replaceChildren(prev, info, next);
  document.getElementById('table-status').textContent = '';
}

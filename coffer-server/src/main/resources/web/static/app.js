// Coffer charts: plain ES module, no build step. All view state lives in the URL so any view can be
// shared and back/forward restore it:
//   ?measure=amount.sum            the measure shown
//   &dim=cofog2                    the breakdown dimension (treemap, export)
//   &drill=cofog1.name:"07"        the drill path, in order; each step pins one member of one level
//   &filter=time.year:2010         filters (chips); several on one attribute mean "any of"
//   &page=2&sort=amount:desc       the facts table's page and order
// The server renders the config (dimensions, their levels, measures) into #viz's data-config.

const root = document.getElementById('viz');
const cfg = root ? JSON.parse(root.dataset.config) : null;
const view = root ? root.dataset.view : null;
if (root) {
  main().catch((e) => showError('treemap', e));
}

function showError(v, e) {
  const el = document.getElementById(v + '-status');
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

// ------------------------------------------------------------------ model helpers

const dims = cfg ? cfg.dimensions : [];
const timeDim = cfg && cfg.time ? dims.find((d) => cfg.time.startsWith(d.ref + '.')) : null;
/** Which dimension an attribute ref ("cofog1.name") belongs to. */
function dimOfRef(ref) {
  return dims.find((d) => ref === d.ref || ref.startsWith(d.ref + '.')) || null;
}
function refTitle(ref) {
  for (const d of dims) if (d.headers && d.headers[ref]) return d.headers[ref];
  const m = cfg.measures.find((x) => x.ref === ref || x.ref === ref + '.sum');
  return m ? m.label : ref;
}
/** The attribute a filter on this dimension uses: the year for the time dimension, else its top level. */
function filterRef(d) {
  if (d === timeDim) return cfg.time;
  return d.levels && d.levels.length ? d.levels[0].key : d.key;
}
function filterLabelRef(d) {
  if (d === timeDim) return cfg.time;
  return d.levels && d.levels.length ? d.levels[0].label : d.label;
}
const labels = new Map(); // "ref\u0000value" -> label, learnt from answers, for crumbs and chips
function labelOf(ref, value) {
  return labels.get(ref + '\u0000' + value);
}

// ------------------------------------------------------------------ state in the URL

function parsePair(s) {
  const i = s.indexOf(':');
  if (i <= 0) return null;
  const ref = s.slice(0, i);
  return dimOfRef(ref) ? { ref, value: s.slice(i + 1) } : null;
}

function state() {
  const p = new URLSearchParams(location.search);
  const levels = cfg.hierarchy ? cfg.hierarchy.levels : [];
  const drill = [];
  p.getAll('drill').forEach((s, i) => {
    const pair = parsePair(s);
    if (pair) drill.push(pair);
    else if (levels[i]) drill.push({ ref: levels[i].key, value: s }); // older links: the first hierarchy's levels
  });
  const dimRef = p.get('dim');
  return {
    measure: p.get('measure') || (cfg.measures[0] && cfg.measures[0].ref),
    drill,
    filters: p.getAll('filter').map(parsePair).filter(Boolean),
    dim: dims.find((d) => d.ref === dimRef) || null,
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    sort: p.get('sort'),
  };
}

function query(changes) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    p.delete(k);
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else if (v !== null && v !== undefined && v !== '') p.set(k, v);
  }
  return p;
}

function go(changes) {
  const p = query(changes);
  history.pushState(null, '', location.pathname + (p.toString() ? '?' + p : ''));
  render();
}
window.addEventListener('popstate', () => render());

const pairText = (x) => x.ref + ':' + x.value;

function quote(v) {
  return '"' + String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** Babbage cut of the filters (values on one attribute OR-ed) and the drill path (AND-ed). */
function cuts(st, opts) {
  const o = opts || {};
  const out = [];
  const byRef = new Map();
  for (const f of st.filters) {
    if (!byRef.has(f.ref)) byRef.set(f.ref, []);
    byRef.get(f.ref).push(quote(f.value));
  }
  for (const [ref, vs] of byRef) out.push(ref + ':' + vs.join(';'));
  const drill = o.drill || st.drill;
  for (const d of drill) out.push(d.ref + ':' + quote(d.value));
  return out;
}

/** How many levels of dimension d the drill path pins. */
function depthOf(drill, d) {
  const keys = new Set((d.levels || []).map((l) => l.key));
  return drill.filter((x) => keys.has(x.ref)).length;
}
function levelOf(drill, d) {
  const ls = d.levels && d.levels.length ? d.levels : [{ key: d.key, label: d.label, title: d.title }];
  return ls[Math.min(depthOf(drill, d), ls.length - 1)];
}
function exhausted(drill, d) {
  return depthOf(drill, d) >= Math.max(1, (d.levels || []).length);
}
const breakdownDims = () => dims.filter((d) => d !== timeDim);

/** The default breakdown: the server's choice (first classification), else the first dimension. */
function breakdown(st) {
  if (st.dim) return st.dim;
  const h = cfg.hierarchy && dims.find((d) => d.ref === cfg.hierarchy.dimension);
  return h || breakdownDims()[0] || dims[0] || null;
}

/**
 * Where a drill goes next: deeper in the same dimension while it has levels; then a dimension numbered
 * one higher (cofog1 -> cofog2: levels kept as separate dimensions); then the next one in model order.
 */
function nextDim(drill, d) {
  if (!exhausted(drill, d)) return d;
  const open = breakdownDims().filter((x) => x !== d && !exhausted(drill, x));
  const m = /^(.*?)(\d+)$/.exec(d.ref);
  if (m) {
    const n = open.find((x) => x.ref === m[1] + (Number(m[2]) + 1));
    if (n) return n;
  }
  const i = breakdownDims().indexOf(d);
  const after = breakdownDims().slice(i + 1).concat(breakdownDims().slice(0, i)).filter((x) => open.includes(x));
  return after[0] || d;
}

function drillInto(st, d, level, key) {
  if (exhausted(st.drill, d)) return;
  const drill = st.drill.concat([{ ref: level.key, value: key }]);
  const next = nextDim(drill, d);
  go({ drill: drill.map(pairText), dim: next.ref, page: null });
}

// ------------------------------------------------------------------ API

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

function aggregateParams(st, drilldown, cutList, extra) {
  const p = { drilldown: drilldown, order: st.measure + ':desc', pagesize: '1000' };
  if (cutList.length) p.cut = cutList.join('|');
  return Object.assign(p, extra || {});
}

const refsOf = (level) => (level.key === level.label ? level.key : level.key + '|' + level.label);

function cellsOf(data, level, measure) {
  return data.cells.map((c) => {
    const key = String(c[level.key]);
    const label = c[level.label] !== undefined && c[level.label] !== null ? String(c[level.label]) : key;
    labels.set(level.key + '\u0000' + key, label);
    return { key, label, amount: c[measure] };
  });
}

/** The chart on element el: ECharts keeps one instance per element, so a replaced element gets a new one. */
function chart(el) {
  if (!el || typeof echarts === 'undefined') return null;
  return echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
}
window.addEventListener('resize', () => document.querySelectorAll('.chart').forEach((el) => {
  const c = typeof echarts === 'undefined' ? null : echarts.getInstanceByDom(el);
  if (c) c.resize();
}));

function escapeText(s) {
  const d = document.createElement('div');
  d.textContent = s;
  return d.innerHTML;
}

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  e.append(...children);
  return e;
}

// ------------------------------------------------------------------ controls

function setupControls(st) {
  const sel = document.getElementById('measure');
  if (sel && !sel.options.length) {
    for (const m of cfg.measures) {
      sel.appendChild(el('option', { value: m.ref, textContent: m.label + (m.currency ? ' (' + m.currency + ')' : '') }));
    }
    sel.addEventListener('change', () => go({ measure: sel.value, page: null }));
  }
  if (sel) sel.value = st.measure;

  const bd = document.getElementById('breakdown');
  if (bd && !bd.options.length) {
    for (const d of breakdownDims()) bd.appendChild(el('option', { value: d.ref, textContent: d.title }));
    bd.addEventListener('change', () => go({ dim: bd.value, page: null }));
  }
  const b = breakdown(st);
  if (bd && b) bd.value = b.ref;

  const fd = document.getElementById('filter-dim');
  if (fd && !fd.options.length) {
    const ordered = timeDim ? [timeDim].concat(breakdownDims()) : breakdownDims();
    for (const d of ordered) fd.appendChild(el('option', { value: d.ref, textContent: d.title }));
    fd.addEventListener('change', () => loadFilterValues(fd.value));
    loadFilterValues(fd.value);
    document.getElementById('filter-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      addFilter();
    });
  }
  renderChips(st);
}

/** Offers the dimension's members as suggestions; any value may be typed. */
async function loadFilterValues(ref) {
  const d = dims.find((x) => x.ref === ref);
  const list = document.getElementById('filter-values');
  if (!d || !list) return;
  const key = filterRef(d);
  const lab = filterLabelRef(d);
  const data = await api('aggregate', { drilldown: key === lab ? key : key + '|' + lab, order: key + ':asc', pagesize: '1000' });
  list.replaceChildren(...data.cells.map((c) => {
    const k = String(c[key]);
    const l = c[lab] !== undefined && c[lab] !== null ? String(c[lab]) : k;
    labels.set(key + '\u0000' + k, l);
    return el('option', { value: k, label: l === k ? k : k + ' ' + l });
  }));
}

function addFilter() {
  const st = state();
  const d = dims.find((x) => x.ref === document.getElementById('filter-dim').value);
  const input = document.getElementById('filter-value');
  let value = input.value.trim();
  if (!d || value === '') return;
  const ref = filterRef(d);
  // A typed label ("Health") means its code.
  for (const o of document.getElementById('filter-values').options) {
    if (o.value !== value && labelOf(ref, o.value) === value) value = o.value;
  }
  input.value = '';
  if (st.filters.some((f) => f.ref === ref && f.value === value)) return;
  go({ filter: st.filters.map(pairText).concat([ref + ':' + value]), page: null });
}

function renderChips(st) {
  const ul = document.getElementById('filters');
  if (!ul) return;
  ul.replaceChildren(...st.filters.map((f, i) => {
    const d = dimOfRef(f.ref);
    const lab = labelOf(f.ref, f.value);
    const text = (d ? d.title : f.ref) + ': ' + f.value + (lab && lab !== f.value ? ' ' + lab : '');
    const x = el('button', { type: 'button', className: 'chip-remove', textContent: '×' });
    x.setAttribute('aria-label', 'Remove filter ' + text);
    x.addEventListener('click', () => go({ filter: st.filters.filter((_, j) => j !== i).map(pairText), page: null }));
    const li = el('li', { className: 'chip' }, el('span', { textContent: text }), ' ', x);
    li.dataset.filter = pairText(f);
    return li;
  }));
}

/** Embed links and the export carry the whole view (state and revision). */
function renderLinks(st, b) {
  const stateQuery = query({ revision: String(cfg.revision) }).toString();
  document.querySelectorAll('a.embed-link').forEach((a) => {
    a.href = a.dataset.base + '?' + stateQuery;
  });
  renderEmbedCode(stateQuery);
  const level = levelOf(st.drill, b);
  const p = new URLSearchParams(aggregateParams(st, refsOf(level), cuts(st)));
  p.set('revision', String(cfg.revision));
  const name = cfg.cube.replace(/[^A-Za-z0-9_-]+/g, '-') + '_' + level.key.replace(/[^A-Za-z0-9_-]+/g, '-')
    + (st.filters.length || st.drill.length ? '_filtered' : '') + '_r' + cfg.revision;
  const base = '/api/3/cubes/' + encodeURIComponent(cfg.cube) + '/aggregate?';
  const csv = document.getElementById('export');
  if (csv) {
    const q = new URLSearchParams(p);
    q.set('format', 'csv');
    q.set('filename', name + '.csv');
    csv.href = base + q;
    csv.setAttribute('download', name + '.csv');
  }
  const json = document.getElementById('export-json');
  if (json) {
    json.href = base + p;
    json.setAttribute('download', name + '.json');
  }
}

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A copyable iframe of the chosen chart with the whole current view. */
function renderEmbedCode(stateQuery) {
  const pick = document.getElementById('embed-view');
  const code = document.getElementById('embed-code');
  if (!pick || !code) return;
  const update = () => {
    const link = document.getElementById(pick.value + '-embed');
    const src = location.origin + (link ? link.dataset.base : '') + '?' + stateQuery;
    const title = (document.getElementById('title') || {}).textContent || 'Coffer chart';
    code.value = '<iframe src="' + attr(src) + '" title="' + attr(title + ' — ' + pick.value) + '" width="100%" height="460" style="border:0" loading="lazy"></iframe>';
  };
  update();
  if (!pick.dataset.wired) {
    pick.dataset.wired = 'true';
    pick.addEventListener('change', () => renderEmbedCode(query({ revision: String(cfg.revision) }).toString()));
    document.getElementById('copy-embed').addEventListener('click', async () => {
      code.select();
      try { await navigator.clipboard.writeText(code.value); } catch (e) { document.execCommand('copy'); }
      document.getElementById('copy-embed').textContent = 'Copied';
    });
  }
}

// ------------------------------------------------------------------ rendering

async function render() {
  const st = state();
  root.dataset.ready = 'false';
  setupControls(st);
  const b = breakdown(st);
  if (b) renderLinks(st, b);
  const jobs = [];
  if (view === 'full' || view === 'treemap') jobs.push(renderTreemap(st).catch((e) => showError('treemap', e)));
  if (view === 'full' || view === 'bars') jobs.push(renderBars(st).catch((e) => showError('bars', e)));
  if (view === 'full' || view === 'time') jobs.push(renderTime(st).catch((e) => showError('time', e)));
  if (view === 'full' || view === 'table') jobs.push(renderTable(st).catch((e) => showError('table', e)));
  await Promise.all(jobs);
  renderChips(st); // labels learnt from the answers
  renderDrillPath(st);
  root.dataset.ready = 'true';
}

async function main() {
  await new Promise((r) => (document.readyState === 'loading' ? addEventListener('DOMContentLoaded', r) : r()));
  await render();
}

// ------------------------------------------------------------------ treemap + its list

async function renderTreemap(st) {
  const status = document.getElementById('treemap-status');
  const d = breakdown(st);
  if (!d) { status.textContent = 'No dimension to break down.'; return; }
  const level = levelOf(st.drill, d);
  const data = await api('aggregate', aggregateParams(st, refsOf(level), cuts(st)));
  const cells = cellsOf(data, level, st.measure);
  const canDrill = !exhausted(st.drill, d);
  const list = document.getElementById('treemap-list');
  list.replaceChildren(...cells.map((c) => {
    const name = el(canDrill ? 'a' : 'span', { className: 'member', textContent: c.label === c.key ? c.key : c.key + ' ' + c.label });
    if (canDrill) {
      name.href = '#';
      name.addEventListener('click', (ev) => { ev.preventDefault(); drillInto(st, d, level, c.key); });
    }
    const amount = el('span', { className: 'amount', textContent: formatAmount(c.amount) });
    amount.dataset.exact = c.amount;
    const li = el('li', {}, name, ' ', amount);
    li.dataset.key = c.key;
    return li;
  }));
  const total = data.summary ? data.summary[st.measure] : '';
  const measure = cfg.measures.find((m) => m.ref === st.measure);
  const totalEl = document.getElementById('total');
  if (totalEl) {
    totalEl.dataset.exact = total;
    totalEl.textContent = formatAmount(total) + (measure && measure.currency ? ' ' + measure.currency : '');
  }
  status.textContent = cells.length + ' members of ' + d.title + ' (' + level.title + ') · total ' + formatAmount(total);
  const ch = chart(document.getElementById('treemap'));
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
    ch.on('click', (p) => { if (p.data && p.data.key !== undefined) drillInto(st, d, level, p.data.key); });
  }
}

function renderDrillPath(st) {
  const nav = document.getElementById('drill');
  if (!nav) return;
  const top = el('a', { href: '#', textContent: 'All' });
  top.addEventListener('click', (e) => { e.preventDefault(); go({ drill: [], dim: null, page: null }); });
  const items = [top];
  st.drill.forEach((x, i) => {
    items.push(document.createTextNode(' › '));
    const d = dimOfRef(x.ref);
    const lab = labelOf(x.ref, x.value);
    const a = el('a', { href: '#', textContent: (d ? d.title + ': ' : '') + (lab && lab !== x.value ? x.value + ' ' + lab : x.value) });
    a.dataset.drill = pairText(x);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      const drill = st.drill.slice(0, i + 1);
      go({ drill: drill.map(pairText), dim: d ? nextDim(drill, d).ref : null, page: null });
    });
    items.push(a);
  });
  nav.replaceChildren(...items);
}

// ------------------------------------------------------------------ bars, one per dimension

/** One stable element per dimension, ids namespaced by position (a dimension may be called "section"). */
function barElements() {
  const box = document.getElementById('bars');
  const ds = breakdownDims();
  if (box.children.length !== ds.length) {
    box.replaceChildren(...ds.map((d, i) => {
      const c = el('div', { className: 'chart small', id: 'cf-bar-' + i });
      c.dataset.dim = d.ref;
      return el('div', { className: 'bar-chart' }, el('h3', { textContent: d.title }), c);
    }));
  }
  return ds.map((d, i) => ({ d, node: document.getElementById('cf-bar-' + i) }));
}

async function renderBars(st) {
  const items = barElements();
  await Promise.all(items.map(async ({ d, node }) => {
    const level = levelOf(st.drill, d);
    const data = await api('aggregate', aggregateParams(st, refsOf(level), cuts(st), { pagesize: '15' }));
    const cells = cellsOf(data, level, st.measure);
    node.dataset.values = JSON.stringify(cells.map((c) => c.amount));
    const ch = chart(node);
    if (!ch) return;
    ch.off('click');
    ch.setOption({
      grid: { left: 160, right: 20, top: 10, bottom: 20 },
      tooltip: { formatter: (p) => escapeText(p.name) + '<br>' + formatAmount(cells[p.dataIndex].amount) },
      xAxis: { type: 'value', axisLabel },
      yAxis: { type: 'category', inverse: true, data: cells.map((c) => c.label), axisLabel: { width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', data: cells.map((c) => Number(c.amount)), cursor: exhausted(st.drill, d) ? 'default' : 'pointer' }],
    }, true);
    ch.on('click', (p) => { if (cells[p.dataIndex]) drillInto(st, d, level, cells[p.dataIndex].key); });
  }));
  document.getElementById('bars-status').textContent = items.length + ' dimensions';
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
  const c = cuts(st);
  const data = await api('aggregate', { drilldown: cfg.time, order: cfg.time + ':asc', pagesize: '1000', ...(c.length ? { cut: c.join('|') } : {}) });
  const cells = data.cells.map((x) => ({ t: String(x[cfg.time]), exact: x[st.measure] }));
  status.textContent = cells.length + ' periods';
  const ch = chart(document.getElementById('time'));
  if (!ch) return;
  ch.setOption({
    tooltip: { trigger: 'axis', formatter: (ps) => escapeText(ps[0].name) + '<br>' + formatAmount(cells[ps[0].dataIndex].exact) },
    xAxis: { type: 'category', data: cells.map((x) => x.t) },
    yAxis: { type: 'value', axisLabel },
    series: [{ type: 'line', data: cells.map((x) => Number(x.exact)) }],
  }, true);
}

// ------------------------------------------------------------------ facts table

/** The breakdown's label first, then amounts, then the other labels, then the other attributes. */
function orderFields(fields, st) {
  const measures = new Set(cfg.measures.map((m) => m.ref.replace(/\.sum$/, '')));
  const labelRefs = new Set(dims.map((d) => d.label));
  const b = breakdown(st);
  const first = b ? levelOf(st.drill, b).label : null;
  const rank = (f) => (f === first ? 0 : measures.has(f) ? 1 : labelRefs.has(f) ? 2 : 3);
  return fields.slice().sort((a, b) => rank(a) - rank(b) || fields.indexOf(a) - fields.indexOf(b));
}

async function renderTable(st) {
  const pagesize = 20;
  const params = { page: String(st.page), pagesize: String(pagesize) };
  const c = cuts(st);
  if (c.length) params.cut = c.join('|');
  if (st.sort) params.order = st.sort;
  const data = await api('facts', params);
  const table = document.getElementById('facts');
  const fields = orderFields(data.fields || (data.data[0] ? Object.keys(data.data[0]) : []), st);
  const measures = new Set(cfg.measures.map((m) => m.ref.replace(/\.sum$/, '')));
  const [sortRef, sortDir] = (st.sort || '').split(':');
  const hr = el('tr');
  fields.forEach((f) => {
    const th = el('th', { scope: 'col' });
    const dir = sortRef === f ? (sortDir === 'desc' ? 'descending' : 'ascending') : 'none';
    th.setAttribute('aria-sort', dir);
    const btn = el('button', { type: 'button', className: 'sort', textContent: refTitle(f) + (dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : '') });
    btn.dataset.field = f;
    btn.addEventListener('click', () => go({ sort: f + ':' + (sortRef === f && sortDir !== 'desc' ? 'desc' : 'asc'), page: null }));
    th.appendChild(btn);
    hr.appendChild(th);
  });
  const body = el('tbody');
  for (const row of data.data) {
    const tr = el('tr');
    fields.forEach((f) => {
      const v = row[f] === null || row[f] === undefined ? '' : String(row[f]);
      const td = el('td', { textContent: measures.has(f) ? formatAmount(v) : v });
      if (measures.has(f)) { td.className = 'num'; td.dataset.exact = v; }
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
  table.replaceChildren(el('thead', {}, hr), body);
  const total = Number(data.total_fact_count || 0);
  const pages = Math.max(1, Math.ceil(total / pagesize));
  const prev = el('button', { type: 'button', textContent: '‹ Previous', disabled: st.page <= 1 });
  prev.addEventListener('click', () => go({ page: String(st.page - 1) }));
  const next = el('button', { type: 'button', textContent: 'Next ›', disabled: st.page >= pages });
  next.addEventListener('click', () => go({ page: String(st.page + 1) }));
  const info = el('span', { textContent: ' page ' + st.page + ' of ' + pages + ' (' + total + ' rows) ' });
  document.getElementById('pager').replaceChildren(prev, info, next);
  document.getElementById('table-status').textContent = '';
}

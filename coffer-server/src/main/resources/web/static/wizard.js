// The 1-2-3 upload wizard: add a file (streamed, with progress), map columns, describe and publish.
// Plain ES module; talks to /api/auth/* and /api/uploads/*; every value shown is set as text.

const $ = (id) => document.getElementById(id);
let csrf = null;
let upload = null;

function show(id, on) { $(id).hidden = !on; }
function step(n) {
  [1, 2, 3].forEach((i) => {
    show('step' + i, i === n);
    $('tab' + i).className = i === n ? 'current' : (i < n ? 'done' : '');
  });
}

async function jsonFetch(url, options) {
  const res = await fetch(url, options);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
  return { status: res.status, body };
}

async function start() {
  const s = await jsonFetch('/api/auth/session', { headers: { Accept: 'application/json' } });
  if (s.status === 200 && s.body && s.body.authenticated) {
    csrf = s.body.csrfToken;
    signedIn(s.body.user);
  } else {
    show('signin', true);
    step(0);
  }
}

function signedIn(user) {
  show('signin', false);
  $('owner').value = $('owner').value || user;
  step(1);
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await jsonFetch('/api/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: $('user').value, password: $('password').value }),
  });
  if (r.status === 200) {
    csrf = r.body.csrfToken;
    $('password').value = '';
    signedIn(r.body.user);
  } else {
    $('signin-status').textContent = (r.body && r.body.detail) || 'Sign-in failed';
  }
});

$('upload').addEventListener('click', () => {
  const file = $('file').files[0];
  const status = $('upload-status');
  if (!file) { status.textContent = 'Choose a CSV file first.'; return; }
  const max = Number($('step1').dataset.maxBytes);
  if (file.size > max) { status.textContent = 'This file is larger than the limit of ' + Math.floor(max / 1048576) + ' MB.'; return; }
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/uploads?name=' + encodeURIComponent(file.name));
  xhr.setRequestHeader('Content-Type', 'text/csv');
  xhr.setRequestHeader('X-CSRF-Token', csrf);
  xhr.upload.onprogress = (ev) => {
    if (ev.lengthComputable) {
      $('progress').value = Math.round((ev.loaded / ev.total) * 100);
      status.textContent = 'Uploading… ' + Math.round(ev.loaded / 1024) + ' of ' + Math.round(ev.total / 1024) + ' KB';
    }
  };
  xhr.onload = () => {
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    if (xhr.status === 200) {
      $('progress').value = 100;
      status.textContent = 'Uploaded and read.';
      upload = body;
      showColumns(body);
      step(2);
    } else {
      status.textContent = 'Upload refused: ' + ((body && body.detail) || xhr.status);
    }
  };
  xhr.onerror = () => { status.textContent = 'The upload failed (connection lost?).'; };
  status.textContent = 'Uploading…';
  xhr.send(file);
});

function showColumns(u) {
  $('detected').textContent = u.fileName + ': ' + u.rows + ' rows, ' + u.columns.length + ' columns, read as ' +
    u.format.encoding + (u.format.bom ? ' with BOM' : '') + ", delimiter '" + (u.format.delimiter === '\t' ? 'tab' : u.format.delimiter) + "'.";
  let previous = {};
  if (u.previous) {
    const fields = u.previous.mapping.fields || {};
    for (const [k, v] of Object.entries(fields)) previous[k] = v.columnType;
    $('reused').hidden = false;
    $('reused').textContent = 'This looks like a new version of ' + u.previous.dataset + ': its saved column choices are filled in.';
    $('owner').value = u.previous.owner;
    $('name').value = u.previous.name;
    if (u.previous.title) $('title').value = u.previous.title;
    if (u.previous.mapping.currency) $('currency').value = u.previous.mapping.currency;
  } else {
    $('name').value = u.fileName.replace(/\.[^.]*$/, '').toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '').slice(0, 64) || 'dataset';
    $('title').value = u.fileName.replace(/\.[^.]*$/, '');
  }
  const table = $('columns');
  const head = document.createElement('thead');
  head.innerHTML = '<tr><th>column</th><th>detected</th><th>role (column type)</th></tr>';
  const body = document.createElement('tbody');
  u.columns.forEach((c, i) => {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    name.textContent = c.name;
    const type = document.createElement('td');
    type.textContent = c.type + (c.format ? ' (' + c.format + ')' : '') + ' · ' + c.distinct + ' distinct';
    const role = document.createElement('td');
    const input = document.createElement('input');
    input.setAttribute('list', 'column-types');
    input.className = 'column-type';
    input.id = 'ct-' + i;
    input.dataset.column = c.name;
    input.value = previous[c.name] !== undefined ? previous[c.name] : c.columnType;
    input.setAttribute('aria-label', 'role of ' + c.name);
    role.appendChild(input);
    tr.append(name, type, role);
    body.appendChild(tr);
  });
  table.replaceChildren(head, body);
}

$('to-step3').addEventListener('click', () => {
  const roles = [...document.querySelectorAll('input.column-type')].map((i) => i.value.trim());
  if (!roles.includes('value')) {
    $('detected').textContent = 'Mark at least one amount column as "value" to continue.';
    return;
  }
  step(3);
});

$('publish').addEventListener('click', async () => {
  const fields = {};
  document.querySelectorAll('input.column-type').forEach((i) => { fields[i.dataset.column] = { columnType: i.value.trim() }; });
  const body = {
    owner: $('owner').value.trim(), name: $('name').value.trim(), title: $('title').value.trim(),
    license: $('license').value, currency: $('currency').value.trim(),
    fiscalPeriod: { start: $('period-start').value, end: $('period-end').value },
    visibility: $('private').checked ? 'private' : 'public',
    mapping: { fields },
  };
  $('publish-status').textContent = 'Building the package and checking every row…';
  $('report').replaceChildren();
  const r = await jsonFetch('/api/uploads/' + upload.id + '/publish', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body),
  });
  if (r.status === 201) {
    $('publish-status').textContent = 'Published ' + r.body.id + ' (revision ' + r.body.revision + ', ' + r.body.rows + ' rows). Opening it…';
    location.assign(r.body.page);
    return;
  }
  $('publish-status').textContent = 'Not published: ' + ((r.body && r.body.detail) || r.status);
  const lines = (r.body && r.body.details) || [];
  $('report').replaceChildren(...lines.slice(0, 50).map((l) => { const li = document.createElement('li'); li.textContent = l; return li; }));
});

start();

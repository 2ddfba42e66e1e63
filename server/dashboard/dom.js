// Building the page from data without ever parsing data as HTML: every value becomes a text node,
// so nothing a case record holds can run as script.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    // Through the CSSOM: the policy allows no style attributes in markup.
    else if (name === 'barWidth') element.style.width = `${Math.max(0, Math.min(1, value)) * 8}rem`;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

// Route links: #/page?key=value, with the values encoded.
export function route(page, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== '' && value != null) query.set(key, value);
  const text = query.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
}

export function link(href, text, attributes = {}) {
  return h('a', { href, ...attributes }, text);
}

// A figure: a big number that is a link to the rows behind it.
export function figure(key, value, href, label) {
  const number = h('span', { className: 'figure', 'data-figure': key }, formatNumber(value));
  return h('p', {}, href ? link(href, [number, h('span', { className: 'figure-label' }, label)]) : [number, label]);
}

export function formatNumber(value) {
  return typeof value === 'number' ? value.toLocaleString('en-GB') : String(value ?? '');
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London',
});
export function formatInstant(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

export function words(identifier) {
  return String(identifier ?? '').replaceAll('_', ' ');
}

let tableCount = 0;

// A table in a scrollable region that keyboard users can reach; `columns` are
// {key, label, value(row) -> text for CSV, cell(row) -> node or text, number}.
export function dataTable(caption, columns, rows, { empty = 'None.', csv } = {}) {
  const id = `table-${++tableCount}`;
  const parts = [];
  if (csv) parts.push(h('div', { className: 'actions-row' }, csvButton(csv, columns, rows)));
  if (!rows.length) {
    parts.push(h('p', { 'data-rows': id, 'data-count': 0 }, `${caption}: ${empty}`));
    return parts;
  }
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', className: c.number ? 'number' : null }, c.label)));
  const body = rows.map((row) =>
    h('tr', {}, columns.map((c) => h('td', { className: c.number ? 'number' : null }, (c.cell ?? cellText(c))(row)))));
  parts.push(h('div', { className: 'table-wrap', role: 'region', 'aria-labelledby': id, tabindex: 0 },
    h('table', { 'data-count': rows.length }, h('caption', { id }, caption), h('thead', {}, head), h('tbody', {}, body))));
  return parts;
}

function cellText(column) {
  return (row) => formatNumber(column.value ? column.value(row) : row[column.key]);
}

function csvValue(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvValue(c.key)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvValue(c.value ? c.value(row) : row[c.key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function saveFile(name, blob) {
  const url = URL.createObjectURL(blob);
  const anchor = h('a', { href: url, download: name, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// The rows shown, as the report's CSV (the same fields as the JSON the page read).
export function csvButton(name, columns, rows) {
  return h('button', {
    type: 'button', className: 'secondary', 'data-csv': name,
    onclick: () => saveFile(name, new Blob([toCsv(columns, rows)], { type: 'text/csv' })),
  }, `Download these rows (CSV)`);
}

export function errorBox(error) {
  return h('div', { className: 'error', role: 'alert' }, h('p', {}, error.message));
}

// A filter form whose values become the route's query: submitting navigates, so every view has
// an address that can be shared and that the back button returns to.
export function filterForm(page, fields, params) {
  const controls = fields.map((f) => {
    const id = `filter-${f.name}`;
    const value = params.get(f.name) ?? f.value ?? '';
    const control = f.options
      ? h('select', { id, name: f.name }, f.options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)))
      : h('input', { id, name: f.name, type: f.type ?? 'text', value, autocomplete: 'off', required: f.required });
    return h('div', { className: 'field' }, h('label', { for: id }, f.label), control);
  });
  return h('form', {
    className: 'filters', 'aria-label': 'Filters',
    onsubmit: (event) => {
      event.preventDefault();
      const values = {};
      for (const [key, value] of new FormData(event.target)) values[key] = value;
      location.hash = route(page, values);
    },
  }, controls, h('button', { type: 'submit' }, 'Apply'));
}

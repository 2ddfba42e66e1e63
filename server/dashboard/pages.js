// The oversight pages. Each reads /v1 with the signed-in user's identity and shows only what the
// API returned: no access rule is repeated here.
import { get, getBlob, getIfAllowed } from './api.js';
import {
  dataTable, figure, filterForm, formatInstant, formatNumber, h, link, route, saveFile, words,
} from './dom.js';

const caseLink = (row) => link(`#/case/${row.case}`, `Case ${row.case}`);
const isoDay = (date) => date.toISOString().slice(0, 10);
const daysAgo = (days) => isoDay(new Date(Date.now() - days * 86400000));
const today = () => isoDay(new Date());

function heading(text, lede) {
  return [h('h1', { tabindex: -1 }, text), lede ? h('p', { className: 'lede' }, lede) : null];
}

function scopeText(team) {
  return team ? `Team ${team}.` : 'Every team you may see.';
}

const clockColumns = (daysKey, daysLabel) => [
  { key: 'case', label: 'Case', cell: caseLink },
  { key: 'subject', label: 'Child' },
  { key: 'clock', label: 'Clock', value: (r) => r.clock, cell: (r) => words(r.clock) },
  { key: 'due_at', label: 'Due', cell: (r) => formatInstant(r.due_at) },
  { key: daysKey, label: daysLabel, number: true },
  { key: 'state', label: 'State', cell: (r) => words(r.state) },
  { key: 'team', label: 'Team' },
];

const grantColumns = [
  { key: 'grant', label: 'Grant', number: true },
  { key: 'case', label: 'Case', cell: caseLink },
  { key: 'user', label: 'Who' },
  { key: 'role', label: 'Role', cell: (r) => words(r.role) },
  { key: 'reason', label: 'Reason' },
  { key: 'granted_at', label: 'Granted', cell: (r) => formatInstant(r.granted_at) },
  { key: 'reviewed_by', label: 'Reviewed by', cell: (r) => r.reviewed_by ?? 'Not reviewed' },
  { key: 'uses', label: 'Actions taken', number: true, value: (r) => r.uses.length },
];

function noOversight() {
  return h('p', { className: 'notice' },
    'Your role does not include oversight reports. ', link('#/cases', 'Cases'), ' lists the cases you may see.');
}

async function overview() {
  const [caseload, overdue, due, grants, actions, actionsDue] = await Promise.all([
    getIfAllowed('oversight/caseload'),
    getIfAllowed('oversight/overdue', { limit: 10 }),
    getIfAllowed('oversight/due', { working_days: 5, limit: 10 }),
    getIfAllowed('oversight/access', { unreviewed: true }),
    getIfAllowed('oversight/actions'),
    getIfAllowed('oversight/due', { working_days: 5, limit: 1, workflow: 'improvement_action' }),
  ]);
  if (!caseload) return [heading('Overview'), noOversight()];
  const late = (actions ?? []).reduce((sum, row) => sum + row.open_overdue, 0);
  const cards = [
    h('section', { className: 'card', 'aria-labelledby': 'card-open' }, h('h2', { id: 'card-open' }, 'Open cases'),
      figure('open-cases', caseload.open, route('cases'), 'cases not in a final state')),
    h('section', { className: 'card', 'aria-labelledby': 'card-overdue' }, h('h2', { id: 'card-overdue' }, 'Overdue'),
      figure('overdue', overdue.total, route('overdue'), 'clocks past their due time')),
    h('section', { className: 'card', 'aria-labelledby': 'card-due' }, h('h2', { id: 'card-due' }, 'Due soon'),
      figure('due', due.total, route('due'), 'clocks due in the next 5 working days')),
  ];
  if (grants) {
    cards.push(h('section', { className: 'card', 'aria-labelledby': 'card-grants' },
      h('h2', { id: 'card-grants' }, 'Break-glass'),
      figure('unreviewed-grants', grants.length, route('access', { unreviewed: 'true' }), 'grants not yet reviewed')));
  }
  if (actions) {
    cards.push(h('section', { className: 'card', 'aria-labelledby': 'card-actions' },
      h('h2', { id: 'card-actions' }, 'Improvement actions'),
      figure('actions-late', late, route('actions', { standing: 'open_overdue' }), 'late: past their target date'),
      figure('actions-at-risk', actionsDue.total, route('due', { workflow: 'improvement_action' }),
        'at risk: target due in the next 5 working days')));
  }
  const largest = Math.max(1, ...caseload.states.map((s) => s.cases));
  return [
    heading('Overview', scopeText(caseload.team)),
    h('div', { className: 'cards' }, cards),
    h('h2', {}, 'Cases by state'),
    dataTable('Cases in each state of each workflow', [
      { key: 'workflow', label: 'Workflow', cell: (r) => words(r.workflow) },
      { key: 'state', label: 'State', cell: (r) => words(r.state) },
      { key: 'final', label: 'Open or closed', value: (r) => (r.final ? 'closed' : 'open') },
      {
        key: 'cases', label: 'Cases', number: true,
        cell: (r) => [h('span', { className: 'bar', 'aria-hidden': 'true', barWidth: r.cases / largest }),
          link(route('cases', { workflow: r.workflow, state: r.state }), formatNumber(r.cases),
            { 'data-figure': `state:${r.workflow}/${r.state}` })],
      },
    ], caseload.states, { csv: 'caseload.csv' }),
    h('h2', {}, 'Overdue clocks, oldest first'),
    dataTable(`The ${Math.min(10, overdue.total)} most overdue of ${formatNumber(overdue.total)}`,
      clockColumns('days_overdue', 'Days overdue'), overdue.clocks),
    h('p', {}, link(route('overdue'), `All ${formatNumber(overdue.total)} overdue clocks`)),
    h('h2', {}, 'Due in the next 5 working days'),
    dataTable(`The first ${Math.min(10, due.total)} of ${formatNumber(due.total)}, soonest first`,
      clockColumns('days_until_due', 'Days until due'), due.clocks),
    h('p', {}, link(route('due'), `All ${formatNumber(due.total)} clocks due by ${formatInstant(due.due_by)}`)),
    grants ? [h('h2', {}, 'Break-glass grants not yet reviewed'),
      dataTable('Unreviewed break-glass grants', grantColumns, grants)] : null,
  ];
}

async function clockList(kind, params) {
  const team = params.get('team') ?? '';
  const workflow = params.get('workflow') ?? '';
  const report = kind === 'overdue'
    ? await get('oversight/overdue', { team, limit: 5000 })
    : await get('oversight/due', { team, working_days: params.get('working_days') ?? 5, limit: 5000, workflow });
  const rows = report.clocks.filter((c) => !workflow || c.workflow === workflow);
  const title = kind === 'overdue' ? 'Overdue clocks' : 'Clocks due soon';
  const scope = `${scopeText(report.team)}${workflow ? ` Workflow ${words(workflow)} only.` : ''}`;
  return [
    heading(title, kind === 'overdue'
      ? `Open clocks past their due time, oldest first. ${scope}`
      : `Open clocks due by ${formatInstant(report.due_by)}. ${scope}`),
    filterForm(kind, [
      { name: 'team', label: 'Team' },
      kind === 'due' ? { name: 'working_days', label: 'Working days ahead', type: 'number', value: '5' } : null,
      { name: 'workflow', label: 'Workflow' },
    ].filter(Boolean), params),
    // The due list is narrowed to the workflow by the API; the overdue list here, so its count is the rows'.
    figure(`${kind}-total`, kind === 'overdue' && workflow ? rows.length : report.total, null, ' clocks'),
    report.total > report.clocks.length ? h('p', { className: 'notice' },
      `The first ${formatNumber(report.clocks.length)} are listed.`) : null,
    dataTable(title, clockColumns(kind === 'overdue' ? 'days_overdue' : 'days_until_due',
      kind === 'overdue' ? 'Days overdue' : 'Days until due'), rows, { csv: `${kind}.csv` }),
  ];
}

const caseColumns = [
  { key: 'case', label: 'Case', cell: caseLink },
  { key: 'subject', label: 'Child' },
  { key: 'workflow', label: 'Workflow', cell: (r) => words(r.workflow) },
  { key: 'state', label: 'State', cell: (r) => words(r.state) },
  { key: 'team', label: 'Team' },
  { key: 'allocated_to', label: 'Allocated to', cell: (r) => r.allocated_to ?? 'Unallocated' },
  { key: 'state_entered_at', label: 'In this state since', cell: (r) => formatInstant(r.state_entered_at) },
];

async function cases(params) {
  const filters = {};
  for (const key of ['team', 'state', 'workflow', 'allocated_to', 'after']) filters[key] = params.get(key) ?? '';
  if (params.get('overdue') === 'true') filters.overdue = 'true';
  const page = await get('cases', { ...filters, limit: 100 });
  const next = page.next ? route('cases', { ...filters, after: page.next }) : null;
  return [
    heading('Cases', 'The cases you may see, 100 at a time.'),
    filterForm('cases', [
      { name: 'workflow', label: 'Workflow' }, { name: 'state', label: 'State' }, { name: 'team', label: 'Team' },
      { name: 'overdue', label: 'Overdue only', options: [['', 'No'], ['true', 'Yes']] },
    ], params),
    h('div', { className: 'actions-row' },
      h('button', {
        type: 'button', className: 'secondary', 'data-export': 'cases',
        onclick: async () => saveFile('cases.csv', await getBlob('export/cases', { format: 'csv' })),
      }, 'Download every case you may see (CSV export)')),
    dataTable('Cases', caseColumns, page.cases, { csv: 'cases-page.csv' }),
    next ? h('p', {}, link(next, 'Next 100 cases')) : null,
  ];
}

function monthsBetween(from, to) {
  const months = [];
  let [year, month] = from.split('-').map(Number);
  const [endYear, endMonth] = to.split('-').map(Number);
  while ((year < endYear || (year === endYear && month <= endMonth)) && months.length < 24) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) { month = 1; year += 1; }
  }
  return months;
}

function lastDay(month) {
  const [year, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

async function timeliness(params) {
  const now = new Date();
  const thisMonth = isoDay(now).slice(0, 7);
  const sixAgo = isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1))).slice(0, 7);
  const from = params.get('from') || sixAgo, to = params.get('to') || thisMonth;
  const by = params.get('by') === 'team' ? 'team' : 'clock';
  const months = monthsBetween(from, to);
  const reports = await Promise.all(months.map((month) =>
    get('oversight/timeliness', { from: `${month}-01`, to: lastDay(month), by })));
  const rows = reports.flatMap((report, i) => report.rows.map((row) => ({ month: months[i], ...row })));
  const percent = (r) => (r.percent_on_time == null ? '' : Math.round(r.percent_on_time * 10) / 10);
  // Each count links to its clocks: those due in that month, of that clock (and team), with that outcome.
  const behind = (outcome) => (r) => (r[outcome]
    ? link(route('clocks', { from: `${r.month}-01`, to: lastDay(r.month), clock: r.clock, outcome, team: r.team ?? '' }),
      formatNumber(r[outcome]))
    : '0');
  return [
    heading('Timeliness', 'Clocks due in each month: met within their timescale, met late, open and overdue, ' +
      'and still running. Counts are for every team.'),
    filterForm('timeliness', [
      { name: 'from', label: 'From month', type: 'month', value: from },
      { name: 'to', label: 'To month', type: 'month', value: to },
      { name: 'by', label: 'Group by', options: [['clock', 'Clock'], ['team', 'Clock and team']] },
    ], params),
    dataTable(`Timeliness by month${by === 'team' ? ', clock and team' : ' and clock'}`, [
      { key: 'month', label: 'Month' },
      { key: 'clock', label: 'Clock', cell: (r) => words(r.clock) },
      by === 'team' ? { key: 'team', label: 'Team' } : null,
      { key: 'met_on_time', label: 'Met in time', number: true, cell: behind('met_on_time') },
      { key: 'met_late', label: 'Met late', number: true, cell: behind('met_late') },
      { key: 'overdue', label: 'Open, overdue', number: true, cell: behind('overdue') },
      { key: 'running', label: 'Running', number: true, cell: behind('running') },
      {
        key: 'percent_on_time', label: '% in time', number: true, value: percent,
        cell: (r) => (r.percent_on_time == null ? 'none due'
          : [h('span', { className: 'bar', 'aria-hidden': 'true', barWidth: r.percent_on_time / 100 }), `${percent(r)}%`]),
      },
    ].filter(Boolean), rows, { csv: 'timeliness.csv', empty: 'no clocks were due in these months.' }),
  ];
}

const outcomes = [['', 'Any outcome'], ['met_on_time', 'Met in time'], ['met_late', 'Met late'],
  ['overdue', 'Open, overdue'], ['running', 'Running']];

async function clocks(params) {
  const query = {
    from: params.get('from') || daysAgo(30), to: params.get('to') || today(), clock: params.get('clock') ?? '',
    outcome: params.get('outcome') ?? '', team: params.get('team') ?? '',
  };
  const report = await get('oversight/clocks', { ...query, limit: 5000 });
  const outcome = outcomes.find(([key]) => key === query.outcome)?.[1] ?? 'Any outcome';
  return [
    heading('Clocks', `${query.clock ? words(query.clock) : 'Every clock'} due ${query.from} to ${query.to}: ` +
      `${outcome.toLowerCase()}. Timeliness counts every team; this list shows the cases you may see.`),
    filterForm('clocks', [
      { name: 'from', label: 'Due from', type: 'date' }, { name: 'to', label: 'Due to', type: 'date' },
      { name: 'clock', label: 'Clock' }, { name: 'outcome', label: 'Outcome', options: outcomes },
      { name: 'team', label: 'Team' },
    ], new URLSearchParams(query)),
    figure('clocks-total', report.total, null, ' clocks'),
    report.total > report.clocks.length ? h('p', { className: 'notice' },
      `The first ${formatNumber(report.clocks.length)} are listed.`) : null,
    dataTable('Clocks', [
      { key: 'case', label: 'Case', cell: caseLink },
      { key: 'subject', label: 'Child' },
      { key: 'clock', label: 'Clock', cell: (r) => words(r.clock) },
      { key: 'due_at', label: 'Due', cell: (r) => formatInstant(r.due_at) },
      { key: 'met_at', label: 'Met', cell: (r) => (r.met_at ? formatInstant(r.met_at) : 'not met') },
      { key: 'state', label: 'Case state', cell: (r) => words(r.state) },
      { key: 'team', label: 'Team' },
    ], report.clocks, { csv: 'clocks.csv' }),
  ];
}

function periodFields(extra = []) {
  return [
    { name: 'from', label: 'From', type: 'date', value: daysAgo(90) },
    { name: 'to', label: 'To', type: 'date', value: today() },
    { name: 'team', label: 'Team' },
    ...extra,
  ];
}

function period(params) {
  return { from: params.get('from') || daysAgo(90), to: params.get('to') || today(), team: params.get('team') ?? '' };
}

const attemptColumns = (withReason) => [
  { key: 'seq', label: 'Entry', number: true },
  { key: 'at', label: 'When', cell: (r) => formatInstant(r.at) },
  { key: 'case', label: 'Case', cell: caseLink },
  { key: 'actor', label: 'Who' },
  { key: 'event', label: 'Step', value: (r) => r.detail.event, cell: (r) => words(r.detail.event) },
  {
    key: 'missing', label: 'Missing', value: (r) => (r.detail.missing ?? []).map((m) => m.task).join('; '),
    cell: (r) => words((r.detail.missing ?? []).map((m) => m.task).join(', ')),
  },
  withReason ? { key: 'reason', label: 'Reason given', value: (r) => r.detail.reason } : null,
].filter(Boolean);

async function exceptions(params) {
  const p = period(params);
  const show = params.get('show') ?? '';
  const [refusals, overrides, grants] = await Promise.all([
    get('oversight/refusals', p), get('oversight/overrides', p),
    getIfAllowed('oversight/access', { from: p.from, to: p.to }),
  ]);
  const only = (name) => !show || show === name;
  const count = (key, rows, label) =>
    h('div', { className: 'card' }, figure(key, rows.length, route('exceptions', { ...p, show: key }), label));
  return [
    heading('Exceptions', `Steps refused for what was missing, steps a manager overrode with a reason, and break-glass access, ${p.from} to ${p.to}.`),
    filterForm('exceptions', periodFields(), params),
    h('div', { className: 'cards' }, count('refusals', refusals, 'refused steps'),
      count('overrides', overrides, 'overrides'), grants ? count('grants', grants, 'break-glass grants') : null),
    show ? h('p', {}, link(route('exceptions', p), 'Show every kind of exception')) : null,
    only('refusals') ? [h('h2', {}, 'Refused steps'),
      dataTable('Refused steps', attemptColumns(false), refusals, { csv: 'refusals.csv' })] : null,
    only('overrides') ? [h('h2', {}, 'Overrides'),
      dataTable('Overrides, with the reason recorded', attemptColumns(true), overrides, { csv: 'overrides.csv' })] : null,
    grants && only('grants') ? [h('h2', {}, 'Break-glass grants'),
      dataTable('Break-glass grants', grantColumns, grants, { csv: 'break-glass.csv' })] : null,
  ];
}

async function access(params) {
  const unreviewed = params.get('unreviewed') === 'true';
  const grants = await get('oversight/access', { unreviewed });
  return [
    heading('Break-glass grants', unreviewed ? 'Grants a team manager has not yet reviewed.' : 'Every grant in your view.'),
    filterForm('access', [{ name: 'unreviewed', label: 'Show', options: [['', 'All grants'], ['true', 'Not yet reviewed']] }], params),
    figure('grants-total', grants.length, null, ' grants'),
    dataTable('Break-glass grants', grantColumns, grants, { csv: 'break-glass.csv' }),
  ];
}

export const pages = {
  overview: { title: () => 'Overview', render: () => overview() },
  overdue: { title: () => 'Overdue clocks', render: ({ params }) => clockList('overdue', params) },
  due: { title: () => 'Clocks due soon', render: ({ params }) => clockList('due', params) },
  cases: { title: () => 'Cases', render: ({ params }) => cases(params) },
  timeliness: { title: () => 'Timeliness', render: ({ params }) => timeliness(params) },
  clocks: { title: () => 'Clocks', render: ({ params }) => clocks(params) },
  exceptions: { title: () => 'Exceptions', render: ({ params }) => exceptions(params) },
  access: { title: () => 'Break-glass grants', render: ({ params }) => access(params) },
};

export { caseLink, heading, period, periodFields, scopeText };

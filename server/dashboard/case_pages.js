// One case (its state, what each step still needs, its clocks and its audit timeline) and the
// workflows with their diagrams and gates.
import { get } from './api.js';
import { dataTable, filterForm, formatInstant, h, link, route, words } from './dom.js';
import { heading } from './pages.js';
import { workflowDiagram } from './diagram.js';

function requirement(item) {
  const parts = [words(item.task)];
  if (item.role) parts.push(`recorded by a ${words(item.role)}`);
  if (item.condition) parts.push(`with ${item.condition}`);
  if (item.scope && item.scope !== 'stage') parts.push(`(${words(item.scope)})`);
  return parts.join(' ');
}

function requirementList(items, none) {
  return items.length ? h('ul', { className: 'missing' }, items.map((m) => h('li', {}, requirement(m)))) : none;
}

function auditSummary(entry) {
  const d = entry.detail ?? {};
  if (entry.action === 'fire' || entry.action === 'open') {
    const move = d.from && d.to && d.from !== d.to ? `: ${words(d.from)} to ${words(d.to)}` : '';
    return `${words(d.event ?? entry.action)}${move}${d.reason ? `. Reason: ${d.reason}` : ''}`;
  }
  if (entry.action === 'record') return `recorded ${words(d.event ?? d.kind ?? 'a task')}`;
  if (entry.action === 'view') return `viewed${d.report ? ` (${words(d.report)})` : ''}`;
  return words(entry.action);
}

async function casePage(arg) {
  if (!/^[1-9][0-9]*$/.test(arg)) throw new Error('A case number is a whole number, such as 42.');
  const [status, history] = await Promise.all([get(`cases/${arg}`), get(`cases/${arg}/history`)]);
  return [
    heading(`Case ${status.case}`, `${status.subject}, ${words(status.workflow)} (version ${status.workflow_version}).`),
    h('dl', { className: 'facts' },
      h('dt', {}, 'State'), h('dd', { 'data-figure': 'case-state' }, words(status.state) + (status.final ? ' (closed)' : '')),
      h('dt', {}, 'Team'), h('dd', {}, status.team),
      h('dt', {}, 'Allocated to'), h('dd', {}, status.allocated_to ?? 'Unallocated'),
      h('dt', {}, 'Version'), h('dd', {}, String(status.version))),
    h('h2', {}, 'Next steps and what each still needs'),
    dataTable('Steps possible from this state', [
      { key: 'event', label: 'Step', cell: (r) => words(r.event) },
      { key: 'to', label: 'Leads to', cell: (r) => words(r.to) },
      { key: 'ready', label: 'Ready?', value: (r) => (r.ready ? 'ready' : 'not ready') },
      {
        key: 'missing', label: 'Still missing', value: (r) => r.missing.map((m) => m.task).join('; '),
        cell: (r) => requirementList(r.missing, 'nothing'),
      },
    ], status.events, { empty: 'none: this is a final state.' }),
    h('h2', {}, 'Clocks'),
    dataTable('Statutory clocks', [
      { key: 'clock', label: 'Clock', cell: (r) => words(r.clock) },
      { key: 'cycle', label: 'Cycle', number: true },
      { key: 'started_at', label: 'Started', cell: (r) => formatInstant(r.started_at) },
      { key: 'due_at', label: 'Due', cell: (r) => formatInstant(r.due_at) },
      { key: 'state', label: 'Status', cell: (r) => h('span', { className: `tag ${r.state === 'overdue' || r.state === 'late' ? 'late' : ''}` }, words(r.state)) },
      { key: 'met_at', label: 'Met', cell: (r) => formatInstant(r.met_at) },
    ], status.clocks, { csv: `case-${status.case}-clocks.csv`, empty: 'no clock has started.' }),
    h('h2', {}, 'Timeline'),
    dataTable('Audit entries of this case, oldest first', [
      { key: 'seq', label: 'Entry', number: true },
      { key: 'at', label: 'When', cell: (r) => formatInstant(r.at) },
      { key: 'actor', label: 'Who', value: (r) => `${r.actor} (${words(r.role)})` },
      { key: 'outcome', label: 'Outcome' },
      { key: 'what', label: 'What', value: auditSummary },
    ], history, { csv: `case-${status.case}-timeline.csv` }),
  ];
}

async function caseFinder(params) {
  const id = params.get('id') ?? '';
  if (id) location.hash = `#/case/${encodeURIComponent(id)}`;
  return [heading('Find a case'), filterForm('case', [{ name: 'id', label: 'Case number', type: 'number', required: true }], params)];
}

async function workflows() {
  const list = await get('workflows');
  return [
    heading('Workflows', 'Each workflow registered in this casegate, with every version.'),
    dataTable('Workflows', [
      { key: 'name', label: 'Workflow', cell: (r) => link(route(`workflow/${r.name}`, { version: r.version }), words(r.name)) },
      { key: 'version', label: 'Version', number: true },
      { key: 'initial_state', label: 'Starts in', cell: (r) => words(r.initial_state) },
    ], list),
  ];
}

async function workflowPage(name, params) {
  const version = params.get('version') ?? '';
  const w = await get(`workflows/${encodeURIComponent(name)}`, { version });
  return [
    heading(`Workflow: ${words(w.name)}`, `Version ${w.version}. A step happens only when its gate's tasks are recorded. The diagram numbers each step as the table below does.`),
    h('h2', {}, 'Diagram'),
    workflowDiagram(w),
    h('h2', {}, 'Steps and their gates'),
    dataTable('Steps and the tasks each gate requires', [
      { key: 'step', label: 'Number in the diagram', number: true, value: (r) => w.transitions.indexOf(r) + 1 },
      { key: 'from', label: 'From', cell: (r) => words(r.from) },
      { key: 'event', label: 'Step', cell: (r) => words(r.event) },
      { key: 'to', label: 'To', cell: (r) => words(r.to) },
      { key: 'gate', label: 'Gate: tasks required', value: (r) => r.gate.map((g) => g.task).join('; '),
        cell: (r) => requirementList(r.gate, 'none') },
    ], w.transitions),
    h('h2', {}, 'Clocks'),
    dataTable('Clocks', [
      { key: 'clock', label: 'Clock', cell: (r) => words(r.clock) },
      { key: 'anchor', label: 'Starts at' }, { key: 'due', label: 'Due' }, { key: 'met_by', label: 'Met by' },
    ], w.clocks),
  ];
}

export const casePages = {
  case: {
    title: (arg) => (arg ? `Case ${arg}` : 'Find a case'),
    render: ({ arg, params }) => (arg ? casePage(arg) : caseFinder(params)),
  },
  workflows: { title: () => 'Workflows', render: () => workflows() },
  workflow: { title: (arg) => `Workflow ${words(arg)}`, render: ({ arg, params }) => workflowPage(arg, params) },
};

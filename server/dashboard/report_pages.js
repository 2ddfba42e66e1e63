// The seed's own questions: is the child's voice captured, are strategy meetings held within
// 24 hours, which improvement actions are late. The same filters as the CLI reports.
import { get, getIfAllowed } from './api.js';
import { dataTable, figure, filterForm, formatInstant, h, link, route, words } from './dom.js';
import { caseLink, heading, period, periodFields } from './pages.js';

const yesNo = (value) => (value == null ? '' : value ? 'yes' : 'no');

async function voice(params) {
  const p = period(params);
  const captured = params.get('captured') ?? '';
  const rows = await get('oversight/voice', p);
  const shown = rows.filter((r) => !captured || String(r.captured) === captured);
  const count = rows.filter((r) => r.captured).length;
  return [
    heading('Voice of the child', `Each stage of a case entered ${p.from} to ${p.to}, and whether the child's own ` +
      'views, wishes and feelings were recorded in it.'),
    filterForm('voice', periodFields([
      { name: 'captured', label: 'Show', options: [['', 'Every stage'], ['true', 'Voice captured'], ['false', 'Voice not captured']] },
    ]), params),
    h('div', { className: 'cards' },
      h('div', { className: 'card' }, figure('voice-captured', count, route('voice', { ...p, captured: 'true' }),
        `stages with the child's voice captured, of ${rows.length}`)),
      h('div', { className: 'card' }, figure('voice-missing', rows.length - count, route('voice', { ...p, captured: 'false' }),
        'stages with no voice recorded'))),
    dataTable('Stages and the voice of the child', [
      { key: 'case', label: 'Case', cell: caseLink },
      { key: 'team', label: 'Team' },
      { key: 'state', label: 'Stage', cell: (r) => words(r.state) },
      { key: 'stage_entered_at', label: 'Began', cell: (r) => formatInstant(r.stage_entered_at) },
      { key: 'captured', label: 'Voice captured', value: (r) => yesNo(r.captured) },
      { key: 'days_after_stage_began', label: 'Days after the stage began', number: true, value: (r) => r.days_after_stage_began ?? '' },
      { key: 'child_seen', label: 'Child seen', value: (r) => yesNo(r.child_seen) },
      { key: 'seen_alone', label: 'Seen alone', value: (r) => yesNo(r.seen_alone) },
      { key: 'method', label: 'How', value: (r) => r.method ?? '' },
    ], shown, { csv: 'voice.csv' }),
  ];
}

async function meetings(params) {
  const p = period(params);
  const timeliness = params.get('timeliness') ?? '';
  const [rows, teams] = await Promise.all([
    get('oversight/strategy-meetings', p), get('oversight/strategy-meetings', { ...p, by: 'team' }),
  ]);
  const shown = rows.filter((r) => !timeliness || r.timeliness === timeliness);
  const within = rows.filter((r) => r.timeliness === 'within').length;
  const late = rows.filter((r) => r.timeliness === 'late').length;
  const teamLink = (team, key, value) => link(route('strategy-meetings', { ...p, team, timeliness: key }), String(value));
  return [
    heading('Strategy meetings', `Meetings held ${p.from} to ${p.to}, judged against the case's strategy discussion ` +
      'clock (24 hours, or 4 when the concern is immediate).'),
    filterForm('strategy-meetings', periodFields([
      { name: 'timeliness', label: 'Show', options: [['', 'Every meeting'], ['within', 'Within time'], ['late', 'Late'], ['no clock', 'No clock']] },
    ]), params),
    h('div', { className: 'cards' },
      h('div', { className: 'card' }, figure('meetings-held', rows.length, route('strategy-meetings', p), 'meetings held')),
      h('div', { className: 'card' }, figure('meetings-within', within, route('strategy-meetings', { ...p, timeliness: 'within' }), 'within time')),
      h('div', { className: 'card' }, figure('meetings-late', late, route('strategy-meetings', { ...p, timeliness: 'late' }), 'late'))),
    h('h2', {}, 'By team'),
    dataTable('Strategy meetings by team', [
      { key: 'team', label: 'Team' },
      { key: 'held', label: 'Held', number: true, cell: (r) => teamLink(r.team, '', r.held) },
      { key: 'within', label: 'Within time', number: true, cell: (r) => teamLink(r.team, 'within', r.within) },
      { key: 'late', label: 'Late', number: true, cell: (r) => teamLink(r.team, 'late', r.late) },
      { key: 'no_clock', label: 'No clock', number: true },
    ], teams, { csv: 'strategy-meetings-by-team.csv' }),
    h('h2', {}, 'Meetings'),
    dataTable('Strategy meetings', [
      { key: 'case', label: 'Case', cell: caseLink },
      { key: 'team', label: 'Team' },
      { key: 'occurred_at', label: 'Held', cell: (r) => formatInstant(r.occurred_at) },
      { key: 'due_at', label: 'Due by', cell: (r) => formatInstant(r.due_at) },
      { key: 'timeliness', label: 'In time?' },
      { key: 'participants', label: 'Agencies', value: (r) => r.participants.map((x) => `${x.agency} (${x.mode})`).join('; ') },
    ], shown, { csv: 'strategy-meetings.csv' }),
  ];
}

// Every improvement action (a case of workflow improvement_action), a page of the cases list at a
// time until all are read: an action plan has tens of actions, not thousands.
async function allActions(overdueOnly) {
  const actions = [];
  let after = '';
  do {
    const page = await get('cases', { workflow: 'improvement_action', overdue: overdueOnly ? 'true' : '', limit: 1000, after });
    actions.push(...page.cases);
    after = page.next ?? '';
  } while (after && actions.length < 10000);
  return actions;
}

async function actions(params) {
  const theme = params.get('theme') ?? '';
  const status = params.get('status') ?? '';
  const [byTheme, every, overdue, workflow] = await Promise.all([
    getIfAllowed('oversight/actions', { by: 'theme' }), allActions(false), allActions(true),
    get('workflows/improvement_action'),
  ]);
  const late = new Set(overdue.map((c) => c.case));
  const order = workflow.states.map((s) => s.name);
  const reached = (row, state) => order.indexOf(row.state) >= order.indexOf(state);
  const shown = every.filter((c) => (!theme || c.attributes.theme === theme) && (status !== 'overdue' || late.has(c.case)));
  const themeLink = (row, key, value) =>
    key === 'open_overdue' ? link(route('actions', { theme: row.theme, status: 'overdue' }), String(value))
      : link(route('actions', { theme: row.theme }), String(value));
  return [
    heading('Improvement actions', 'The action plan: each action against its agreed target date, with its evidence, ' +
      'the audit check and the board\'s sign-off.'),
    byTheme ? [h('h2', {}, 'By theme'), dataTable('Improvement actions by theme', [
      { key: 'theme', label: 'Theme', cell: (r) => link(route('actions', { theme: r.theme }), r.theme) },
      { key: 'completed_on_time', label: 'Completed in time', number: true, cell: (r) => themeLink(r, '', r.completed_on_time) },
      { key: 'completed_late', label: 'Completed late', number: true, cell: (r) => themeLink(r, '', r.completed_late) },
      { key: 'open_overdue', label: 'Open, late', number: true, cell: (r) => themeLink(r, 'open_overdue', r.open_overdue) },
      { key: 'open_on_track', label: 'Open, on track', number: true, cell: (r) => themeLink(r, '', r.open_on_track) },
    ], byTheme, { csv: 'actions-by-theme.csv' })] : null,
    h('h2', {}, theme ? `Actions: ${theme}` : 'Actions'),
    filterForm('actions', [
      { name: 'theme', label: 'Theme' },
      { name: 'status', label: 'Show', options: [['', 'Every action'], ['overdue', 'Late only']] },
    ], params),
    figure('actions-shown', shown.length, null, ' actions'),
    dataTable('Improvement actions', [
      { key: 'case', label: 'Action', cell: caseLink },
      { key: 'title', label: 'Title', value: (r) => r.attributes.title ?? r.subject },
      { key: 'theme', label: 'Theme', value: (r) => r.attributes.theme ?? '' },
      { key: 'owner', label: 'Owner', value: (r) => r.attributes.owner ?? '' },
      { key: 'target_date', label: 'Target date', value: (r) => r.attributes.target_date ?? '' },
      { key: 'state', label: 'State', cell: (r) => words(r.state) },
      { key: 'late', label: 'Late', value: (r) => (late.has(r.case) ? 'late' : '') },
      { key: 'evidence', label: 'Evidence', value: (r) => (reached(r, 'completed') ? 'recorded' : 'not yet') },
      { key: 'assured', label: 'Audit check', value: (r) => (reached(r, 'assured') ? 'effective' : 'not yet') },
      { key: 'signed_off', label: 'Signed off', value: (r) => (reached(r, 'closed') ? 'yes' : 'not yet') },
    ], shown, { csv: 'improvement-actions.csv' }),
  ];
}

export const reportPages = {
  voice: { title: () => 'Voice of the child', render: ({ params }) => voice(params) },
  'strategy-meetings': { title: () => 'Strategy meetings', render: ({ params }) => meetings(params) },
  actions: { title: () => 'Improvement actions', render: ({ params }) => actions(params) },
};

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

const standings = [
  ['open_overdue', 'Open, late'], ['open_on_track', 'Open, on track'],
  ['completed_on_time', 'Completed in time'], ['completed_late', 'Completed late'],
];
const standingWords = Object.fromEntries(standings);

// A task recorded on an action as the action plan reads it: what, then who and when. None
// recorded is said so, even where the state is past the step (a manager may override a gate).
const recorded = (task, text) => (task ? `${text(task)} (${task.by}, ${formatInstant(task.at)})` : 'none recorded');
const evidenceText = (r) => recorded(r.evidence, (t) => (t.link ? `${t.description}: ${t.link}` : t.description));
const auditText = (r) => recorded(r.audit_check, (t) => `${t.effective ? 'effective' : 'not effective'}: ${t.note}`);
const signOffText = (r) => recorded(r.sign_off, (t) => t.note);

async function actions(params) {
  const theme = params.get('theme') ?? '';
  const standing = params.get('standing') ?? '';
  const [byTheme, every] = await Promise.all([
    getIfAllowed('oversight/actions', { by: 'theme' }), getIfAllowed('oversight/actions', { by: 'action' }),
  ]);
  const list = every ?? [];
  const shown = list.filter((r) => (!theme || r.theme === theme) && (!standing || r.standing === standing));
  const countLink = (row, key) => link(route('actions', { theme: row.theme, standing: key }), String(row[key]));
  return [
    heading('Improvement actions', 'The action plan: each action against its agreed target date, with the evidence, ' +
      'the audit check and the board\'s sign-off recorded on it.'),
    byTheme ? [h('h2', {}, 'By theme'), dataTable('Improvement actions by theme', [
      { key: 'theme', label: 'Theme', cell: (r) => link(route('actions', { theme: r.theme }), r.theme) },
      ...standings.map(([key, label]) => ({ key, label, number: true, cell: (r) => countLink(r, key) })),
    ], byTheme, { csv: 'actions-by-theme.csv' }),
    h('p', {}, 'The counts cover every team\'s actions; the list below holds the actions you may see.')] : null,
    h('h2', {}, theme ? `Actions: ${theme}` : 'Actions'),
    filterForm('actions', [
      { name: 'theme', label: 'Theme' },
      { name: 'standing', label: 'Show', options: [['', 'Every action'], ...standings] },
    ], params),
    figure('actions-shown', shown.length, null, ' actions'),
    dataTable('Improvement actions', [
      { key: 'case', label: 'Action', cell: caseLink },
      { key: 'title', label: 'Title' },
      { key: 'theme', label: 'Theme' },
      { key: 'owner', label: 'Owner' },
      { key: 'target_date', label: 'Target date' },
      { key: 'state', label: 'State', cell: (r) => words(r.state) },
      { key: 'standing', label: 'Against target', value: (r) => standingWords[r.standing] ?? 'no target' },
      { key: 'evidence', label: 'Evidence', value: evidenceText },
      { key: 'audit_check', label: 'Audit check', value: auditText },
      { key: 'sign_off', label: 'Sign-off', value: signOffText },
    ], shown, { csv: 'improvement-actions.csv' }),
  ];
}

export const reportPages = {
  voice: { title: () => 'Voice of the child', render: ({ params }) => voice(params) },
  'strategy-meetings': { title: () => 'Strategy meetings', render: ({ params }) => meetings(params) },
  actions: { title: () => 'Improvement actions', render: ({ params }) => actions(params) },
};

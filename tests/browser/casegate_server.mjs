// A throwaway casegate database and `casegate serve` for the browser tests: users in two teams,
// keys, tokens from `casegate token`, and a little case work done through the API.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const issuer = 'https://idp.example', audience = 'casegate';

export const users = [
  ['sw.north', 'social_worker', 'north'], ['tm.north', 'team_manager', 'north'],
  ['sw.south', 'social_worker', 'south'], ['tm.south', 'team_manager', 'south'],
  ['aud.lee', 'auditor', ''], ['chair.patel', 'conference_chair', ''], ['board.ross', 'board_chair', ''],
];

export class CasegateServer {
  constructor(binary) {
    this.binary = binary;
    this.dir = mkdtempSync(path.join(tmpdir(), 'casegate-browser-'));
    this.db = path.join(this.dir, 'dashboard.db');
    this.key = path.join(this.dir, 'key.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(this.key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(this.dir, 'jwks.json'), this.casegate('jwks', '--key', this.key));
    this.casegate('init', '--admin', 'admin.ali');
    for (const [id, role, team] of users)
      this.casegate('--as', 'admin.ali', 'user', 'add', id, '--role', role, ...(team ? ['--team', team] : []));
    this.tokens = new Map();
  }

  casegate(...args) {
    return execFileSync(this.binary, ['--db', this.db, ...args], { encoding: 'utf8' });
  }

  token(user) {
    if (!this.tokens.has(user))
      this.tokens.set(user, this.casegate('token', '--key', this.key, '--sub', user, '--issuer', issuer,
        '--audience', audience).trim());
    return this.tokens.get(user);
  }

  async start() {
    this.process = spawn(this.binary, ['--db', this.db, 'serve', '--listen', '127.0.0.1:0', '--jwks',
      path.join(this.dir, 'jwks.json'), '--issuer', issuer, '--audience', audience], { stdio: ['ignore', 'pipe', 'ignore'] });
    const line = await new Promise((resolve, reject) => {
      readline.createInterface({ input: this.process.stdout }).once('line', resolve);
      this.process.once('exit', (code) => reject(new Error(`casegate serve exited ${code}`)));
    });
    const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
    if (!match) throw new Error(`unexpected first line from casegate serve: ${line}`);
    this.origin = match[1];
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }

  // The API as `user`: the parsed body, or an Error naming the status and problem.
  async api(user, method, apiPath, body) {
    const response = await fetch(`${this.origin}/v1/${apiPath}`, {
      method,
      headers: { Authorization: `Bearer ${this.token(user)}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw Object.assign(new Error(`${method} ${apiPath}: ${response.status} ${text}`), { status: response.status });
    return JSON.parse(text);
  }

  get(user, apiPath) {
    return this.api(user, 'GET', apiPath);
  }
}

const hoursAgo = (hours) => new Date(Date.now() - hours * 3600000).toISOString();
const daysFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

// Case work in both teams: overdue and running clocks, a refusal, an override with its reason,
// strategy meetings, the voice of a child, break-glass by another team, and an action plan.
export async function seed(server) {
  const open = async (user, subject, hours) =>
    (await server.api(user, 'POST', 'cases', { workflow: 'child_protection', subject, received_at: hoursAgo(hours) })).case;
  const record = (user, id, kind, data, hours) =>
    server.api(user, 'POST', `cases/${id}/tasks`, { kind, data, ...(hours ? { occurred_at: hoursAgo(hours) } : {}) });
  const fire = (user, id, event, extra = {}) =>
    server.api(user, 'POST', `cases/${id}/events/${event}`, extra).catch((error) => {
      if (error.status !== 409) throw error;  // refused: recorded in the audit log as a refusal
    });

  const north = [];
  for (let n = 1; n <= 5; ++n) north.push(await open('sw.north', `NORTH-CHILD-${n}`, 24 * (n + 2)));
  const south = [];
  for (let n = 1; n <= 3; ++n) south.push(await open('sw.south', `SOUTH-CHILD-${n}`, 24 * (n + 2)));
  for (const [team, ids] of [['north', north], ['south', south]]) {
    const worker = `sw.${team}`, manager = `tm.${team}`;
    await fire(worker, ids[0], 'refer_to_strategy');  // refused: no referral decision yet
    await record(worker, ids[0], 'referral_decision', { decision: 'significant_harm' }, 40);
    await fire(worker, ids[0], 'refer_to_strategy');
    await record(worker, ids[0], 'strategy_meeting', { participants: [{ agency: 'police', mode: 'phone' }] }, 30);
    await fire(worker, ids[0], 'start_section_47');
    await record(worker, ids[0], 'voice_of_child', { child_seen: true, seen_alone: true, method: 'direct' }, 20);
    await record(worker, ids[1], 'referral_decision', { decision: 'significant_harm' }, 60);
    await fire(worker, ids[1], 'refer_to_strategy');
    await fire(manager, ids[1], 'start_section_47', { override: true, reason: 'police attending now' });
  }
  await server.api('sw.south', 'POST', `cases/${north[2]}/access`, { reason: 'duty cover for the north team tonight' });
  const action = async (title, theme, target, hours) =>
    (await server.api('tm.north', 'POST', 'cases', {
      workflow: 'improvement_action', subject: title, received_at: hoursAgo(hours),
      attr: { title, theme, owner: 'tm.north', target_date: target },
    })).case;
  const actions = [
    await action('Every child seen alone', 'voice_of_the_child', daysFromNow(-3), 24 * 30),
    await action('Strategy meetings within 24 hours', 'timeliness', daysFromNow(2), 24 * 10),
    await action('Record the wishes of each child', 'voice_of_the_child', daysFromNow(60), 24 * 5),
  ];
  await server.api('tm.north', 'POST', `cases/${actions[2]}/events/start`, {});
  // One action taken through its evidence, audit check and sign-off; one completed by a manager's
  // override with no evidence recorded, which the action plan must not show as evidenced.
  const assured = await action('Audit of case supervision', 'supervision', daysFromNow(20), 24 * 20);
  const overridden = await action('Supervision recorded monthly', 'supervision', daysFromNow(30), 24 * 20);
  for (const id of [assured, overridden]) await server.api('tm.north', 'POST', `cases/${id}/events/start`, {});
  await record('tm.north', assured, 'evidence', { description: 'Supervision audit report, Q1', link: 'https://intranet.example/audit-q1' });
  await server.api('tm.north', 'POST', `cases/${assured}/events/complete`, {});
  await record('aud.lee', assured, 'audit_check', { effective: true, note: 'Sampled 20 case files' });
  await server.api('tm.north', 'POST', `cases/${assured}/events/assure`, {});
  await record('board.ross', assured, 'sign_off', { note: 'Accepted by the improvement board' });
  await server.api('tm.north', 'POST', `cases/${assured}/events/close`, {});
  await server.api('tm.north', 'POST', `cases/${overridden}/events/complete`, { override: true, reason: 'evidence held on the paper file' });
  actions.push(assured, overridden);
  return { north, south, actions };
}

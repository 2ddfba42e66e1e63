// The live feed, GET /v1/events, read with fetch rather than EventSource, because EventSource
// cannot send the Authorization header. After a dropped connection it resumes from the last
// event seen (Last-Event-ID), so nothing that happened meanwhile is missed.

import { headers } from './api.js';

export function startLive({ onChange, onStatus }) {
  let lastId = null;
  let retryMs = 3000;
  let stopped = false;
  let controller = null;
  let dropped = false;

  function dispatch(block) {
    let id = null, data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
      else if (line.startsWith('retry:')) retryMs = Number(line.slice(6).trim()) || retryMs;
    }
    if (id !== null) lastId = id;
    if (!data) return;
    const entry = JSON.parse(data);
    // Views are audited too; they change no figure, and reacting to them would loop.
    if (entry.action !== 'view') onChange(entry);
  }

  async function connect() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch('/v1/events', {
          headers: headers(lastId === null ? {} : { 'Last-Event-ID': lastId }),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401 || response.status === 403) {
          onStatus('off', 'Live updates: not available for this sign-in');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`status ${response.status}`);
        onStatus('on', 'Live updates: on');
        // Back after a drop before any event gave an id to resume from: refresh once to catch up.
        if (dropped && lastId === null) onChange(null);
        dropped = false;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replaceAll('\r\n', '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (error) {
        if (stopped) return;
      }
      if (stopped) return;
      dropped = true;
      onStatus('reconnecting', 'Live updates: connection lost, reconnecting');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  connect();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
    // For tests and for a network change: drop the connection and resume from the last event.
    reconnect() {
      controller?.abort();
    },
  };
}

// A workflow's states and steps as an SVG diagram drawn from the workflow's JSON: the states in
// a column, from the initial state in the order they are reached, and each step an arrow in a
// lane of its own, numbered as in the table of steps and gates below it (the text equivalent).
const svgNs = 'http://www.w3.org/2000/svg';
const boxWidth = 210, boxHeight = 36, rowGap = 22, laneGap = 24, margin = 16;

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

// States in the order a case can reach them (breadth first from the initial state).
function stateOrder(workflow) {
  const initial = workflow.states.find((s) => s.initial) ?? workflow.states[0];
  const order = [initial.name];
  for (let i = 0; i < order.length; ++i)
    for (const t of workflow.transitions) if (t.from === order[i] && !order.includes(t.to)) order.push(t.to);
  for (const s of workflow.states) if (!order.includes(s.name)) order.push(s.name);
  return order.map((name) => workflow.states.find((s) => s.name === name));
}

export function workflowDiagram(workflow) {
  const states = stateOrder(workflow);
  const row = new Map(states.map((s, i) => [s.name, i]));
  const top = (name) => margin + row.get(name) * (boxHeight + rowGap);
  const lanesLeft = margin + boxWidth + 30;
  const width = lanesLeft + workflow.transitions.length * laneGap + margin;
  const height = margin * 2 + states.length * (boxHeight + rowGap) - rowGap;
  const titleId = `diagram-title-${workflow.name}`;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': titleId, class: 'diagram' });
  root.append(svg('title', { id: titleId }, `State diagram of ${workflow.name.replaceAll('_', ' ')}: ` +
    `${states.length} states and ${workflow.transitions.length} numbered steps, each listed in the table of steps below.`));
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#0b0c0c' }));
  const defs = svg('defs');
  defs.append(marker);
  root.append(defs);
  // Where each step leaves and enters its boxes: spread down the box's right edge.
  const ports = new Map();
  const port = (name) => {
    const used = ports.get(name) ?? 0;
    ports.set(name, used + 1);
    return top(name) + 6 + ((used * 7) % (boxHeight - 10));
  };
  workflow.transitions.forEach((t, i) => {
    if (!row.has(t.from) || !row.has(t.to)) return;
    const lane = lanesLeft + i * laneGap + laneGap / 2;
    const y1 = port(t.from), y2 = port(t.to);
    root.append(svg('path', {
      d: `M ${margin + boxWidth} ${y1} H ${lane} V ${y2} H ${margin + boxWidth + 2}`,
      fill: 'none', stroke: '#0b0c0c', 'stroke-width': 1.5, 'marker-end': 'url(#arrow)',
    }));
    const middle = (y1 + y2) / 2;
    root.append(svg('circle', { cx: lane, cy: middle, r: 10, fill: '#ffffff', stroke: '#0b0c0c', 'stroke-width': 1.5 }));
    root.append(svg('text', { x: lane, y: middle + 4, 'text-anchor': 'middle', class: 'step-number' }, String(i + 1)));
  });
  for (const state of states) {
    const y = top(state.name);
    root.append(svg('rect', {
      x: margin, y, width: boxWidth, height: boxHeight, rx: state.final ? 18 : 3,
      fill: state.initial ? '#dbe8f5' : '#ffffff', stroke: '#0b0c0c', 'stroke-width': state.final ? 3 : 1.5,
    }));
    const suffix = state.initial ? ' (start)' : state.final ? ' (final)' : '';
    root.append(svg('text', { x: margin + 10, y: y + boxHeight / 2 + 5 }, `${state.name.replaceAll('_', ' ')}${suffix}`));
  }
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', 'State diagram');
  wrap.tabIndex = 0;
  wrap.append(root);
  return wrap;
}

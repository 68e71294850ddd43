// Draws a layout (layout.js) as SVG, coloured by each state's status
// (history.js). onSelect(name) is called when a state is clicked.

import { layout, HEADER } from './layout.js';

const NS = 'http://www.w3.org/2000/svg';
const MARGIN = 16;

function el(tag, attrs = {}, ...kids) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const k of kids) if (k) e.append(k);
  return e;
}

function clip(text, width) {
  const max = Math.max(4, Math.floor((width - 16) / 7));
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * renderGraph returns an <svg> for a definition.
 * statuses: Map name -> {status} (may be empty); selected: a state name.
 */
export function renderGraph(definition, { statuses = new Map(), selected = '', onSelect } = {}) {
  const g = layout(definition);
  const svg = el('svg', {
    class: 'graph', width: g.width + 2 * MARGIN, height: g.height + 2 * MARGIN,
    viewBox: `${-MARGIN} ${-MARGIN} ${g.width + 2 * MARGIN} ${g.height + 2 * MARGIN}`,
    role: 'img', 'aria-label': 'State machine graph',
  });
  svg.append(el('defs', {},
    el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))));
  const edgeLayer = el('g', { class: 'edges' });
  const nodeLayer = el('g', { class: 'nodes' });
  svg.append(nodeLayer, edgeLayer);
  draw(g, nodeLayer, edgeLayer, statuses, selected, onSelect);
  if (g.problems.length) svg.setAttribute('data-problems', g.problems.join('; '));
  return svg;
}

function draw(g, nodeLayer, edgeLayer, statuses, selected, onSelect) {
  for (const e of g.edges) {
    const d = 'M' + e.points.map(([x, y]) => `${x},${y}`).join(' L');
    const path = el('path', { d, class: `edge edge-${e.kind}${e.back ? ' edge-back' : ''}`, 'marker-end': 'url(#arrow)' });
    if (e.label) path.append(el('title', {}, document.createTextNode(e.label)));
    edgeLayer.append(path);
    if (e.label && (e.kind === 'catch' || e.kind === 'choice' || e.kind === 'default')) {
      const [x0, y0] = e.points[0];
      const [x1, y1] = e.points[1];
      const t = el('text', { x: (x0 + x1) / 2 + 4, y: (y0 + y1) / 2 + 4, class: `edge-label edge-label-${e.kind}` },
        document.createTextNode(clip(e.kind === 'catch' ? `catch ${e.label}` : e.label, 140)));
      edgeLayer.append(t);
    }
  }
  for (const n of g.nodes) {
    if (n.kind === 'start' || n.kind === 'end') {
      nodeLayer.append(el('circle', { cx: n.x + n.w / 2, cy: n.y + n.h / 2, r: n.w / 2, class: `terminal terminal-${n.kind}` },
        el('title', {}, document.createTextNode(n.name))));
      continue;
    }
    const st = statuses.get(n.name);
    const status = st ? st.status : 'notreached';
    const grp = el('g', {
      class: `state status-${status}${n.name === selected ? ' selected' : ''}${n.groups ? ' compound' : ''}`,
      'data-state': n.name, tabindex: 0, role: 'button',
    });
    grp.append(el('rect', { x: n.x, y: n.y, width: n.w, height: n.h, rx: n.groups ? 6 : 18 }));
    const label = n.groups ? `${n.name} · ${n.type}` : n.name;
    grp.append(el('text', { x: n.x + n.w / 2, y: n.groups ? n.y + HEADER / 2 + 5 : n.y + n.h / 2 + 5, class: 'state-label' },
      document.createTextNode(clip(label, n.w))));
    if (st && st.runs && st.runs.length > 1) {
      // Loops and Map iterations enter a state more than once.
      grp.append(el('text', { x: n.x + n.w - 6, y: n.y + 12, class: 'state-count' }, document.createTextNode(`×${st.runs.length}`)));
    }
    const tip = `${n.name} (${n.type}) — ${status}` + (st && st.runs && st.runs.length > 1 ? `, entered ${st.runs.length}×` : '');
    grp.append(el('title', {}, document.createTextNode(tip)));
    if (onSelect) {
      const pick = (ev) => { ev.stopPropagation(); onSelect(n.name); };
      grp.addEventListener('click', pick);
      grp.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') pick(ev); });
    }
    nodeLayer.append(grp);
    for (const gr of n.groups || []) {
      nodeLayer.append(el('rect', { x: gr.x - 4, y: gr.y - 4, width: gr.w + 8, height: gr.h + 8, class: 'group', rx: 4 }));
      draw(gr, nodeLayer, edgeLayer, statuses, selected, onSelect);
    }
  }
}

/** legend lists the colours. */
export function legend() {
  const items = [['succeeded', 'Succeeded'], ['failed', 'Failed'], ['caught', 'Caught error'], ['retried', 'Retried'],
    ['running', 'In progress'], ['aborted', 'Aborted / cancelled'], ['notreached', 'Not reached']];
  const ul = document.createElement('ul');
  ul.className = 'legend';
  for (const [k, label] of items) {
    const li = document.createElement('li');
    li.innerHTML = `<span class="swatch status-${k}"></span>`;
    li.append(label);
    ul.append(li);
  }
  return ul;
}

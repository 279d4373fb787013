/*
 * Browser code of the HTML report (plain JS: the page inlines this file as it is, after d3).
 * Draws every <figure class="diagram"> from its JSON island (diagram-data.ts) as an SVG
 * sequence diagram with d3: one vertical time axis (ms since the scenario started, d3-scale
 * + d3-axis), one lifeline per lane (client, network or process, server), each event a
 * marker with its label, messages as one band with a tick per record, the detection
 * latency of each side as a bracket from the cause to its end, and a dashed arrow from the
 * cause to the other lanes' ends. Every text goes in through textContent (d3 .text()).
 */
(function () {
  'use strict';
  const d3 = globalThis.d3;
  const WIDTH = 960;
  const AXIS_X = 62;
  /** Room right of the last lifeline for its labels (about 48 characters at 11 px). */
  const LABEL_ROOM = 300;
  const PLOT_TOP = 58;
  const PLOT_HEIGHT = 300;
  const LINE = 15;
  /** Characters of a label line before it wraps (the time follows the last line). */
  const WRAP = 36;
  const ms = (value) => `${value.toFixed(1)} ms`;

  /** Splits `text` into lines of at most about WRAP characters, at spaces. */
  function wrap(text) {
    const lines = [''];
    for (const word of text.split(' ')) {
      const last = lines.length - 1;
      if (lines[last] && lines[last].length + word.length + 1 > WRAP) lines.push(word);
      else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
    }
    return lines;
  }

  /**
   * Writes the labels of one lane top-down at the lifeline's right, each at its anchor or
   * just below the one above (a leader line then joins it to its mark); returns the lowest y.
   */
  function placeLabels(labels, x) {
    let next = -Infinity;
    let lowest = 0;
    labels.sort((a, b) => a.anchor - b.anchor);
    for (const label of labels) {
      const lines = wrap(label.text);
      // The time follows the last line, or goes on a line of its own when both would not fit.
      const timeAlone = Boolean(label.time) && lines[lines.length - 1].length + label.time.length > WRAP + 10;
      const ly = Math.max(label.anchor, next);
      next = ly + LINE * (lines.length + (timeAlone ? 1 : 0));
      if (ly - label.anchor > 2) label.el.append('path').attr('class', 'leader').attr('d', `M${label.markX},${label.anchor}L${x + 12},${ly - 4}`);
      const text = label.el.append('text').attr('class', label.cls).attr('x', x + 14).attr('y', ly + 4);
      lines.forEach((line, i) => text.append('tspan').attr('x', x + 14).attr('dy', i === 0 ? 0 : LINE).text(line));
      if (timeAlone) text.append('tspan').attr('class', 'time').attr('x', x + 14).attr('dy', LINE).text(label.time);
      else if (label.time) text.append('tspan').attr('class', 'time').text(`  ${label.time}`);
      lowest = Math.max(lowest, next);
    }
    return lowest;
  }

  function draw(figure, index) {
    const island = figure.querySelector('script.diagram-data');
    if (!island) throw new Error('diagram: no data island');
    const data = JSON.parse(island.textContent);
    const canvas = figure.querySelector('.diagram-canvas');
    const column = (WIDTH - AXIS_X - 18 - LABEL_ROOM) / Math.max(1, data.lanes.length - 1);
    const laneX = new Map(data.lanes.map((lane, i) => [lane.id, AXIS_X + 18 + i * column]));
    const y = d3.scaleLinear().domain([0, data.durationMs]).range([PLOT_TOP, PLOT_TOP + PLOT_HEIGHT]);
    const svg = d3.select(canvas).append('svg')
      .attr('role', 'img').attr('aria-label', `sequence diagram of ${data.scenario}`)
      .attr('width', '100%').attr('preserveAspectRatio', 'xMinYMin meet');
    const arrowId = `arrow-${index}`;
    svg.append('defs').append('marker').attr('id', arrowId).attr('viewBox', '0 0 10 10')
      .attr('refX', 9).attr('refY', 5).attr('markerWidth', 7).attr('markerHeight', 7).attr('orient', 'auto-start-reverse')
      .append('path').attr('class', 'arrowhead').attr('d', 'M0,0L10,5L0,10z');
    svg.append('g').attr('class', 'axis').attr('transform', `translate(${AXIS_X - 8},0)`)
      .call(d3.axisLeft(y).ticks(6).tickFormat((value) => `${value} ms`));
    svg.append('text').attr('class', 'axis-title').attr('x', 2).attr('y', PLOT_TOP - 14).text('time (ms)');
    // Detection arrows go under the lanes, so no label is crossed out by one.
    const signals = svg.append('g').attr('class', 'signals');

    let bottom = PLOT_TOP + PLOT_HEIGHT;
    const lifelines = [];
    for (const lane of data.lanes) {
      const x = laneX.get(lane.id);
      const g = svg.append('g').attr('class', 'lane').attr('data-lane', lane.id);
      g.append('rect').attr('class', 'lane-head').attr('x', x - 14).attr('y', 8).attr('width', Math.min(column, LABEL_ROOM) - 16).attr('height', 24).attr('rx', 4);
      g.append('text').attr('class', 'lane-label').attr('x', x - 6).attr('y', 25).text(lane.label);
      lifelines.push(g.append('line').attr('class', 'lifeline').attr('x1', x).attr('x2', x).attr('y1', 32));
      const labels = [];
      const items = data.items.filter((item) => item.lane === lane.id);
      const bands = items.filter((item) => item.untilMs !== undefined);
      for (const item of items) {
        const el = g.append('g').attr('class', 'item').attr('data-event', item.event);
        if (item.side) el.attr('data-side', item.side);
        if (item.kind) el.attr('data-kind', item.kind);
        if (item.count !== undefined) el.attr('data-count', item.count);
        el.attr('data-ms', item.atMs);
        if (item.untilMs !== undefined) {
          const bx = x - 4 + bands.indexOf(item) * 11;
          const y0 = y(item.atMs);
          el.append('rect').attr('class', 'band').attr('x', bx).attr('y', y0).attr('width', 8).attr('height', Math.max(2, y(item.untilMs) - y0));
          el.selectAll('line.tick').data(item.ticksMs).join('line').attr('class', 'tick')
            .attr('x1', bx - 2).attr('x2', bx + 10).attr('y1', (t) => y(t)).attr('y2', (t) => y(t));
          labels.push({ el, anchor: (y0 + y(item.untilMs)) / 2, markX: bx + 8, text: item.label, time: `+${item.atMs.toFixed(1)} → +${ms(item.untilMs)}`, cls: 'label' });
        } else {
          const shape = item.side ? el.append('circle').attr('r', 5) : el.append('rect').attr('x', x - 6).attr('width', 12).attr('height', 12).attr('transform', `rotate(45 ${x} ${y(item.atMs)})`);
          if (item.side) shape.attr('cx', x).attr('cy', y(item.atMs));
          else shape.attr('y', y(item.atMs) - 6);
          shape.attr('class', 'marker');
          labels.push({ el, anchor: y(item.atMs), markX: x + 6, text: item.label, time: `+${ms(item.atMs)}`, cls: 'label' });
        }
        el.append('title').text(`${item.label} at +${ms(item.atMs)}`);
      }
      for (const detection of data.detection.filter((d) => d.side === lane.id)) {
        const el = g.append('g').attr('class', 'detection').attr('data-detection', detection.side).attr('data-ms', detection.ms);
        const y0 = y(detection.fromMs);
        const y1 = Math.max(y0 + 3, y(detection.toMs));
        el.append('path').attr('class', 'bracket').attr('d', `M${x - 12},${y0}h6M${x - 9},${y0}V${y1}M${x - 12},${y1}h6`);
        const from = laneX.get(data.causeLane);
        if (from !== undefined && data.causeLane !== lane.id) {
          signals.append('line').attr('class', 'signal').attr('data-signal', detection.side).attr('x1', from).attr('y1', y0).attr('x2', x - (from < x ? 6 : -6)).attr('y2', y1)
            .attr('marker-end', `url(#${arrowId})`);
        }
        el.append('title').text(`${detection.side} noticed ${ms(detection.ms)} after the cause`);
        labels.push({ el, anchor: y1, markX: x - 9, text: `${detection.side} noticed after ${ms(detection.ms)}`, time: '', cls: 'label detection-label' });
      }
      for (const note of data.notes.filter((n) => n.lane === lane.id)) {
        const el = g.append('g').attr('class', 'lane-note');
        labels.push({ el, anchor: y(data.durationMs) + LINE, markX: x, text: note.text, time: '', cls: 'note' });
      }
      bottom = Math.max(bottom, placeLabels(labels, x));
    }
    for (const lifeline of lifelines) lifeline.attr('y2', bottom + 6);
    svg.attr('viewBox', `0 0 ${WIDTH} ${bottom + 14}`);
    figure.classList.add('drawn');
  }

  document.querySelectorAll('figure.diagram').forEach((figure, index) => {
    try {
      draw(figure, index);
    } catch (error) {
      figure.classList.add('failed');
      const message = document.createElement('p');
      message.className = 'diagram-error';
      message.textContent = `the diagram could not be drawn: ${error && error.message}`;
      figure.appendChild(message);
      console.error(error);
    }
  });
})();

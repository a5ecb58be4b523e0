// Baton UI: the workflow diagram (an SVG drawn from the definition, coloured by task status, the executed
// path highlighted) and the timeline (a Gantt chart of task attempts).
'use strict';

(function () {
  const { h, TERMINAL_TASK, fmtDuration } = Baton;

  const NW = 210; // node width
  const NH = 62; // node height
  const VG = 40; // vertical gap between blocks
  const HG = 30; // horizontal gap between branches
  const LBL = 16; // room for a branch label
  const PAD = 16; // padding inside a loop box
  const LOOP_SIDE = 16; // extra room beside a loop body for its back edge
  const SUCCESS = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'SKIPPED']);

  // ---- Task lookup: the attempts of each reference name --------------------------------------------

  /** Indexes tasks by reference name. Loop iterations (ref__N) are also found under their base ref. */
  function indexTasks(tasks) {
    const byRef = new Map();
    for (const task of tasks || []) {
      const keys = [task.referenceTaskName];
      const loop = /^(.*)__(\d+)$/.exec(task.referenceTaskName || '');
      if (loop) keys.push(loop[1]);
      for (const key of keys) {
        if (!byRef.has(key)) byRef.set(key, []);
        byRef.get(key).push(task);
      }
    }
    for (const list of byRef.values()) list.sort((a, b) => (a.seq - b.seq) || (a.scheduledTime - b.scheduledTime));
    return {
      attempts: (ref) => byRef.get(ref) || [],
      latest: (ref) => { const list = byRef.get(ref); return list && list.length ? list[list.length - 1] : null; },
    };
  }

  /** Every reference name in a definition (recursively). */
  function definitionRefs(tasks, into) {
    const refs = into || new Set();
    for (const task of tasks || []) {
      refs.add(task.taskReferenceName);
      Object.values(task.decisionCases || {}).forEach((list) => definitionRefs(list, refs));
      definitionRefs(task.defaultCase, refs);
      (task.forkTasks || []).forEach((list) => definitionRefs(list, refs));
      definitionRefs(task.loopOver, refs);
    }
    return refs;
  }

  // ---- Definition → blocks --------------------------------------------------------------------------

  function toBlocks(tasks) {
    const blocks = [];
    const list = tasks || [];
    for (let i = 0; i < list.length; i++) {
      const task = list[i];
      const type = task.type || 'SIMPLE';
      const next = list[i + 1];
      if (type === 'SWITCH' || type === 'DECISION') {
        const branches = Object.entries(task.decisionCases || {}).map(([label, tasksOfCase]) => ({ label, blocks: toBlocks(tasksOfCase) }));
        branches.push({ label: 'default', isDefault: true, blocks: toBlocks(task.defaultCase) });
        blocks.push({ kind: 'switch', wt: task, branches });
      } else if (type === 'FORK_JOIN' || type === 'FORK') {
        const join = next && next.type === 'JOIN' ? next : null;
        if (join) i++;
        blocks.push({ kind: 'fork', wt: task, join, branches: (task.forkTasks || []).map((branch) => ({ label: '', blocks: toBlocks(branch) })) });
      } else if (type === 'FORK_JOIN_DYNAMIC') {
        const join = next && next.type === 'JOIN' ? next : null;
        if (join) i++;
        blocks.push({ kind: 'fork', wt: task, join, dynamic: true, branches: [{ label: '', blocks: [{ kind: 'dyn' }] }] });
      } else if (type === 'DO_WHILE') {
        blocks.push({ kind: 'loop', wt: task, body: toBlocks(task.loopOver) });
      } else {
        blocks.push({ kind: 'task', wt: task });
      }
    }
    return blocks;
  }

  function measureSeq(blocks) {
    let w = 0;
    let hTotal = 0;
    blocks.forEach((block, index) => {
      measure(block);
      w = Math.max(w, block.w);
      hTotal += block.h + (index ? VG : 0);
    });
    return { w, h: hTotal };
  }

  function measure(block) {
    if (block.kind === 'task' || block.kind === 'dyn') { block.w = NW; block.h = NH; return; }
    if (block.kind === 'loop') {
      const body = measureSeq(block.body);
      block.bodyW = Math.max(body.w, NW);
      block.bodyH = Math.max(body.h, 20);
      block.boxW = block.bodyW + 2 * (PAD + LOOP_SIDE);
      block.boxH = block.bodyH + 2 * PAD + LBL;
      block.w = Math.max(NW, block.boxW);
      block.h = NH + VG + block.boxH;
      return;
    }
    // switch / fork: a head, a row of branches, a merge (dot or JOIN node)
    let rowW = 0;
    let rowH = 20;
    block.branches.forEach((branch, index) => {
      const size = measureSeq(branch.blocks);
      const labelW = block.kind === 'switch' ? String(branch.label).length * 7 + 16 : 0;
      branch.w = Math.max(size.w, branch.blocks.length ? 0 : 70, labelW);
      branch.h = size.h;
      rowW += branch.w + (index ? HG : 0);
      rowH = Math.max(rowH, size.h);
    });
    block.rowW = rowW;
    block.rowH = rowH;
    block.w = Math.max(NW, rowW);
    const label = block.kind === 'switch' ? LBL : 0;
    const tail = block.join ? NH : 6;
    block.h = NH + VG + label + rowH + VG + tail;
  }

  // ---- Placement and drawing -------------------------------------------------------------------------

  function truncate(text, max) {
    text = String(text || '');
    return text.length > max ? text.slice(0, max - 1) + '…' : text;
  }

  function edge(ctx, points, executed, label) {
    const d = points.map((p, i) => (i ? 'L' : 'M') + p[0] + ' ' + p[1]).join(' ');
    ctx.edges.appendChild(h('path', {
      class: executed ? 'edge exec' : 'edge', d, 'marker-end': executed ? 'url(#arrow-exec)' : 'url(#arrow)',
    }));
    if (label) {
      const [x, y] = label.at;
      ctx.labels.appendChild(h('text', { class: executed ? 'edge-label exec' : 'edge-label', x: x + 5, y, 'text-anchor': 'start' }, truncate(label.text, 26)));
    }
  }

  function drawNode(ctx, wt, cx, top) {
    const ref = wt.taskReferenceName;
    const attempts = ctx.index.attempts(ref);
    const task = attempts.length ? attempts[attempts.length - 1] : null;
    const status = task ? task.status : null;
    const type = wt.type || 'SIMPLE';
    const entered = !!task;
    const exited = !!task && (SUCCESS.has(status) || (wt.optional && TERMINAL_TASK.has(status)));
    let kindText = type;
    if (type === 'SUB_WORKFLOW' && wt.subWorkflowParam && wt.subWorkflowParam.name) kindText += ' · ' + wt.subWorkflowParam.name;
    else if (wt.name && wt.name !== ref) kindText += ' · ' + wt.name;
    let statText = status ? status.replace(/_/g, ' ') : 'not run';
    const retries = attempts.filter((a) => a.referenceTaskName === (task && task.referenceTaskName)).length;
    if (retries > 1) statText += ` · ${retries} attempts`;
    if (type === 'DO_WHILE' && task) statText += ` · iteration ${task.iteration || (task.outputData && task.outputData.iteration) || 1}`;
    if (type === 'SUB_WORKFLOW' && task && task.subWorkflowId) statText += ' · ↗ child';
    const classes = ['node', 'kind-' + type, status ? 'n-' + status + ' executed' : 'n-NOT_RUN', ctx.selectedRef === ref ? 'selected' : ''];
    const x = cx - NW / 2;
    const node = h('g', {
      class: classes.join(' '), transform: `translate(${x},${top})`, tabindex: 0, role: 'button',
      'data-ref': ref, 'data-status': status || 'NOT_RUN', 'aria-label': `${ref} (${type}) ${status || 'not run'}`,
    },
    h('title', {}, `${ref}\n${type}${wt.name ? ' ' + wt.name : ''}\n${status || 'not run yet'}`),
    h('rect', { class: 'box', width: NW, height: NH, rx: type === 'SWITCH' || type === 'DECISION' ? 18 : 8 }),
    h('text', { class: 'ref', x: 12, y: 21 }, truncate(ref, 26)),
    h('text', { class: 'kind', x: 12, y: 37 }, truncate(kindText, 34)),
    h('text', { class: 'stat s-' + (status || 'NONE'), x: 12, y: 53 }, truncate(statText, 36)));
    if (ctx.onSelect) Baton.keyActivate(node, () => ctx.onSelect(ref));
    ctx.nodes.appendChild(node);
    return { task, entered, exited };
  }

  function drawPseudo(ctx, cx, top, text, sub, executed) {
    ctx.nodes.appendChild(h('g', { class: 'node pseudo' + (executed ? ' n-COMPLETED executed' : ''), transform: `translate(${cx - NW / 2},${top})` },
      h('rect', { class: 'box', width: NW, height: NH, rx: 8 }),
      h('text', { class: 'ref', x: 12, y: 24 }, text),
      h('text', { class: 'kind', x: 12, y: 42 }, sub)));
  }

  function placeSeq(ctx, blocks, cx, top) {
    if (!blocks.length) return { empty: true, entered: false, exited: false };
    let y = top;
    let first = null;
    let previous = null;
    let previousBottom = 0;
    for (const block of blocks) {
      const result = place(ctx, block, cx, y);
      if (previous) edge(ctx, [[cx, previousBottom], [cx, y]], previous.exited && result.entered);
      if (!first) first = result;
      previous = result;
      previousBottom = y + block.h;
      y += block.h + VG;
    }
    return { entered: first.entered, exited: previous.exited };
  }

  function place(ctx, block, cx, top) {
    if (block.kind === 'task') return drawNode(ctx, block.wt, cx, top);
    if (block.kind === 'dyn') {
      const count = ctx.dynamicCount;
      drawPseudo(ctx, cx, top, 'dynamic tasks', count ? `${count} spawned (see Task list)` : 'decided at run time', count > 0);
      return { entered: count > 0, exited: count > 0 };
    }
    if (block.kind === 'loop') return placeLoop(ctx, block, cx, top);
    return placeBranches(ctx, block, cx, top);
  }

  function placeBranches(ctx, block, cx, top) {
    const head = drawNode(ctx, block.wt, cx, top);
    const isSwitch = block.kind === 'switch';
    const midY = top + NH + VG / 2;
    const rowTop = top + NH + VG + (isSwitch ? LBL : 0);
    const mergeTop = rowTop + block.rowH + VG;
    const evaluation = head.task && head.task.outputData ? head.task.outputData.evaluationResult : undefined;
    const evaluated = Array.isArray(evaluation) ? evaluation.map(String) : (evaluation !== undefined ? [String(evaluation)] : null);
    const caseLabels = block.branches.filter((b) => !b.isDefault).map((b) => String(b.label));
    let left = cx - block.rowW / 2;
    const exits = [];
    for (const branch of block.branches) {
      const bx = left + branch.w / 2;
      left += branch.w + HG;
      const result = placeSeq(ctx, branch.blocks, bx, rowTop);
      let taken;
      if (!result.empty) taken = result.entered;
      else if (!isSwitch) taken = head.entered;
      else if (evaluated) taken = branch.isDefault ? !evaluated.some((v) => caseLabels.includes(v)) : evaluated.includes(String(branch.label));
      else taken = false;
      const entryExecuted = (isSwitch ? head.exited : head.entered) && taken;
      edge(ctx, [[cx, top + NH], [cx, midY], [bx, midY], [bx, rowTop]], entryExecuted,
        isSwitch ? { text: branch.label, at: [bx, rowTop - 4] } : null);
      const exitY = result.empty ? rowTop : rowTop + branch.h;
      const exitExecuted = result.empty ? entryExecuted : result.exited;
      if (result.empty) ctx.edges.appendChild(h('path', { class: entryExecuted ? 'edge exec' : 'edge', d: `M${bx} ${rowTop - 1} L${bx} ${exitY}` }));
      exits.push({ bx, exitY, executed: exitExecuted });
    }
    const joinY = block.join ? mergeTop : mergeTop - 6;
    let exited;
    if (block.join) {
      for (const exit of exits) edge(ctx, [[exit.bx, exit.exitY], [exit.bx, mergeTop - VG / 2], [cx, mergeTop - VG / 2], [cx, joinY]], exit.executed);
      const join = drawNode(ctx, block.join, cx, mergeTop);
      exited = join.exited;
    } else {
      for (const exit of exits) edge(ctx, [[exit.bx, exit.exitY], [exit.bx, mergeTop - VG / 2], [cx, mergeTop - VG / 2], [cx, joinY]], exit.executed);
      exited = isSwitch ? exits.some((e) => e.executed) : (exits.length ? exits.every((e) => e.executed) : head.exited);
      ctx.nodes.appendChild(h('circle', { class: exited ? 'merge exec' : 'merge', cx, cy: mergeTop, r: 6 }));
    }
    return { entered: head.entered, exited };
  }

  function placeLoop(ctx, block, cx, top) {
    const head = drawNode(ctx, block.wt, cx, top);
    const boxTop = top + NH + VG;
    const boxLeft = cx - block.boxW / 2;
    const iterations = head.task ? (head.task.iteration || (head.task.outputData && head.task.outputData.iteration) || 0) : 0;
    ctx.edges.appendChild(h('rect', { class: 'loop-box', x: boxLeft, y: boxTop, width: block.boxW, height: block.boxH, rx: 10 }));
    ctx.labels.appendChild(h('text', { class: 'loop-label', x: boxLeft + 10, y: boxTop + 14 },
      'loop body' + (iterations ? ` · ${iterations} iteration${iterations === 1 ? '' : 's'}` : '')));
    const bodyTop = boxTop + LBL + PAD;
    const body = placeSeq(ctx, block.body, cx, bodyTop);
    edge(ctx, [[cx, top + NH], [cx, bodyTop]], !body.empty && body.entered);
    const backX = boxLeft + 10;
    const bottom = bodyTop + block.bodyH;
    edge(ctx, [[cx, bottom], [cx, bottom + PAD / 2], [backX, bottom + PAD / 2], [backX, top + NH / 2], [cx - NW / 2, top + NH / 2]], iterations > 1);
    return { entered: head.entered, exited: head.exited };
  }

  /**
   * Draws a definition's graph. options: {tasks, workflowStatus, selectedRef, onSelect(ref), scale}.
   * Returns an <svg> element.
   */
  function renderDiagram(definition, options) {
    const opts = options || {};
    const blocks = toBlocks((definition && definition.tasks) || []);
    const size = measureSeq(blocks);
    const margin = 24;
    const width = Math.max(size.w, NW) + 2 * margin + 40;
    const startY = margin;
    const R = 20;
    const seqTop = startY + 2 * R + VG;
    const seqBottom = seqTop + size.h;
    const endTop = (blocks.length ? seqBottom : seqTop - VG) + VG;
    const height = endTop + 2 * R + margin;
    const cx = width / 2;
    const refs = definitionRefs((definition && definition.tasks) || []);
    const ctx = {
      index: indexTasks(opts.tasks || []), selectedRef: opts.selectedRef, onSelect: opts.onSelect,
      dynamicCount: (opts.tasks || []).filter((t) => !refs.has(t.referenceTaskName) && !refs.has(String(t.referenceTaskName).replace(/__\d+$/, ''))).length,
      edges: h('g', { class: 'edges' }), labels: h('g', { class: 'labels' }), nodes: h('g', { class: 'nodes' }),
    };
    const scale = opts.scale || 1;
    const svg = h('svg', {
      xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width: Math.round(width * scale), height: Math.round(height * scale),
      role: 'group', 'aria-label': 'Workflow diagram', 'data-role': 'diagram',
    },
    h('defs', {},
      h('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        h('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#b8c0cc' })),
      h('marker', { id: 'arrow-exec', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
        h('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#1f8a4c' }))),
    ctx.edges, ctx.labels, ctx.nodes);
    const started = (opts.tasks || []).length > 0 || opts.started;
    ctx.nodes.appendChild(h('g', { class: 'terminal' + (started ? ' exec' : ''), 'data-role': 'start' },
      h('circle', { cx, cy: startY + R, r: R }), h('text', { x: cx, y: startY + R + 4, 'text-anchor': 'middle' }, 'start')));
    const result = placeSeq(ctx, blocks, cx, seqTop);
    if (!result.empty) edge(ctx, [[cx, startY + 2 * R], [cx, seqTop]], started && result.entered);
    const status = opts.workflowStatus;
    const endExecuted = status === 'COMPLETED';
    const endBad = status === 'FAILED' || status === 'TIMED_OUT' || status === 'TERMINATED';
    edge(ctx, [[cx, result.empty ? startY + 2 * R : seqBottom], [cx, endTop]], endExecuted && (result.empty || result.exited));
    ctx.nodes.appendChild(h('g', { class: 'terminal' + (endExecuted ? ' exec' : '') + (endBad ? ' bad' : ''), 'data-role': 'end' },
      h('circle', { cx, cy: endTop + R, r: R }),
      h('text', { x: cx, y: endTop + R + 4, 'text-anchor': 'middle' }, 'end'),
      endBad ? h('text', { class: 'end-status', x: cx + R + 6, y: endTop + R + 4 }, status.replace('_', ' ').toLowerCase()) : null));
    return svg;
  }

  // ---- Timeline -------------------------------------------------------------------------------------

  function niceStep(span, count) {
    const raw = span / count;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const factor of [1, 2, 5, 10]) if (raw <= factor * power) return factor * power;
    return 10 * power;
  }

  /** A Gantt chart of the task attempts. options: {selectedTaskId, onSelect(task), width, now}. */
  function renderTimeline(workflow, options) {
    const opts = options || {};
    const now = opts.now || Date.now();
    const tasks = (workflow.tasks || []).slice().sort((a, b) => (a.scheduledTime - b.scheduledTime) || (a.seq - b.seq));
    const labelW = 230;
    const rowH = 32;
    const axisH = 30;
    const width = Math.max(opts.width || 900, 560);
    const chartW = width - labelW - 70;
    const t0 = Math.min(workflow.createTime || now, ...tasks.map((t) => t.scheduledTime || now));
    const ends = tasks.map((t) => t.endTime || (TERMINAL_TASK.has(t.status) ? (t.updateTime || t.startTime || t.scheduledTime) : now));
    let t1 = Math.max(workflow.endTime || 0, ...ends, t0 + 1);
    if (!Baton.TERMINAL_WORKFLOW.has(workflow.status)) t1 = Math.max(t1, now);
    const span = Math.max(t1 - t0, 1);
    const x = (t) => labelW + ((t - t0) / span) * chartW;
    const height = axisH + rowH * Math.max(tasks.length, 1) + 10;
    const svg = h('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'data-role': 'timeline', role: 'group', 'aria-label': 'Timeline' });
    const step = niceStep(span, 6);
    for (let t = 0; t <= span + 1; t += step) {
      const px = x(t0 + t);
      svg.appendChild(h('line', { class: 'tl-axis', x1: px, x2: px, y1: axisH - 6, y2: height }));
      svg.appendChild(h('text', { class: 'tl-tick', x: px, y: axisH - 12, 'text-anchor': 'middle' }, t === 0 ? '0' : '+' + fmtDuration(t)));
    }
    svg.appendChild(h('text', { class: 'tl-tick', x: 8, y: axisH - 12 }, 'started ' + Baton.fmtTime(t0)));
    if (!tasks.length) svg.appendChild(h('text', { class: 'tl-sub', x: labelW, y: axisH + 20 }, 'No tasks yet.'));
    tasks.forEach((task, i) => {
      const y = axisH + i * rowH;
      const attemptText = `attempt ${task.retryCount + 1}${task.iteration ? ' · iter ' + task.iteration : ''} · ${task.status}`;
      const row = h('g', {
        class: 'tl-row' + (opts.selectedTaskId === task.taskId ? ' selected' : ''), tabindex: 0, role: 'button',
        'data-task-id': task.taskId, 'data-ref': task.referenceTaskName, 'aria-label': `${task.referenceTaskName} ${attemptText}`,
      }, h('rect', { class: 'tl-bg', x: 0, y, width, height: rowH }),
      h('text', { class: 'tl-label', x: 8, y: y + 14 }, truncate(task.referenceTaskName, 30)),
      h('text', { class: 'tl-sub', x: 8, y: y + 27 }, truncate(attemptText, 40)));
      const scheduled = task.scheduledTime || t0;
      const started = task.startTime || 0;
      const ended = task.endTime || (TERMINAL_TASK.has(task.status) ? (task.updateTime || started || scheduled) : now);
      const waitEnd = started || (TERMINAL_TASK.has(task.status) ? ended : now);
      if (waitEnd > scheduled) row.appendChild(h('rect', { class: 'tl-wait', x: x(scheduled), y: y + 9, width: Math.max(x(waitEnd) - x(scheduled), 1), height: 14, rx: 3 },
        h('title', {}, `waiting in queue ${fmtDuration(waitEnd - scheduled)}`)));
      if (started) {
        const bw = Math.max(x(ended) - x(started), 3);
        row.appendChild(h('rect', { class: 'tl-bar b-' + task.status, x: x(started), y: y + 7, width: bw, height: 18, rx: 3 },
          h('title', {}, `${task.referenceTaskName}: ${task.status}, ran ${fmtDuration(ended - started)}`)));
        row.appendChild(h('text', { class: 'tl-dur', x: x(started) + bw + 5, y: y + 20 }, fmtDuration(ended - started)));
      } else {
        row.appendChild(h('text', { class: 'tl-dur', x: x(waitEnd) + 5, y: y + 20 }, task.status === 'SCHEDULED' ? 'queued' : task.status.toLowerCase()));
      }
      if (opts.onSelect) Baton.keyActivate(row, () => opts.onSelect(task));
      svg.appendChild(row);
    });
    return svg;
  }

  Baton.graph = { renderDiagram, renderTimeline, indexTasks, definitionRefs };
})();

// The playground: one streamed chat completion at a time through the gateway, and the progress of recent batches.
// Plain browser JavaScript, no dependencies: it speaks the same OpenAI API any client does.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const KEY = 'rr.playground.apiKey';
  let controller = null;

  $('api-key').value = localStorage.getItem(KEY) || '';
  $('api-key').addEventListener('change', () => { localStorage.setItem(KEY, $('api-key').value.trim()); refreshBatches(); });

  function headers() {
    const h = { 'Content-Type': 'application/json' };
    const key = $('api-key').value.trim();
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }

  function setStatus(text, error) {
    $('status').textContent = text;
    $('status').className = 'status' + (error ? ' error' : '');
  }

  function number(n) {
    if (n === undefined || n === null) return '–';
    if (n >= 1e9) return (n / 1e9).toFixed(2) + ' B';
    if (n >= 1e6) return (n / 1e6).toFixed(1) + ' M';
    return String(n);
  }

  function reset() {
    for (const id of ['route', 'route-source', 'score', 'degraded', 'experts', 'active-params', 'upstream', 'usage']) $(id).textContent = '–';
    $('route').className = '';
    $('answer').textContent = '';
    $('thinking').textContent = '';
    $('thinking-box').open = false;
    $('warning').hidden = true;
    $('verification-box').hidden = true;
    $('verification').querySelector('tbody').innerHTML = '';
  }

  // Shows what the gateway and the path said about the answer: the rr object and the headers.
  function showRouting(rr, headers) {
    const route = rr.route || (headers && headers.get('X-RR-Route'));
    if (route) { $('route').textContent = route; $('route').className = 'route-' + route; }
    if (rr.route_source) $('route-source').textContent = rr.route_source + (rr.escalated ? ' (escalated)' : '');
    if (typeof rr.score === 'number') $('score').textContent = rr.score.toFixed(3) + (typeof rr.threshold === 'number' ? ' (threshold ' + rr.threshold.toFixed(2) + ')' : '');
    else if (rr.route_source) $('score').textContent = 'not scored';
    if (rr.degraded !== undefined) $('degraded').textContent = rr.degraded ? 'yes — ' + (rr.degraded_reason || '') : 'no';
    const experts = rr.experts_per_token !== undefined ? rr.experts_per_token : rr.experts;
    if (experts !== undefined) $('experts').textContent = experts + (rr.trained_top_k ? ' of ' + rr.trained_top_k + ' trained' : '');
    if (rr.active_params_per_token !== undefined) $('active-params').textContent = number(rr.active_params_per_token) + (rr.total_params ? ' of ' + number(rr.total_params) : '');
    if (rr.upstream) $('upstream').textContent = rr.upstream;
    if (rr.warning) { $('warning').textContent = rr.warning; $('warning').hidden = false; }
    if (rr.verification) showVerification(rr.verification);
  }

  function showVerification(v) {
    $('verification-box').hidden = false;
    $('verification-summary').textContent = (v.rounds || 0) + ' round(s), ' + (v.accepted ? 'accepted' : 'not accepted')
      + (v.chosen_round ? ', answer from round ' + v.chosen_round : '') + (typeof v.threshold === 'number' ? ', accept threshold ' + v.threshold : '');
    const body = $('verification').querySelector('tbody');
    body.innerHTML = '';
    (v.scores || []).forEach((score, i) => {
      const tr = document.createElement('tr');
      if (v.chosen_round === i + 1) tr.className = 'chosen';
      tr.innerHTML = '<td>' + (i + 1) + '</td><td>' + Number(score).toFixed(3) + '</td><td>' + (v.chosen_round === i + 1 ? 'chosen' : '') + '</td>';
      body.appendChild(tr);
    });
  }

  async function send() {
    const prompt = $('prompt').value.trim();
    if (!prompt) { setStatus('type a prompt first', true); return; }
    reset();
    const body = { model: $('model').value, stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: prompt }], max_tokens: Number($('max-tokens').value) || 64 };
    const t = $('threshold').value;
    if (t !== '') body.rr = { threshold: Number(t) };
    controller = new AbortController();
    $('send').disabled = true; $('stop').disabled = false;
    setStatus('sending…');
    try {
      const response = await fetch('/v1/chat/completions', { method: 'POST', headers: headers(), body: JSON.stringify(body), signal: controller.signal });
      if (!response.ok) {
        const err = await response.json().catch(() => ({}));
        setStatus('error ' + response.status + ': ' + ((err.error && err.error.message) || response.statusText), true);
        return;
      }
      showRouting({}, response.headers);
      setStatus('streaming…');
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let failed = null;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (!data || data === '[DONE]') continue;
          const chunk = JSON.parse(data);
          if (chunk.error) { failed = chunk.error.message; continue; }
          if (chunk.rr) showRouting(chunk.rr);
          for (const choice of chunk.choices || []) {
            const delta = choice.delta || {};
            if (delta.reasoning_content) { $('thinking').textContent += delta.reasoning_content; $('thinking-box').open = true; }
            if (delta.content) $('answer').textContent += delta.content;
          }
          if (chunk.usage) $('usage').textContent = chunk.usage.prompt_tokens + ' in, ' + chunk.usage.completion_tokens + ' out';
        }
      }
      if (failed) setStatus('error: ' + failed, true); else setStatus('done');
    } catch (e) {
      setStatus(e.name === 'AbortError' ? 'stopped' : 'error: ' + e.message, e.name !== 'AbortError');
    } finally {
      $('send').disabled = false; $('stop').disabled = true; controller = null;
      refreshBatches();
    }
  }

  async function refreshBatches() {
    try {
      const response = await fetch('/v1/batches?limit=10', { headers: headers() });
      const body = $('batches').querySelector('tbody');
      if (!response.ok) {
        const err = await response.json().catch(() => ({}));
        $('batches-note').textContent = 'batches: ' + ((err.error && err.error.message) || response.status);
        body.innerHTML = '';
        return;
      }
      const list = await response.json();
      body.innerHTML = '';
      for (const b of list.data) {
        const c = b.request_counts || { total: 0, completed: 0, failed: 0 };
        const ok = c.total ? 100 * c.completed / c.total : 0;
        const bad = c.total ? 100 * c.failed / c.total : 0;
        const files = [b.output_file_id && 'output', b.error_file_id && 'errors'].filter(Boolean).join(', ') || '–';
        const tr = document.createElement('tr');
        tr.dataset.batch = b.id;
        tr.innerHTML = '<td>' + b.id + '</td><td>' + b.status + '</td><td><span class="bar"><span class="failed" style="width:' + bad
          + '%"></span><span style="width:' + ok + '%"></span></span> ' + c.completed + ' ok, ' + c.failed + ' failed of ' + c.total
          + '</td><td>' + new Date(b.created_at * 1000).toLocaleTimeString() + '</td><td>' + files + '</td>';
        body.appendChild(tr);
      }
      $('batches-note').textContent = list.data.length ? '' : 'No batches yet: POST /v1/files and /v1/batches (see the API docs).';
    } catch (e) {
      $('batches-note').textContent = 'batches: ' + e.message;
    }
  }

  $('send').addEventListener('click', send);
  $('stop').addEventListener('click', () => controller && controller.abort());
  $('prompt').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(); });
  refreshBatches();
  setInterval(refreshBatches, 5000);
})();

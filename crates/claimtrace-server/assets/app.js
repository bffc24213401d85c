// claimtrace web page: article view, story view, search, paste box.
// Security: every piece of data is inserted as text (createTextNode / textContent /
// setAttribute on non-URL attributes). Links to outside pages are made only for http(s) URLs.
// Never any HTML parsing of data, no eval, nothing fetched from another origin.
(function () {
  'use strict';

  var SVGNS = 'http' + '://www.w3.org/2000/svg';
  var CERTAINTIES = ['asserted', 'hedged', 'rumour', 'denied', 'unknown'];
  var main = document.getElementById('main');
  var REPORT = null;
  var dataEl = document.getElementById('report-data');
  if (dataEl) {
    try {
      REPORT = JSON.parse(dataEl.textContent || '{}');
    } catch (e) {
      REPORT = { error: 'the report data is not valid JSON' };
    }
  }

  // ---------- DOM helpers ----------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function s(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') append(el, String(v));
      else if (k === 'on') Object.keys(v).forEach(function (ev) { el.addEventListener(ev, v[ev]); });
      else if (k === 'href') el.setAttribute('href', safeHref(String(v)));
      else el.setAttribute(k, v === true ? '' : String(v));
    });
  }
  function append(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    if (typeof c === 'string' || typeof c === 'number') { appendText(el, String(c)); return; }
    el.appendChild(c);
  }
  // Invisible bidi and zero-width controls in data are shown, not obeyed: each sits alone in an
  // isolated span (so an override cannot flip the text around it) with a visible code.
  var CTL = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;
  function ctlCode(ch) { return 'U+' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'); }
  function appendText(el, t) {
    if (!CTL.test(t)) { el.appendChild(document.createTextNode(t)); return; }
    if (el.namespaceURI === SVGNS) {
      el.appendChild(document.createTextNode(t.replace(new RegExp(CTL.source, 'g'), function (ch) { return '[' + ctlCode(ch) + ']'; })));
      return;
    }
    var buf = '';
    Array.from(t).forEach(function (ch) {
      if (CTL.test(ch)) {
        if (buf) { el.appendChild(document.createTextNode(buf)); buf = ''; }
        var sp = document.createElement('span');
        sp.className = 'ctl';
        sp.setAttribute('data-code', ctlCode(ch));
        sp.setAttribute('title', 'invisible control character ' + ctlCode(ch));
        var inner = document.createElement('span');
        inner.className = 'ctl-ch';
        inner.appendChild(document.createTextNode(ch));
        sp.appendChild(inner);
        el.appendChild(sp);
      } else buf += ch;
    });
    if (buf) el.appendChild(document.createTextNode(buf));
  }
  // Internal links (#/...) and http(s) URLs only.
  function safeHref(u) {
    if (u.charAt(0) === '#') return u;
    try {
      var p = new URL(u, window.location.href);
      if (p.protocol === 'http:' || p.protocol === 'https:') return p.href;
    } catch (e) { /* fall through */ }
    return '#';
  }
  function isHttp(u) {
    if (typeof u !== 'string') return false;
    try {
      var p = new URL(u);
      return p.protocol === 'http:' || p.protocol === 'https:';
    } catch (e) { return false; }
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function str(v) { return v === null || v === undefined ? '' : String(v); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function trunc(t, n) {
    var cps = Array.from(str(t));
    return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : cps.join('');
  }
  function fmtDate(d) {
    if (!d) return 'undated';
    var t = Date.parse(d);
    if (isNaN(t)) return str(d);
    var x = new Date(t);
    return x.toISOString().slice(0, 10) + ' ' + x.toISOString().slice(11, 16) + ' UTC';
  }
  function fmtDay(d) {
    var t = Date.parse(d);
    return isNaN(t) ? str(d) : new Date(t).toISOString().slice(0, 10);
  }
  function badge(certainty) {
    var c = CERTAINTIES.indexOf(certainty) >= 0 ? certainty : 'unknown';
    return h('span', { 'class': 'badge c-' + c, text: c });
  }
  function errorBox(msg) { return h('p', { 'class': 'error', role: 'alert', text: msg }); }
  function setTitle(t) {
    var clean = str(t).replace(new RegExp(CTL.source, 'g'), '');
    document.title = clean ? clean + ' — claimtrace' : 'claimtrace';
  }

  // ---------- data access (the API, or the report's inlined data) ----------
  function api(path, opts) {
    if (REPORT) return Promise.resolve(fromReport(path));
    return fetch(path, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, opts || {}))
      .then(function (r) {
        return r.text().then(function (t) {
          var v = null;
          try { v = JSON.parse(t); } catch (e) { v = null; }
          if (!r.ok) {
            var m = v && v.error && v.error.message ? v.error.message : 'HTTP ' + r.status;
            throw new Error(m);
          }
          if (v === null) throw new Error('the server sent something that is not JSON');
          return v;
        });
      });
  }
  function fromReport(path) {
    var m;
    if ((m = /^\/api\/stories\/([^/]+)\/provenance$/.exec(path))) {
      if (REPORT.provenance) return REPORT.provenance;
    } else if ((m = /^\/api\/stories\/([^/?]+)$/.exec(path))) {
      if (REPORT.story) return REPORT.story;
    } else if ((m = /^\/api\/articles\/([^/?]+)$/.exec(path))) {
      var id = decodeURIComponent(m[1]);
      var a = arr(REPORT.articles).filter(function (x) { return x && x.id === id; })[0];
      if (a) return a;
    }
    throw new Error('not in this report');
  }

  // ---------- router ----------
  function route() {
    var hash = window.location.hash || '#/';
    var q = '';
    var qi = hash.indexOf('?');
    if (qi >= 0) { q = hash.slice(qi + 1); hash = hash.slice(0, qi); }
    var params = new URLSearchParams(q);
    var parts = hash.replace(/^#\/?/, '').split('/');
    clear(main);
    var view;
    if (REPORT) {
      if (parts[0] === 'article' && parts[1]) view = articlePage(decodeURIComponent(parts[1]), params);
      else view = storyPage(REPORT.story && REPORT.story.id !== undefined ? REPORT.story.id : (REPORT.provenance || {}).story);
    } else if (parts[0] === 'article' && parts[1]) view = articlePage(decodeURIComponent(parts[1]), params);
    else if (parts[0] === 'story' && parts[1]) view = storyPage(decodeURIComponent(parts[1]));
    else if (parts[0] === 'stories') view = storiesPage(params);
    else if (parts[0] === 'claims') view = claimsPage(params);
    else if (parts[0] === 'analyze') view = analyzePage();
    else view = searchPage(params);
    main.appendChild(view);
    main.setAttribute('data-view', parts[0] || 'search');
  }

  // ---------- article view ----------
  function articlePage(id, params) {
    var box = h('div', { 'class': 'article-page' }, h('p', { 'class': 'muted', text: 'Loading article…' }));
    setTitle('Article');
    api('/api/articles/' + encodeURIComponent(id)).then(function (doc) {
      clear(box);
      var sel = params && params.get('claim') !== null ? parseInt(params.get('claim'), 10) : -1;
      box.appendChild(articleView(doc, isNaN(sel) ? -1 : sel));
      setTitle(str(doc.title) || 'Article');
      box.setAttribute('data-ready', '1');
    }).catch(function (e) {
      clear(box);
      box.appendChild(errorBox('Could not load article ' + id + ': ' + e.message));
      box.setAttribute('data-ready', '1');
    });
    return box;
  }

  function spanOf(x) {
    if (!x || typeof x.start !== 'number' || typeof x.end !== 'number' || x.end <= x.start) return null;
    return [x.start, x.end];
  }

  // The chain of one attribution: the article's outlet, then each enclosing source (outermost
  // first) with its channel, down to this attribution's source.
  function chainOf(doc, i) {
    var atts = arr(doc.attributions);
    var path = [];
    var seen = {};
    var k = i;
    while (typeof k === 'number' && atts[k] && !seen[k]) {
      seen[k] = true;
      path.unshift(atts[k]);
      k = atts[k].parent;
    }
    var links = [{ label: str(doc.outlet) || 'this article', kind: 'outlet' }];
    path.forEach(function (a) {
      if (a.channel) links.push({ label: str(a.channel), kind: 'channel' });
      var src = a.source || {};
      links.push({ label: str(src.entity || src.text) || 'unnamed source', kind: 'source', certainty: a.certainty, cue: a.cue && a.cue.text });
    });
    return links;
  }

  function chainView(doc, i) {
    var a = arr(doc.attributions)[i];
    if (!a) return h('p', { 'class': 'muted', text: 'Hover over or select a claim to see where it comes from.' });
    var ol = h('ol', { 'class': 'chain', 'aria-label': 'Chain of the claim' });
    chainOf(doc, i).forEach(function (l) {
      ol.appendChild(h('li', { 'class': 'chain-' + l.kind },
        h('span', { 'class': 'chain-label', text: l.label }),
        l.kind === 'channel' ? h('span', { 'class': 'muted', text: ' (channel)' }) : null,
        l.cue ? h('span', { 'class': 'muted', text: ' ' + l.cue }) : null,
        l.certainty ? [' ', badge(l.certainty)] : null));
    });
    return h('div', null, ol,
      h('blockquote', { 'class': 'chain-content', text: trunc(a.content && a.content.text, 400) }),
      a.hedge && a.hedge.text ? h('p', { 'class': 'small' }, 'Certainty cue: ', h('span', { 'class': 'm-hedge', text: a.hedge.text })) : null);
  }

  function articleView(doc, selected) {
    var text = str(doc.text);
    var cps = Array.from(text);
    var n = cps.length;
    var atts = arr(doc.attributions);
    var marks = []; // {s, e, a, role}
    atts.forEach(function (a, i) {
      [['source', 'm-src'], ['cue', 'm-cue'], ['content', 'm-content'], ['hedge', 'm-hedge'], ['channel_span', 'm-chan']].forEach(function (r) {
        var sp = spanOf(a[r[0]]);
        if (sp && sp[0] < n) marks.push({ s: sp[0], e: Math.min(sp[1], n), a: i, role: r[1] });
      });
    });
    var bounds = { 0: true };
    bounds[n] = true;
    var badgesAt = {};
    marks.forEach(function (m) { bounds[m.s] = true; bounds[m.e] = true; });
    atts.forEach(function (a, i) {
      var sp = spanOf(a.content);
      if (!sp) return;
      var at = Math.min(sp[1], n);
      bounds[at] = true;
      (badgesAt[at] = badgesAt[at] || []).push(i);
    });
    var cuts = Object.keys(bounds).map(Number).filter(function (x) { return x >= 0 && x <= n; }).sort(function (x, y) { return x - y; });

    var textBox = h('div', { 'class': 'article-text', lang: str(doc.lang) || null, dir: 'auto' });
    var para = h('p', { dir: 'auto' });
    textBox.appendChild(para);
    var pieces = []; // elements carrying data-a
    function newPara() {
      if (para.childNodes.length) { para = h('p', { dir: 'auto' }); textBox.appendChild(para); }
    }
    function emitBadges(pos) {
      arr(badgesAt[pos]).forEach(function (i) {
        var b = badge(atts[i].certainty);
        b.classList.add('inline');
        b.setAttribute('data-a', String(i));
        b.setAttribute('title', 'Claim ' + (i + 1) + ': ' + str(atts[i].certainty));
        para.appendChild(b);
        pieces.push(b);
      });
    }
    for (var c = 0; c + 1 < cuts.length; c++) {
      var a0 = cuts[c], a1 = cuts[c + 1];
      if (c > 0) emitBadges(a0);
      var seg = cps.slice(a0, a1).join('');
      var roles = {}, ids = {};
      marks.forEach(function (m) {
        if (m.s <= a0 && m.e >= a1) { roles[m.role] = true; ids[m.a] = true; }
      });
      var cls = Object.keys(roles);
      var idList = Object.keys(ids);
      var lines = seg.split('\n');
      for (var li = 0; li < lines.length; li++) {
        if (li > 0) {
          if (lines[li] === '' && li + 1 < lines.length) continue;
          newPara();
        }
        if (!lines[li]) continue;
        if (cls.length) {
          var sp = h('span', { 'class': cls.join(' '), 'data-a': idList.join(' '), text: lines[li] });
          para.appendChild(sp);
          pieces.push(sp);
        } else {
          appendText(para, lines[li]);
        }
      }
    }
    emitBadges(n);

    // Claims list and chain
    var chainBox = h('div', { 'class': 'chain-box', 'aria-live': 'polite' }, chainView(doc, -1));
    var pinned = -1;
    var claimItems = [];
    function show(i) {
      pieces.forEach(function (el) {
        var on = i >= 0 && (' ' + el.getAttribute('data-a') + ' ').indexOf(' ' + i + ' ') >= 0;
        el.classList.toggle('on', on);
      });
      claimItems.forEach(function (b, j) { b.classList.toggle('on', j === i); b.setAttribute('aria-pressed', j === pinned ? 'true' : 'false'); });
      clear(chainBox);
      chainBox.appendChild(chainView(doc, i));
    }
    function innermost(el) {
      var ids = str(el.getAttribute('data-a')).split(' ').filter(Boolean).map(Number);
      var best = -1, bestLen = Infinity;
      ids.forEach(function (i) {
        var sp = spanOf(atts[i] && atts[i].content);
        var len = sp ? sp[1] - sp[0] : Infinity;
        if (len < bestLen || best < 0) { best = i; bestLen = len; }
      });
      return best;
    }
    textBox.addEventListener('mouseover', function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute('data-a') !== null) show(innermost(t));
    });
    textBox.addEventListener('mouseleave', function () { show(pinned); });
    textBox.addEventListener('click', function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute('data-a') !== null) { pinned = innermost(t); show(pinned); }
    });

    var list = h('ol', { 'class': 'claims' });
    atts.forEach(function (a, i) {
      var depth = 0, k = a.parent, guard = 0;
      while (typeof k === 'number' && atts[k] && guard++ < 20) { depth++; k = atts[k].parent; }
      var b = h('button', {
        type: 'button', 'class': 'claim', 'data-a': String(i), 'data-certainty': str(a.certainty), 'aria-pressed': 'false',
        style: null,
        on: {
          click: function () { pinned = pinned === i ? -1 : i; show(pinned); },
          focus: function () { show(i); },
          mouseenter: function () { show(i); },
          mouseleave: function () { show(pinned); }
        }
      },
      badge(a.certainty), ' ',
      h('span', { 'class': 'claim-src', text: str(a.source && (a.source.entity || a.source.text)) || 'unnamed' }), ' ',
      h('span', { 'class': 'claim-cue', text: str(a.cue && a.cue.text) }), ' ',
      h('span', { 'class': 'claim-content', text: trunc(a.content && a.content.text, 140) }));
      if (depth) b.classList.add('depth-' + Math.min(depth, 3));
      claimItems.push(b);
      list.appendChild(h('li', null, b));
    });

    if (typeof selected === 'number' && selected >= 0 && selected < atts.length) { pinned = selected; show(selected); }

    // Sidebar facts
    function factList(title, items) {
      if (!items.length) return null;
      return h('section', { 'class': 'facts' }, h('h3', { text: title }), h('ul', null, items));
    }
    var entGroups = {};
    arr(doc.entities).forEach(function (e) {
      var l = str(e.label) || 'MISC';
      var g = entGroups[l] = entGroups[l] || {};
      var t = str(e.text);
      g[t] = (g[t] || 0) + 1;
    });
    var entItems = [];
    Object.keys(entGroups).sort().forEach(function (l) {
      Object.keys(entGroups[l]).forEach(function (t) {
        entItems.push(h('li', null, h('span', { 'class': 'ent-label', text: l }), ' ', t,
          entGroups[l][t] > 1 ? h('span', { 'class': 'muted', text: ' ×' + entGroups[l][t] }) : null));
      });
    });
    var timeItems = arr(doc.times).map(function (t) {
      return h('li', null, h('span', { text: str(t.text) }), ' ', h('code', { text: str(t.value) }));
    });
    var placeItems = arr(doc.places).map(function (p) {
      var where = [p.name, p.country].filter(Boolean).join(', ');
      var coords = typeof p.lat === 'number' && typeof p.lon === 'number' ? ' (' + p.lat.toFixed(2) + ', ' + p.lon.toFixed(2) + ')' : '';
      return h('li', null, h('span', { text: str(p.text) }), ' → ', where + coords);
    });

    var meta = h('p', { 'class': 'meta' },
      h('span', { 'class': 'outlet', text: str(doc.outlet) || 'unknown outlet' }), ' · ',
      h('time', { datetime: str(doc.published) || null, text: fmtDate(doc.published) }), ' · ',
      h('span', { text: str(doc.lang) || '?' }),
      arr(doc.authors).length ? [' · by ', arr(doc.authors).map(str).join(', ')] : null,
      isHttp(doc.url) ? [' · ', h('a', { href: doc.url, rel: 'noopener noreferrer nofollow', target: '_blank', text: 'original' })] : null,
      doc.story !== undefined && doc.story !== null ? [' · ', h('a', { href: '#/story/' + encodeURIComponent(str(doc.story)), 'class': 'story-link', text: 'story ' + str(doc.story) })] : null,
      doc.reprint_of ? [' · reprint of ', h('a', { href: '#/article/' + encodeURIComponent(str(doc.reprint_of)), text: str(doc.reprint_of) })] : null);

    var counts = {};
    atts.forEach(function (a) { counts[a.certainty] = (counts[a.certainty] || 0) + 1; });
    var summary = h('p', { 'class': 'summary' }, atts.length + ' claim' + (atts.length === 1 ? '' : 's') + ': ',
      CERTAINTIES.filter(function (c) { return counts[c]; }).map(function (c) { return [badge(c), ' ' + counts[c] + '  ']; }));

    return h('article', { 'class': 'article', 'data-id': str(doc.id) },
      h('h1', { dir: 'auto', text: str(doc.title) || '(untitled)' }),
      meta, summary, legend(),
      h('div', { 'class': 'grid' },
        h('section', { 'class': 'text-col', 'aria-label': 'Article text' }, textBox),
        h('aside', { 'class': 'side', 'aria-label': 'Claims and facts' },
          h('section', { 'class': 'chain-section' }, h('h2', { text: 'Claim chain' }), chainBox),
          h('section', null, h('h2', { text: 'Claims' }), atts.length ? list : h('p', { 'class': 'muted', text: 'No attributed claims found.' })),
          factcheckSection(doc),
          h('h2', { text: 'Entities, times, places' }),
          factList('Entities', entItems), factList('Times', timeItems), factList('Places', placeItems))));
  }

  // Earlier fact-checks the article's claims repeat (`ingest --factchecks`): `doc.factchecks`.
  function factcheckSection(doc) {
    var fcs = arr(doc.factchecks);
    if (!fcs.length) return null;
    var items = fcs.map(function (f) {
      var link = isHttp(f.url)
        ? h('a', { href: f.url, rel: 'noopener noreferrer nofollow', target: '_blank', text: str(f.factcheck_id) })
        : h('code', { text: str(f.factcheck_id) });
      return h('li', { 'class': 'factcheck', 'data-factcheck': str(f.factcheck_id) },
        h('q', { 'class': 'fc-claim', dir: 'auto', text: trunc(f.claim, 160) }), ' → ',
        h('span', { 'class': 'fc-text', text: trunc(f.factcheck_text, 200) }), ' ',
        f.rating ? h('span', { 'class': 'fc-rating badge', text: str(f.rating) }) : null, ' ', link);
    });
    return h('section', { 'class': 'factchecks', 'aria-label': 'Fact-checked before' },
      h('h2', { text: 'Fact-checked before' }), h('ul', null, items));
  }

  function legend() {
    return h('p', { 'class': 'legend', 'aria-label': 'Legend' },
      h('span', { 'class': 'm-src', text: 'source' }), ' ',
      h('span', { 'class': 'm-cue', text: 'cue' }), ' ',
      h('span', { 'class': 'm-content', text: 'content' }), ' ',
      h('span', { 'class': 'm-hedge', text: 'hedge' }), '  certainty: ',
      CERTAINTIES.map(function (c) { return [badge(c), ' ']; }));
  }

  // ---------- story view ----------
  function storyPage(id) {
    var box = h('div', { 'class': 'story-page' }, h('p', { 'class': 'muted', text: 'Loading story…' }));
    setTitle('Story ' + str(id));
    var sid = encodeURIComponent(str(id));
    Promise.all([
      api('/api/stories/' + sid).catch(function () { return null; }),
      api('/api/stories/' + sid + '/provenance')
    ]).then(function (r) {
      clear(box);
      box.appendChild(storyView(r[0] || {}, r[1] || {}, id));
      box.setAttribute('data-ready', '1');
    }).catch(function (e) {
      clear(box);
      box.appendChild(errorBox('Could not load story ' + id + ': ' + e.message));
      box.setAttribute('data-ready', '1');
    });
    return box;
  }

  var EVIDENCE = { cites: 'cites', near_copy: 'near copy', same_quote: 'same quote', same_claim: 'same claim' };
  var DRIFT = {
    hedge_dropped: 'hedge dropped', hedge_added: 'hedge added', certainty_changed: 'certainty changed',
    source_swapped: 'source swapped', source_dropped: 'source dropped', number_changed: 'number changed',
    entity_changed: 'entity changed', quote_altered: 'quote altered'
  };

  function nodeLabel(n) { return str(n.outlet) || str(n.id).replace(/^ext:/, ''); }

  function storyView(story, prov, id) {
    var nodes = arr(prov.nodes).filter(function (n) { return n && n.id !== undefined; });
    var edges = arr(prov.edges).filter(function (e) { return e && e.from !== undefined && e.to !== undefined; });
    var byId = {};
    nodes.forEach(function (n) { byId[str(n.id)] = n; });
    var articles = nodes.filter(function (n) { return n.kind !== 'external'; });
    var langs = {};
    articles.forEach(function (n) { if (n.lang) langs[n.lang] = true; });
    var dates = articles.map(function (n) { return Date.parse(n.published); }).filter(function (t) { return !isNaN(t); }).sort();
    var origin = prov.origin !== undefined && prov.origin !== null ? byId[str(prov.origin)] : null;
    var title = str(story.title) || (articles[0] ? str(articles[0].title) : '') || 'Story ' + str(id);
    setTitle(title);

    var detail = h('section', { 'class': 'edge-detail', 'aria-live': 'polite', id: 'edge-detail' },
      h('h2', { text: 'Re-report' }),
      h('p', { 'class': 'muted', text: 'Select an arrow in the graph (or a row below) to see its evidence and what changed.' }));

    function showEdge(k) {
      var e = edges[k];
      if (!e) return;
      Array.prototype.forEach.call(document.querySelectorAll('.edge'), function (g) {
        g.classList.toggle('on', g.getAttribute('data-k') === String(k));
      });
      clear(detail);
      var from = byId[str(e.from)] || { id: e.from }, to = byId[str(e.to)] || { id: e.to };
      detail.appendChild(h('h2', null, '#' + (k + 1) + ' · ', nodeLabel(to), ' re-reports ', nodeLabel(from)));
      var ev = arr(e.evidence);
      if (ev.length) {
        detail.appendChild(h('h3', { text: 'Evidence' }));
        detail.appendChild(h('ul', { 'class': 'evidence' }, ev.map(function (x) {
          return h('li', null, h('span', { 'class': 'ev-kind', text: EVIDENCE[x.kind] || str(x.kind) }), ' ',
            x.text ? h('q', { dir: 'auto', text: trunc(x.text, 300) }) : null);
        })));
      }
      var dr = arr(e.drift);
      detail.appendChild(h('h3', { text: dr.length ? 'What changed' : 'No drift found on this edge' }));
      // One diff per distinct pair of wordings, with every kind of change it shows.
      var groups = [];
      dr.forEach(function (d) {
        var g = groups.filter(function (x) { return x.before === str(d.before) && x.after === str(d.after); })[0];
        if (!g) { g = { before: str(d.before), after: str(d.after), kinds: [] }; groups.push(g); }
        if (g.kinds.indexOf(str(d.kind)) < 0) g.kinds.push(str(d.kind));
      });
      // Across languages the two sentences are shown side by side, never diffed word by word.
      var sameLang = !!from.lang && from.lang === to.lang;
      groups.forEach(function (g) {
        detail.appendChild(h('div', { 'class': 'drift' },
          h('p', { 'class': 'drift-kinds' }, g.kinds.map(function (k) { return h('span', { 'class': 'drift-kind k-' + k, text: DRIFT[k] || k }); })),
          sameLang ? diffView(g.before, g.after) : h('div', { 'class': 'diff pair' },
            h('p', { dir: 'auto' }, h('span', { 'class': 'muted', text: str(from.lang || '?') + ': ' }), g.before),
            h('p', { dir: 'auto' }, h('span', { 'class': 'muted', text: str(to.lang || '?') + ': ' }), g.after))));
      });
      if (groups.length && sameLang) detail.appendChild(h('p', { 'class': 'small muted' }, 'Word changes: ', h('del', { text: 'removed' }), ' ', h('ins', { text: 'added' })));
    }

    var meta = h('p', { 'class': 'meta' },
      articles.length + ' article' + (articles.length === 1 ? '' : 's'), ' · ',
      Object.keys(langs).sort().join(', ') || 'no language', ' · ',
      dates.length ? fmtDay(new Date(dates[0]).toISOString()) + ' – ' + fmtDay(new Date(dates[dates.length - 1]).toISOString()) : 'undated',
      ' · origin: ', origin ? h('strong', { 'class': 'origin', text: nodeLabel(origin) }) : h('span', { text: 'not found' }),
      id !== undefined && id !== null ? [' · ', h('a', { 'class': 'claimreview-link', href: '/api/stories/' + encodeURIComponent(str(id)) + '/claimreview', download: 'story-' + str(id) + '-claimreview.jsonld', text: 'ClaimReview JSON-LD' })] : null);

    var edgeRows = edges.map(function (e, k) {
      var from = byId[str(e.from)] || { id: e.from }, to = byId[str(e.to)] || { id: e.to };
      return h('tr', null,
        h('td', null, String(k + 1)),
        h('td', null, nodeLabel(from)), h('td', null, nodeLabel(to)),
        h('td', null, arr(e.evidence).map(function (x) { return EVIDENCE[x.kind] || str(x.kind); }).filter(uniq).join(', ')),
        h('td', null, arr(e.drift).map(function (x) { return DRIFT[x.kind] || str(x.kind); }).filter(uniq).join(', ') || '—'),
        h('td', null, h('button', { type: 'button', 'class': 'link', on: { click: function () { showEdge(k); detail.scrollIntoView({ block: 'nearest' }); } }, text: 'details' })));
    });

    var ind = prov.independence && typeof prov.independence === 'object' ? prov.independence : null;
    var claimInd = {};
    if (ind) arr(ind.claims).forEach(function (c) { if (c && c.claim !== undefined) claimInd[str(c.claim)] = c; });
    var claimList = h('ol', { 'class': 'story-claims' }, arr(prov.claims).slice(0, 200).map(function (c) {
      var o = c.origin !== undefined && c.origin !== null ? byId[str(c.origin)] : null;
      var ci = claimInd[str(c.id)];
      return h('li', null, h('q', { dir: 'auto', text: trunc(c.text, 220) }), ' ',
        h('span', { 'class': 'muted', text: '— first from ' + (o ? nodeLabel(o) : str(c.origin) || '?') + ', ' + (ci ? str(ci.summary) : arr(c.members).length + ' report' + (arr(c.members).length === 1 ? '' : 's')) }));
    }));
    var indView = null;
    if (ind) {
      var roleText = { original: 'original', reprint: 'reprint / wire copy', re_report: 're-report' };
      indView = h('section', { 'class': 'independence' },
        h('h2', { text: 'Independence' }),
        h('p', { 'class': 'ind-summary' }, h('strong', { text: str(ind.summary) })),
        h('div', { 'class': 'table-scroll' }, h('table', { 'class': 'ind' },
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Outlet' }), h('th', { scope: 'col', text: 'Role' }), h('th', { scope: 'col', text: 'Reporting' }), h('th', { scope: 'col', text: 'Counted under' }))),
          h('tbody', null, arr(ind.articles).map(function (r) {
            var n = byId[str(r.article)] || { id: r.article, outlet: r.outlet };
            var o = byId[str(r.origin)] || { id: r.origin };
            var news = arr(r.new_sources).concat(arr(r.new_quotes).map(function (q) { return '“' + trunc(str(q), 80) + '”'; }));
            var rep = str(r.role) === 'original' ? 'original reporting' : (r.new_reporting ? 'adds new reporting: ' + news.join('; ') : 'only restates');
            return h('tr', { 'data-role': str(r.role), 'data-new': r.new_reporting ? '1' : '0' },
              h('td', null, h('a', { href: '#/article/' + encodeURIComponent(str(r.article)), dir: 'auto', text: nodeLabel(n) })),
              h('td', null, roleText[str(r.role)] || str(r.role)),
              h('td', { dir: 'auto', text: rep }),
              h('td', null, nodeLabel(o)));
          })))));
    }

    var firstDrift = -1;
    edges.forEach(function (e, k) { if (firstDrift < 0 && arr(e.drift).length) firstDrift = k; });
    if (firstDrift >= 0) window.setTimeout(function () { showEdge(firstDrift); }, 0);
    return h('div', { 'class': 'story' },
      h('h1', { dir: 'auto', text: title }),
      meta,
      ind ? h('p', { 'class': 'meta ind-line', text: str(ind.summary) }) : null,
      graphFigure(nodes, edges, prov.origin, showEdge),
      detail,
      indView,
      h('section', null, h('h2', { text: 'Timeline by language' }), timelineSvg(articles)),
      h('section', null, h('h2', { text: 'Articles' }), articleTable(articles)),
      edges.length ? h('section', null, h('h2', { text: 'All re-reports' }),
        h('div', { 'class': 'table-scroll' }, h('table', { 'class': 'edges' },
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: '#' }), h('th', { scope: 'col', text: 'From' }), h('th', { scope: 'col', text: 'To' }), h('th', { scope: 'col', text: 'Evidence' }), h('th', { scope: 'col', text: 'Drift' }), h('th', { scope: 'col', text: '' }))),
          h('tbody', null, edgeRows)))) : null,
      arr(prov.claims).length ? h('section', null, h('h2', { text: 'Claims in this story' }), claimList) : null);
  }

  function uniq(v, i, a) { return a.indexOf(v) === i; }

  function articleTable(articles) {
    var rows = articles.slice().sort(function (a, b) { return str(a.published) < str(b.published) ? -1 : 1; }).map(function (n) {
      return h('tr', null,
        h('td', null, h('time', { datetime: str(n.published) || null, text: fmtDate(n.published) })),
        h('td', null, str(n.lang)), h('td', null, str(n.outlet)),
        h('td', { dir: 'auto' }, h('a', { href: '#/article/' + encodeURIComponent(str(n.id)), text: str(n.title) || str(n.id) })));
    });
    return h('div', { 'class': 'table-scroll' }, h('table', { 'class': 'articles' },
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Published' }), h('th', { scope: 'col', text: 'Lang' }), h('th', { scope: 'col', text: 'Outlet' }), h('th', { scope: 'col', text: 'Title' }))),
      h('tbody', null, rows)));
  }

  function timeScale(articles, x0, x1) {
    var ts = articles.map(function (n) { return Date.parse(n.published); }).filter(function (t) { return !isNaN(t); });
    var lo = ts.length ? Math.min.apply(null, ts) : 0, hi = ts.length ? Math.max.apply(null, ts) : 1;
    if (hi <= lo) hi = lo + 3600e3;
    return {
      lo: lo, hi: hi,
      x: function (p) { var t = Date.parse(p); if (isNaN(t)) return x1; return x0 + (t - lo) / (hi - lo) * (x1 - x0); }
    };
  }

  function axis(svg, sc, x0, x1, y, h0) {
    var g = s('g', { 'class': 'axis', 'aria-hidden': 'true' });
    g.appendChild(s('line', { x1: x0, x2: x1, y1: y, y2: y }));
    var span = sc.hi - sc.lo;
    var ticks = Math.max(1, Math.min(5, Math.floor((x1 - x0) / 95))); // labels never overlap
    for (var i = 0; i <= ticks; i++) {
      var t = sc.lo + span * i / ticks;
      var x = x0 + (x1 - x0) * i / ticks;
      g.appendChild(s('line', { x1: x, x2: x, y1: y, y2: y + 5 }));
      g.appendChild(s('line', { 'class': 'grid', x1: x, x2: x, y1: h0, y2: y }));
      var d = new Date(t).toISOString();
      var label = span < 2 * 86400e3 ? d.slice(5, 10) + ' ' + d.slice(11, 16) : d.slice(0, 10);
      g.appendChild(s('text', { x: x, y: y + 18, 'text-anchor': 'middle', text: label }));
    }
    svg.appendChild(g);
  }

  // ---------- provenance graph: a layered drawing ----------
  // Ranks follow publication order: a report goes one rank after every earlier report it is
  // linked to, and reports with no link between them share a rank, so the ranks are in time
  // order but not to scale (each rank's time is written beside it, and the time between ranks).
  // Outlets only named by others take the first rank; undated articles get their own lane.
  // Edges longer than one rank pass through gaps kept free for them between the boxes of the
  // ranks they cross (dummy nodes); the order inside each rank comes from barycenter sweeps
  // that keep the ordering with the fewest crossings; edge labels go only in the channels
  // between ranks, never over a box or another label. Wide screens run time left to right,
  // narrow ones top to bottom.
  var GRAPH_NARROW = 640, GRAPH_MAX_RANK = 8, GRAPH_FONT = null, measureCtx = null;

  function textWidth(t, px, weight) {
    try {
      if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
      if (measureCtx) {
        if (GRAPH_FONT === null) GRAPH_FONT = window.getComputedStyle(document.body).fontFamily || 'sans-serif';
        measureCtx.font = (weight || 'normal') + ' ' + px + 'px ' + GRAPH_FONT;
        return measureCtx.measureText(t).width * 1.04 + 1;
      }
    } catch (e) { /* estimate below */ }
    return Array.from(t).length * px * 0.62;
  }
  function fitText(t, maxW, px, weight) {
    var cps = Array.from(str(t));
    if (textWidth(cps.join(''), px, weight) <= maxW) return cps.join('');
    var n = cps.length;
    while (n > 1 && textWidth(cps.slice(0, n - 1).join('') + '…', px, weight) > maxW) n--;
    return cps.slice(0, Math.max(n - 1, 1)).join('') + '…';
  }

  // Pool-adjacent-violators: centres as close as possible (least squares) to `want`, in the
  // given order, each at least `gap[i]` after the previous one, the first at least `lo`, the
  // last at most `hi` when they fit.
  function packLine(want, gap, lo, hi) {
    var n = want.length, off = [], blocks = [], i;
    for (i = 0; i < n; i++) off.push(i ? off[i - 1] + gap[i] : 0);
    for (i = 0; i < n; i++) {
      blocks.push({ sum: want[i] - off[i], cnt: 1, from: i });
      while (blocks.length > 1) {
        var b = blocks[blocks.length - 1], a = blocks[blocks.length - 2];
        if (a.sum / a.cnt <= b.sum / b.cnt) break;
        a.sum += b.sum; a.cnt += b.cnt;
        blocks.pop();
      }
    }
    var out = new Array(n), top = Math.max(lo, hi - off[n - 1]);
    blocks.forEach(function (b, j) {
      var end = j + 1 < blocks.length ? blocks[j + 1].from : n;
      var v = Math.min(Math.max(b.sum / b.cnt, lo), top);
      for (var k = b.from; k < end; k++) out[k] = v + off[k];
    });
    return out;
  }

  // Crossings between two adjacent ranks: inversions among the (upper, lower) position pairs.
  function crossings(pairs) {
    pairs.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var m = 0;
    pairs.forEach(function (p) { if (p[1] + 1 > m) m = p[1] + 1; });
    var tree = new Array(m + 1).fill(0), c = 0, seen = 0;
    pairs.forEach(function (p) {
      var s = 0, i;
      for (i = p[1] + 1; i > 0; i -= i & -i) s += tree[i];
      c += seen - s;
      seen++;
      for (i = p[1] + 1; i <= m; i += i & -i) tree[i]++;
    });
    return c;
  }

  function edgeText(e) {
    var kinds = arr(e.evidence).map(function (x) { return EVIDENCE[x.kind] || str(x.kind); }).filter(uniq);
    var nd = arr(e.drift).length;
    return kinds.join(' · ') + (nd ? (kinds.length ? ' · ' : '') + nd + ' change' + (nd === 1 ? '' : 's') : '');
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function rankTime(ts, withYear) {
    var lo = new Date(Math.min.apply(null, ts)).toISOString(), hi = new Date(Math.max.apply(null, ts)).toISOString();
    var day = function (d) { return withYear ? d.slice(0, 10) : d.slice(5, 10); };
    if (lo === hi) return [day(lo), lo.slice(11, 16)];
    if (lo.slice(0, 10) === hi.slice(0, 10)) return [day(lo), lo.slice(11, 16) + '–', hi.slice(11, 16)];
    return [day(lo) + ' –', day(hi)];
  }
  function gapTime(ms) {
    var m = Math.round(ms / 60000);
    if (m < 60) return '+' + m + ' min';
    var hrs = Math.floor(m / 60);
    if (hrs < 48) return '+' + hrs + ' h' + (m % 60 ? ' ' + pad2(m % 60) : '');
    var d = Math.round(hrs / 24);
    return d < 60 ? '+' + d + ' days' : '+' + Math.round(d / 30) + ' months';
  }

  // The layout alone (no DOM but text measuring): boxes, edge paths, label places, rank
  // headers and the undated lane, in SVG user units (= CSS px).
  function graphLayout(nodesIn, edgesIn, opt) {
    var V = !!opt.vertical, avail = opt.avail || 1100;
    var byId = {}, nodes = [], edges = [];
    nodesIn.forEach(function (n) {
      var id = str(n.id);
      if (byId[id]) return;
      var t = n.kind === 'external' ? NaN : Date.parse(n.published);
      var v = { id: id, n: n, ext: n.kind === 'external', t: isNaN(t) ? null : t, rank: 0, dummy: false, up: [], down: [], outP: [], inP: [] };
      v.undated = !v.ext && v.t === null;
      byId[id] = v;
      nodes.push(v);
    });
    edgesIn.forEach(function (e, k) {
      var a = byId[str(e.from)], b = byId[str(e.to)];
      if (a && b) edges.push({ k: k, e: e, from: a, to: b, text: edgeText(e), drift: arr(e.drift).length > 0 });
    });
    var nbr = {};
    nodes.forEach(function (v) { nbr[v.id] = { ins: [], outs: [] }; });
    edges.forEach(function (ed) {
      if (ed.from === ed.to) return;
      nbr[ed.to.id].ins.push(ed.from);
      nbr[ed.from.id].outs.push(ed.to);
    });
    function linked(v) { return nbr[v.id].ins.concat(nbr[v.id].outs); }

    // --- ranks
    var ext = nodes.filter(function (v) { return v.ext; });
    var dated = nodes.filter(function (v) { return !v.ext && !v.undated; })
      .sort(function (a, b) { return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
    var undated = nodes.filter(function (v) { return v.undated; });
    var base = ext.length ? 1 : 0, cur = base, fill = {}, placed = {};
    // a narrow screen takes as many boxes a row as fit side by side
    var maxRank = V ? Math.max(1, Math.floor((avail - 54 - 10 + 14) / (118 + 14))) : GRAPH_MAX_RANK;
    ext.forEach(function (v) { v.rank = 0; placed[v.id] = true; });
    dated.forEach(function (v) {
      var r = cur;
      linked(v).forEach(function (u) { if (placed[u.id] && u.rank + 1 > r) r = u.rank + 1; });
      while ((fill[r] || 0) >= maxRank) r++;
      v.rank = r; cur = r; placed[v.id] = true;
      fill[r] = (fill[r] || 0) + 1;
    });
    var lastDated = dated.length ? cur : base - 1;
    var bandRank = -1; // narrow layout: the first rank of the undated lane
    if (V) {
      bandRank = Math.max(lastDated + 1, 0);
      undated.forEach(function (v) { v.rank = bandRank; });
      for (var it = 0; it < undated.length; it++) {
        var moved = false;
        edges.forEach(function (ed) {
          if (ed.from.undated && ed.to.undated && ed.from !== ed.to && ed.to.rank < ed.from.rank + 1 && ed.from.rank + 1 < bandRank + undated.length) {
            ed.to.rank = ed.from.rank + 1; moved = true;
          }
        });
        if (!moved) break;
      }
    } else {
      // In the lane under the ranks, beside what they are linked to: after what they re-report,
      // else before what re-reports them.
      var todo = undated.slice();
      for (var guard = 0; todo.length && guard <= undated.length; guard++) {
        var rest = [];
        todo.forEach(function (v) {
          var ins = nbr[v.id].ins.filter(function (u) { return placed[u.id]; }).map(function (u) { return u.rank; });
          var outs = nbr[v.id].outs.filter(function (u) { return placed[u.id]; }).map(function (u) { return u.rank; });
          if (!ins.length && !outs.length && guard < undated.length) { rest.push(v); return; }
          var r = ins.length ? Math.max.apply(null, ins) + 1 : outs.length ? Math.min.apply(null, outs) - 1 : base;
          if (r < 0) r = Math.max.apply(null, outs) + 1;
          var taken = ins.concat(outs);
          while (taken.indexOf(r) >= 0) r++;
          v.rank = r; placed[v.id] = true;
        });
        todo = rest;
      }
    }
    var R = 0;
    nodes.forEach(function (v) { if (v.rank + 1 > R) R = v.rank + 1; });

    // --- long edges through dummies; same-rank edges become loops
    var layers = [];
    for (var r = 0; r < R; r++) layers.push([]);
    nodes.forEach(function (v) { v.band = !V && v.undated; layers[v.rank].push(v); });
    var chains = [], loops = [];
    edges.forEach(function (ed) {
      if (ed.from.rank === ed.to.rank) { ed.loop = true; loops.push(ed); return; }
      ed.reversed = ed.from.rank > ed.to.rank;
      var lo = ed.reversed ? ed.to : ed.from, hi = ed.reversed ? ed.from : ed.to;
      var chain = [lo];
      for (var q = lo.rank + 1; q < hi.rank; q++) {
        var d = { id: 'd' + ed.k + '.' + q, dummy: true, rank: q, up: [], down: [], band: lo.band && hi.band, ed: ed };
        layers[q].push(d);
        chain.push(d);
      }
      chain.push(hi);
      for (var i = 0; i + 1 < chain.length; i++) { chain[i].down.push(chain[i + 1]); chain[i + 1].up.push(chain[i]); }
      ed.chain = chain;
      chains.push(ed);
    });

    // --- order inside ranks: barycenter sweeps, keep the best
    layers.forEach(function (L) {
      L.sort(function (a, b) {
        return (a.band - b.band) || (a.dummy - b.dummy) || ((a.t || 0) - (b.t || 0)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      });
      L.forEach(function (v, i) { v.pos = i; });
    });
    function totalCrossings() {
      var c = 0;
      for (var r = 0; r + 1 < R; r++) {
        var pairs = [];
        layers[r].forEach(function (v) { v.down.forEach(function (w) { pairs.push([v.pos, w.pos]); }); });
        c += crossings(pairs);
      }
      return c;
    }
    function snapshot() { return layers.map(function (L) { return L.slice(); }); }
    var best = snapshot(), bestC = totalCrossings();
    var sweeps = nodes.length > 150 ? 4 : 12;
    for (var sw = 0; sw < sweeps && bestC > 0; sw++) {
      var downward = sw % 2 === 0;
      for (var j = 1; j < R; j++) {
        var L = layers[downward ? j : R - 1 - j];
        L.forEach(function (v) {
          var nb = downward ? v.up : v.down;
          v.bc = nb.length ? nb.reduce(function (s, w) { return s + w.pos; }, 0) / nb.length : v.pos;
        });
        L.sort(function (a, b) { return (a.band - b.band) || (a.bc - b.bc) || (a.pos - b.pos); });
        L.forEach(function (v, i) { v.pos = i; });
      }
      var c = totalCrossings();
      if (c < bestC) { bestC = c; best = snapshot(); }
    }
    layers = best;
    layers.forEach(function (L) { L.forEach(function (v, i) { v.pos = i; }); });

    // --- sizes
    var BP, BQ, rowQ = []; // box size along the rank axis (p) and across it (q, narrow: per row)
    var G = V ? 54 : 0; // narrow: a gutter on the left for the times
    var TOP = V ? 8 : 40; // wide: a header strip on top for the times
    if (V) {
      // as wide as the fullest row allows (its boxes, and the gaps kept for edges passing)
      var bw = 170;
      layers.forEach(function (L) {
        var n = L.filter(function (v) { return !v.dummy; }).length, d = L.length - n;
        if (n) bw = Math.min(bw, Math.floor((avail - G - 10 - d * 20 - (n - 1) * 14) / n));
      });
      BQ = Math.max(104, bw); BP = 46;
      // a row with fewer boxes gives them more room for the outlet's name
      layers.forEach(function (L) {
        var n = L.filter(function (v) { return !v.dummy; }).length, d = L.length - n;
        rowQ.push(n ? Math.max(BQ, Math.min(210, Math.floor((avail - G - 10 - d * 20 - (n - 1) * 14) / n))) : BQ);
      });
    } else { BP = 168; BQ = 46; }
    function size(v) { return v.dummy ? 8 : V ? rowQ[v.rank] : BQ; }
    function sep(a, b) { return a.dummy && b.dummy ? 8 : a.dummy || b.dummy ? 12 : (V ? 14 : 20); }

    // --- positions across the ranks (q): pull each box towards its neighbours, keep the order
    var Q0 = V ? G + 6 : TOP;
    var QMAX = V ? avail - 4 : Infinity;
    function place(group, lo) {
      var any = false;
      layers.forEach(function (L) {
        var items = L.filter(function (v) { return v.band === group; });
        var q = lo;
        items.forEach(function (v, i) { if (i) q += (size(items[i - 1]) + size(v)) / 2 + sep(items[i - 1], v); else q = lo + size(v) / 2; v.c = q; any = true; });
      });
      if (!any) return lo;
      function pass(r, which) {
        var items = layers[r].filter(function (v) { return v.band === group; });
        if (!items.length) return;
        var want = items.map(function (v) {
          var nb = which === 'up' ? v.up : which === 'down' ? v.down : v.up.concat(v.down);
          nb = nb.filter(function (w) { return w.band === group || group; });
          return nb.length ? nb.reduce(function (s, w) { return s + w.c; }, 0) / nb.length : v.c;
        });
        var gaps = items.map(function (v, i) { return i ? (size(items[i - 1]) + size(v)) / 2 + sep(items[i - 1], v) : 0; });
        var got = packLine(want, gaps, lo + size(items[0]) / 2, QMAX - size(items[items.length - 1]) / 2);
        items.forEach(function (v, i) { v.c = got[i]; });
      }
      for (var round = 0; round < 6; round++) {
        for (var r = 1; r < R; r++) pass(r, 'up');
        for (r = R - 2; r >= 0; r--) pass(r, 'down');
      }
      for (r = 0; r < R; r++) pass(r, 'both');
      var min = Infinity, max = -Infinity;
      layers.forEach(function (L) {
        L.forEach(function (v) { if (v.band === group) { min = Math.min(min, v.c - size(v) / 2); max = Math.max(max, v.c + size(v) / 2); } });
      });
      if (QMAX === Infinity) layers.forEach(function (L) { L.forEach(function (v) { if (v.band === group) v.c -= min - lo; }); });
      return max - min + lo;
    }
    var mainEnd = place(false, Q0);
    var band = null;
    if (!V && undated.length) {
      var bandTop = (mainEnd > Q0 ? mainEnd : Q0 - 10) + 16;
      var bandEnd = place(true, bandTop + 26);
      band = { q0: bandTop, q1: bandEnd + 12 };
    }
    var qEnd = band ? band.q1 : mainEnd;

    // --- ports: edges leave a box on its far side and enter on its near side, spread out
    function portOrder(v, list) {
      list.sort(function (a, b) { return a.other - b.other; });
      var q = size(v);
      list.forEach(function (x, i) { x.at = v.c - q / 2 + q * (i + 1) / (list.length + 1); });
    }
    chains.forEach(function (ed) {
      var ch = ed.chain;
      ed.outPort = { other: ch[1].c };
      ed.inPort = { other: ch[ch.length - 2].c };
      ch[0].outP.push(ed.outPort);
      ch[ch.length - 1].inP.push(ed.inPort);
    });
    loops.forEach(function (ed) {
      ed.outPort = { other: ed.to.c + 0.1 };
      ed.inPort = { other: ed.from.c - 0.1 };
      ed.from.outP.push(ed.outPort);
      ed.to.outP.push(ed.inPort);
    });
    nodes.forEach(function (v) { portOrder(v, v.outP); portOrder(v, v.inP); });

    // --- positions along the ranks (p): channel widths from the labels they will hold
    var want = [];
    for (r = 0; r < R; r++) want.push(0);
    function prefChannel(ed) {
      if (ed.loop) return ed.from.rank;
      var lo = ed.chain[0].rank, hi = ed.chain[ed.chain.length - 1].rank;
      return lo + Math.floor((hi - lo - 1) / 2);
    }
    var BADGE = 20;
    edges.forEach(function (ed) {
      ed.tw = ed.text ? textWidth(ed.text, 11) : 0;
      var ch = prefChannel(ed);
      if (V) want[ch] += 1; else want[ch] = Math.max(want[ch], BADGE + 6 + ed.tw + 14);
    });
    // Lay out along the ranks; where a badge found no free place, widen that channel and redo.
    var extra = want.map(function () { return 0; }), done = null;
    for (var attempt = 0; attempt < 4; attempt++) {
      done = finish(extra);
      if (!done.crowded.length) break;
      done.crowded.forEach(function (ch) { extra[ch] += V ? 24 : 30; });
    }

    function finish(extra) {
      var MINGAP = V ? 50 : 60;
      var r, gap = want.map(function (w, r) {
        var hasLoop = loops.some(function (ed) { return ed.from.rank === r; });
        if (r === R - 1 && !hasLoop) return 10;
        if (V) return Math.min(150, MINGAP + 22 * Math.max(0, w - 1)) + (r === bandRank - 1 ? 28 : 0) + extra[r];
        return Math.max(MINGAP, Math.min(280, w)) + extra[r];
      });
      if (!V && R > 1) {
        var P0 = 8, total = P0 + R * BP + gap.reduce(function (s, g) { return s + g; }, 0);
        var inner = gap.slice(0, R - 1);
        if (total < avail) {
          var spread = (avail - total) / (R - 1);
          for (r = 0; r + 1 < R; r++) gap[r] = Math.min(340, gap[r] + spread);
        } else if (total > avail) {
          // squeeze the channels if that makes it fit; if it cannot fit, keep room for labels
          var spare = inner.reduce(function (s, g) { return s + g - MINGAP; }, 0);
          if (total - spare <= avail) {
            for (r = 0; r + 1 < R; r++) gap[r] -= (gap[r] - MINGAP) * (total - avail) / spare;
          } else {
            for (r = 0; r + 1 < R; r++) gap[r] = Math.min(gap[r], 170 + extra[r]);
          }
        }
      }
      var P = [], p = V ? TOP + 18 : 8;
      if (V && bandRank === 0 && undated.length) p += 28;
      for (r = 0; r < R; r++) { P.push(p); p += BP + gap[r]; }
      var pEnd = R ? P[R - 1] + BP + gap[R - 1] : p;

      function xy(pp, qq) { return V ? [qq, pp] : [pp, qq]; }
      var width = Math.ceil(V ? Math.max(avail, qEnd + 4) : pEnd), height = Math.ceil(V ? pEnd + 6 : qEnd + 10);
      if (V) width = Math.max(width, 240);

      // --- edge paths; every curve stays inside the channel between two ranks
      function curve(p1, q1, p2, q2) {
        var m = (p1 + p2) / 2;
        return { p1: p1, q1: q1, c1: [m, q1], c2: [m, q2], p2: p2, q2: q2 };
      }
      function bez(cv, t) {
        var a = [cv.p1, cv.q1], b = cv.c1, c = cv.c2, d = [cv.p2, cv.q2], u = 1 - t;
        return [0, 1].map(function (i) { return u * u * u * a[i] + 3 * u * u * t * b[i] + 3 * u * t * t * c[i] + t * t * t * d[i]; });
      }
      function pt(pp, qq) { var z = xy(pp, qq); return Math.round(z[0] * 10) / 10 + ',' + Math.round(z[1] * 10) / 10; }
      chains.forEach(function (ed) {
        var ch = ed.chain, pts = [[P[ch[0].rank] + BP, ed.outPort.at]];
        for (var i = 1; i + 1 < ch.length; i++) { pts.push([P[ch[i].rank], ch[i].c]); pts.push([P[ch[i].rank] + BP, ch[i].c]); }
        pts.push([P[ch[ch.length - 1].rank], ed.inPort.at]);
        ed.curves = [];
        for (i = 0; i + 1 < pts.length; i += 2) {
          var cv = curve(pts[i][0], pts[i][1], pts[i + 1][0], pts[i + 1][1]);
          cv.channel = ch[i / 2].rank;
          ed.curves.push(cv);
        }
        if (ed.reversed) pts.reverse();
        var d = 'M' + pt(pts[0][0], pts[0][1]);
        for (i = 0; i + 1 < pts.length; i++) {
          var a = pts[i], b = pts[i + 1];
          if (i % 2 === 0) { var m = (a[0] + b[0]) / 2; d += ' C' + pt(m, a[1]) + ' ' + pt(m, b[1]) + ' ' + pt(b[0], b[1]); }
          else d += ' L' + pt(b[0], b[1]);
        }
        ed.d = d;
      });
      loops.forEach(function (ed) {
        var r = ed.from.rank, p1 = P[r] + BP, depth = Math.min(gap[r] * 0.6, 40) * 4 / 3;
        var cv = { p1: p1, q1: ed.outPort.at, c1: [p1 + depth, ed.outPort.at], c2: [p1 + depth, ed.inPort.at], p2: p1, q2: ed.inPort.at, channel: r };
        ed.curves = [cv];
        ed.d = 'M' + pt(p1, cv.q1) + ' C' + pt(cv.c1[0], cv.c1[1]) + ' ' + pt(cv.c2[0], cv.c2[1]) + ' ' + pt(p1, cv.q2);
      });

      // --- boxes, headers, the undated lane
      var boxes = nodes.map(function (v) {
        var z = xy(P[v.rank], v.c - size(v) / 2);
        return { v: v, x: z[0], y: z[1], w: V ? size(v) : BP, h: V ? BP : BQ };
      });
      var obstacles = boxes.map(function (b) { return [b.x, b.y, b.w, b.h]; });
      obstacles.push(V ? [0, 0, G, height] : [0, 0, width, TOP - 4]); // the times
      var headers = [];
      var years = dated.map(function (v) { return new Date(v.t).getUTCFullYear(); }).filter(uniq);
      var prevT = null, prevR = -1;
      for (r = 0; r < R; r++) {
        var ts = layers[r].filter(function (v) { return !v.dummy && !v.undated && !v.ext; }).map(function (v) { return v.t; });
        var lines = ts.length ? rankTime(ts, years.length > 1) : layers[r].some(function (v) { return v.ext; }) ? ['cited', 'only'] : null;
        if (!lines) continue;
        if (V) headers.push({ x: 4, y: P[r] + 16, lines: lines, cls: 'rank-label' });
        else headers.push({ x: P[r] + BP / 2, y: 16, lines: [lines.length === 3 ? lines[0] + ' ' + lines[1] + lines[2] : lines.join(' ')], cls: 'rank-label', anchor: 'middle' });
        if (ts.length && prevT !== null && prevR === r - 1) {
          var gt = gapTime(Math.min.apply(null, ts) - prevT);
          if (V) headers.push({ x: 4, y: P[r] - gap[r - 1] / 2 + 4, lines: [gt], cls: 'gap-label' });
          else if (textWidth(gt, 10) < gap[r - 1] - 8) headers.push({ x: P[r] - gap[r - 1] / 2, y: 30, lines: [gt], cls: 'gap-label', anchor: 'middle' });
        }
        if (ts.length) { prevT = Math.max.apply(null, ts); prevR = r; }
      }
      var lane = null;
      if (undated.length) {
        var LT = 'Undated: no publication date, so not placed in time';
        if (V) {
          var y0 = P[bandRank] - 30;
          lane = { x: 0, y: y0, w: width, h: height - y0, label: { x: 6, y: y0 + 16, text: 'Undated (no publication date)' } };
        } else {
          lane = { x: 0, y: band.q0, w: width, h: band.q1 - band.q0, label: { x: 8, y: band.q0 + 17, text: LT } };
        }
        var lw = textWidth(lane.label.text, 11, 'bold');
        obstacles.push([lane.label.x - 2, lane.label.y - 12, lw + 4, 16]);
      }

      // --- labels: a numbered badge and the evidence, in a channel, clear of boxes and each other
      var placedLabels = [];
      function free(rc) {
        var all = obstacles.concat(placedLabels);
        for (var i = 0; i < all.length; i++) {
          var o = all[i];
          if (rc[0] < o[0] + o[2] + 2 && o[0] < rc[0] + rc[2] + 2 && rc[1] < o[1] + o[3] + 2 && o[1] < rc[1] + rc[3] + 2) return false;
        }
        return true;
      }
      function inside(rc, cv) {
        var lo = P[cv.channel] + BP + 2, hi = cv.channel + 1 < R ? P[cv.channel + 1] - 2 : pEnd - 2;
        var a = V ? rc[1] : rc[0], len = V ? rc[3] : rc[2];
        var b = V ? rc[0] : rc[1], blen = V ? rc[2] : rc[3];
        return a >= lo && a + len <= hi && b >= 0 && b + blen <= (V ? width : height);
      }
      var TS = [];
      for (var ti = 1; ti < 20; ti++) TS.push(ti / 20);
      TS.sort(function (a, b) { return Math.abs(a - 0.5) - Math.abs(b - 0.5) || a - b; });
      function tryPlace(ed, withText, loose) {
        var order = ed.curves.slice().sort(function (a, b) {
          var pc = prefChannel(ed);
          return Math.abs(a.channel - pc) - Math.abs(b.channel - pc);
        }).slice(0, 8);
        var tws = withText ? ed.tw : 0;
        for (var i = 0; i < order.length; i++) {
          var ts = TS;
          for (var j = 0; j < ts.length; j++) {
            var z = xy.apply(null, bez(order[i], ts[j]));
            var variants = tws ? [[z[0] - 10, 'right'], [z[0] - 10 - tws - 6, 'left']] : [[z[0] - 10, 'none']];
            for (var k = 0; k < variants.length; k++) {
              var rc = [variants[k][0], z[1] - 10, 20 + (tws ? tws + 6 : 0), 20];
              if (inside(rc, order[i]) && (loose || free(rc))) {
                placedLabels.push(rc);
                return { cx: z[0], cy: z[1], side: variants[k][1], text: withText ? ed.text : '', rect: rc };
              }
            }
          }
        }
        return null;
      }
      var crowded = [];
      edges.forEach(function (ed) { ed.label = ed.curves && ed.text ? tryPlace(ed, true, false) : null; });
      edges.forEach(function (ed) {
        if (!ed.curves || ed.label) return;
        ed.label = tryPlace(ed, false, false);
        if (!ed.label) { ed.label = tryPlace(ed, false, true); crowded.push(prefChannel(ed)); }
      });
      return {
        crowded: crowded, width: width, height: height, boxes: boxes, headers: headers, lane: lane
      };
    }

    return {
      vertical: V, width: done.width, height: done.height,
      boxes: done.boxes, edges: edges, headers: done.headers, lane: done.lane, crossings: bestC
    };
  }

  function graphSvg(nodes, edges, origin, onEdge, avail) {
    var L = graphLayout(nodes, edges, { vertical: avail < GRAPH_NARROW, avail: avail });
    var nEdges = L.edges.length;
    var svg = s('svg', {
      'class': 'graph' + (L.vertical ? ' vertical' : ''), width: L.width, height: L.height, viewBox: '0 0 ' + L.width + ' ' + L.height,
      role: 'group', 'aria-label': 'Provenance graph: ' + L.boxes.length + ' reports, ' + nEdges + ' re-reports'
    });
    var defs = s('defs');
    [['arrow', 'arrow'], ['arrow-drift', 'arrow drift']].forEach(function (m) {
      var mk = s('marker', { id: m[0], viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 11, markerHeight: 11, orient: 'auto-start-reverse' });
      mk.appendChild(s('path', { d: 'M0,0 L10,5 L0,10 z', 'class': m[1] }));
      defs.appendChild(mk);
    });
    svg.appendChild(defs);
    if (L.lane) {
      var lg = s('g', { 'class': 'undated-lane' });
      lg.appendChild(s('rect', { x: L.lane.x, y: L.lane.y, width: L.lane.w, height: L.lane.h, rx: 6, ry: 6 }));
      lg.appendChild(s('text', { 'class': 'lane-title', x: L.lane.label.x, y: L.lane.label.y, text: L.lane.label.text }));
      svg.appendChild(lg);
    }
    var hg = s('g', { 'class': 'rank-labels', 'aria-hidden': 'true' });
    L.headers.forEach(function (hd) {
      var t = s('text', { 'class': hd.cls, x: hd.x, y: hd.y, 'text-anchor': hd.anchor || null });
      hd.lines.forEach(function (ln, i) { t.appendChild(s('tspan', { x: hd.x, dy: i ? 13 : 0, text: ln })); });
      hg.appendChild(t);
    });
    svg.appendChild(hg);

    var label = function (n) { return nodeLabel(n); };
    var eg = s('g', { 'class': 'edges' });
    L.edges.forEach(function (ed) {
      if (!ed.d) return;
      var k = ed.k;
      var g = s('g', {
        'class': 'edge' + (ed.drift ? ' drift' : '') + (ed.reversed ? ' backward' : ''), tabindex: 0, role: 'button', 'data-k': k,
        'data-from': ed.from.id, 'data-to': ed.to.id,
        'aria-label': label(ed.to.n) + ' re-reports ' + label(ed.from.n) + ': ' + ed.text
      });
      g.appendChild(s('path', { 'class': 'hit', d: ed.d }));
      g.appendChild(s('path', { 'class': 'line', d: ed.d, 'marker-end': ed.drift ? 'url(#arrow-drift)' : 'url(#arrow)' }));
      g.addEventListener('click', function () { onEdge(k); });
      g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onEdge(k); } });
      ed.g = g;
      eg.appendChild(g);
    });
    svg.appendChild(eg);

    var ng = s('g', { 'class': 'nodes' });
    L.boxes.forEach(function (b) {
      var n = b.v.n;
      var isExt = b.v.ext;
      var isOrigin = origin !== undefined && origin !== null && str(origin) === b.v.id;
      var g = s('g', {
        'class': 'node' + (isExt ? ' external' : '') + (isOrigin ? ' origin' : '') + (b.v.undated ? ' undated' : ''), 'data-id': b.v.id,
        transform: 'translate(' + b.x + ',' + b.y + ')'
      });
      g.appendChild(s('title', { text: (str(n.title) || nodeLabel(n)) + ' — ' + (isExt ? 'cited only' : fmtDate(n.published)) }));
      g.appendChild(s('rect', { width: b.w, height: b.h, rx: 7, ry: 7 }));
      g.appendChild(s('text', { x: 9, y: 19, 'class': 'n-outlet', text: fitText(nodeLabel(n), b.w - 16, 13, 'bold') }));
      var meta = isExt ? (isOrigin ? 'origin · cited only' : 'cited only') : (str(n.lang) + ' · ' + (b.v.undated ? 'undated' : fmtDay(n.published)) + (isOrigin ? ' · origin' : ''));
      g.appendChild(s('text', { x: 9, y: 36, 'class': 'n-meta', text: fitText(meta, b.w - 14, 11) }));
      if (!isExt) {
        var link = s('a', { href: '#/article/' + encodeURIComponent(b.v.id), 'aria-label': 'Open ' + nodeLabel(n) + ' article' });
        link.appendChild(g);
        ng.appendChild(link);
      } else {
        ng.appendChild(g);
      }
    });
    svg.appendChild(ng);

    // Labels last, over the lines: the badge's number is the row of the table below.
    var tg = s('g', { 'class': 'edge-tags' });
    L.edges.forEach(function (ed) {
      if (!ed.label || !ed.g) return;
      var lb = ed.label;
      var tag = s('g', { 'class': 'edge-tag', 'data-k': ed.k, transform: 'translate(' + Math.round(lb.cx) + ',' + Math.round(lb.cy) + ')' });
      var num = s('g', { 'class': 'edge-num' });
      num.appendChild(s('circle', { r: 9 }));
      num.appendChild(s('text', { y: 4, 'text-anchor': 'middle', text: String(ed.k + 1) }));
      tag.appendChild(num);
      if (lb.text) {
        var left = lb.side === 'left';
        tag.appendChild(s('rect', { 'class': 'edge-label-bg', x: left ? -12 - ed.tw - 3 : 10, y: -8, width: ed.tw + 5, height: 16, rx: 3, ry: 3 }));
        tag.appendChild(s('text', {
          'class': 'edge-label', y: 4, x: lb.side === 'left' ? -13 : 13, 'text-anchor': lb.side === 'left' ? 'end' : 'start', text: lb.text
        }));
      }
      tag.addEventListener('click', function () { ed.g.dispatchEvent(new Event('click')); });
      if (ed.drift) tag.classList.add('drift');
      tg.appendChild(tag);
    });
    svg.appendChild(tg);
    // A badge lights up with its arrow (the story view marks the selected arrow `.on`).
    if (window.MutationObserver) {
      new MutationObserver(function () {
        Array.prototype.forEach.call(tg.childNodes, function (t) {
          var e = eg.querySelector('.edge[data-k="' + t.getAttribute('data-k') + '"]');
          t.classList.toggle('on', !!e && e.classList.contains('on'));
        });
      }).observe(eg, { attributes: true, subtree: true, attributeFilter: ['class'] });
    }
    return { svg: svg, vertical: L.vertical, width: L.width };
  }

  // The figure around the graph: a sideways-scroll hint when the drawing is wider than the
  // screen, a caption that says how to read it, and a new layout when the width changes.
  function graphFigure(nodes, edges, origin, onEdge) {
    var scroll = h('div', { 'class': 'graph-scroll', role: 'region', 'aria-label': 'Provenance graph' });
    var hint = h('p', { 'class': 'graph-hint', 'aria-hidden': 'true' }, h('span', { text: '⇆' }), ' The graph is wider than the screen: scroll it sideways to see all of it.');
    var caption = h('figcaption', { 'class': 'small' });
    var fig = h('figure', { 'class': 'graph-fig' }, hint, scroll, caption);
    var drawnAt = -1;
    var hasExt = nodes.some(function (n) { return n && n.kind === 'external'; });
    var hasUndated = nodes.some(function (n) { return n && n.kind !== 'external' && isNaN(Date.parse(n.published)); });
    function draw(avail) {
      var on = scroll.querySelector('.edge.on');
      var onK = on ? on.getAttribute('data-k') : null;
      clear(scroll);
      var g = graphSvg(nodes, edges, origin, onEdge, avail);
      scroll.appendChild(g.svg);
      if (onK !== null) {
        Array.prototype.forEach.call(scroll.querySelectorAll('.edge'), function (e) { e.classList.toggle('on', e.getAttribute('data-k') === onK); });
      }
      var wide = g.width > avail + 1;
      fig.classList.toggle('graph-overflow', wide);
      fig.classList.toggle('graph-narrow', g.vertical);
      hint.hidden = !wide;
      scroll.setAttribute('tabindex', wide ? '0' : '-1'); // a keyboard can scroll it when it must
      clear(caption);
      var col = g.vertical ? 'row' : 'column';
      caption.appendChild(document.createTextNode((g.vertical
        ? 'Provenance, oldest at the top: each arrow goes from the earlier (or cited) report to the one that re-reports it; an arrow pointing up goes back in time. '
        : 'Provenance, oldest on the left: each arrow goes from the earlier (or cited) report to the one that re-reports it; an arrow pointing left goes back in time. ') +
        (g.vertical ? 'Rows' : 'Columns') + ' follow publication order but are not to scale: each ' + col + '\'s time (UTC) is ' + (g.vertical ? 'on the left' : 'above it') + ', with the time between ' + col + 's. ' +
        (hasExt ? 'Outlets only named by others are in the first ' + col + '. ' : '') +
        (hasUndated ? 'Articles without a publication date are in their own lane at the bottom, not placed in time. ' : '') +
        'Arrows with changes are red; the numbers are the rows of the table below.'));
      drawnAt = avail;
    }
    draw(graphAvail());
    var timer = null;
    function onResize() {
      if (!document.body.contains(fig)) { window.removeEventListener('resize', onResize); return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var a = scroll.clientWidth;
        if (a > 0 && Math.abs(a - drawnAt) > 8) draw(a);
      }, 150);
    }
    window.addEventListener('resize', onResize);
    return fig;
  }

  // The width a figure in the page's main column has for its drawing.
  function graphAvail() {
    if (!main || !main.clientWidth) return 1100;
    var st = window.getComputedStyle(main);
    return Math.max(200, Math.floor(main.clientWidth - (parseFloat(st.paddingLeft) || 0) - (parseFloat(st.paddingRight) || 0) - 28));
  }

  // Dots on a time axis, one row per language; undated articles in a row of their own under the
  // axis (evenly spaced: their place says nothing about time).
  function timelineSvg(articles) {
    var dated = articles.filter(function (n) { return !isNaN(Date.parse(n.published)); });
    var undated = articles.filter(function (n) { return isNaN(Date.parse(n.published)); });
    var langs = dated.map(function (n) { return str(n.lang) || '?'; }).filter(uniq).sort();
    var L = 60, rowH = 48, top = 14;
    var width = Math.max(360, Math.min(graphAvail(), 1400));
    var axisY = top + Math.max(langs.length, 1) * rowH + 6;
    var perRow = Math.max(1, Math.floor((width - L - 16) / 150)), step = (width - L - 16) / perRow;
    var uRows = Math.ceil(undated.length / perRow);
    var height = axisY + 28 + (uRows ? 16 + uRows * 30 : 0);
    var sc = timeScale(dated, L + 10, width - 110);
    var svg = s('svg', { 'class': 'timeline', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Timeline of ' + articles.length + ' articles in ' + langs.length + ' languages' + (undated.length ? ', ' + undated.length + ' undated' : '') });
    if (dated.length) axis(svg, sc, L + 10, width - 110, axisY, 0);
    langs.forEach(function (l, i) {
      var y = top + i * rowH + rowH / 2;
      svg.appendChild(s('text', { 'class': 'lane-label', x: 8, y: y + 4, text: l }));
      svg.appendChild(s('line', { 'class': 'lane', x1: L, x2: width - 100, y1: y, y2: y }));
      var row = dated.filter(function (n) { return (str(n.lang) || '?') === l; })
        .sort(function (a, b) { return Date.parse(a.published) - Date.parse(b.published); });
      row.forEach(function (n, j) {
        var x = sc.x(n.published);
        var g = s('g', { 'class': 'dot' });
        g.appendChild(s('title', { text: nodeLabel(n) + ' — ' + fmtDate(n.published) }));
        g.appendChild(s('circle', { cx: x, cy: y, r: 6 }));
        g.appendChild(s('text', { x: x + 9, y: y + (j % 2 ? 18 : -9), text: trunc(nodeLabel(n), 22) }));
        svg.appendChild(g);
      });
    });
    if (undated.length) {
      var y0 = axisY + 40;
      svg.appendChild(s('text', { 'class': 'lane-label', x: 8, y: y0 + 4, text: 'undated' }));
      undated.forEach(function (n, i) {
        var x = L + 16 + (i % perRow) * step, y = y0 + Math.floor(i / perRow) * 30;
        var g = s('g', { 'class': 'dot undated' });
        g.appendChild(s('title', { text: nodeLabel(n) + ' — undated' + (n.lang ? ' (' + str(n.lang) + ')' : '') }));
        g.appendChild(s('circle', { cx: x, cy: y, r: 6 }));
        g.appendChild(s('text', { x: x + 9, y: y + 4, text: fitText(nodeLabel(n) + (n.lang ? ' · ' + str(n.lang) : ''), step - 22, 11) }));
        svg.appendChild(g);
      });
    }
    return h('div', { 'class': 'graph-scroll' }, svg);
  }

  // Word-level diff (LCS over words); runs of removed and added words are grouped.
  function diffView(a, b) {
    var x = a.split(/\s+/).filter(Boolean);
    var y = b.split(/\s+/).filter(Boolean);
    if (x.length > 400) x = x.slice(0, 400);
    if (y.length > 400) y = y.slice(0, 400);
    var n = x.length, m = y.length;
    var L = [];
    for (var i = 0; i <= n; i++) { L.push(new Uint16Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      }
    }
    var ops = []; // [op, words]
    function push(op, w) {
      var last = ops[ops.length - 1];
      if (last && last[0] === op) last[1].push(w); else ops.push([op, [w]]);
    }
    i = 0; j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) { push('=', x[i]); i++; j++; }
      else if (i < n && (j >= m || L[i + 1][j] >= L[i][j + 1])) { push('-', x[i]); i++; }
      else { push('+', y[j]); j++; }
    }
    var out = h('p', { 'class': 'diff', dir: 'auto' });
    ops.forEach(function (o, k) {
      if (k > 0) out.appendChild(document.createTextNode(' '));
      var t = o[1].join(' ');
      if (o[0] === '=') appendText(out, t);
      else out.appendChild(h(o[0] === '-' ? 'del' : 'ins', { text: t }));
    });
    return out;
  }

  // ---------- search ----------
  function searchPage(params) {
    setTitle('Search');
    var fields = [
      ['q', 'Words', 'search', 'e.g. minister resignation'],
      ['outlet', 'Outlet', 'text', ''],
      ['lang', 'Language', 'text', 'en, fr, es, ar…'],
      ['from', 'From', 'date', ''],
      ['to', 'To', 'date', '']
    ];
    var form = h('form', { 'class': 'search', role: 'search', 'aria-label': 'Find articles' });
    fields.forEach(function (f) {
      var id = 'f-' + f[0];
      var input = h('input', { id: id, name: f[0], type: f[2], placeholder: f[3] || null, maxlength: 500 });
      input.value = params.get(f[0]) || '';
      form.appendChild(h('div', { 'class': 'field field-' + f[0] }, h('label', { 'for': id, text: f[1] }), input));
    });
    form.appendChild(h('div', { 'class': 'field' }, h('button', { type: 'submit', 'class': 'primary', text: 'Search' })));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var p = new URLSearchParams();
      fields.forEach(function (f) { var v = form.elements[f[0]].value.trim(); if (v) p.set(f[0], v); });
      window.location.hash = '#/?' + p.toString();
    });
    var results = h('section', { 'class': 'results', 'aria-live': 'polite' });
    var storiesBox = h('section', { 'class': 'results' });
    var p = new URLSearchParams();
    fields.forEach(function (f) { var v = params.get(f[0]); if (v) p.set(f[0], v); });
    loadPage(results, '/api/articles', p, articleRow, 'articles');
    var sp = new URLSearchParams();
    ['q', 'lang', 'from', 'to'].forEach(function (k) { var v = params.get(k); if (v) sp.set(k, v); });
    loadPage(storiesBox, '/api/stories', sp, storyRow, 'stories');
    return h('div', null, h('h1', { text: 'Find articles and stories' }), form,
      h('div', { 'class': 'two' }, h('div', null, h('h2', { text: 'Articles' }), results), h('div', null, h('h2', { text: 'Stories' }), storiesBox)));
  }

  function storiesPage(params) {
    setTitle('Stories');
    var box = h('section', { 'class': 'results' });
    loadPage(box, '/api/stories', params, storyRow, 'stories');
    return h('div', null, h('h1', { text: 'Stories' }), box);
  }

  function loadPage(box, path, params, row, what) {
    var list = h('ul', { 'class': 'hits' });
    box.appendChild(list);
    function more(cursor) {
      var p = new URLSearchParams(params.toString());
      if (cursor) p.set('cursor', cursor);
      var status = h('p', { 'class': 'muted', text: 'Loading…' });
      box.appendChild(status);
      api(path + (p.toString() ? '?' + p.toString() : '')).then(function (page) {
        box.removeChild(status);
        arr(page.items).forEach(function (it) { list.appendChild(row(it)); });
        if (!list.childNodes.length) box.appendChild(h('p', { 'class': 'muted', text: 'No ' + what + ' found.' }));
        if (page.next) {
          var b = h('button', { type: 'button', 'class': 'more', text: 'More ' + what });
          b.addEventListener('click', function () { box.removeChild(b); more(page.next); });
          box.appendChild(b);
        }
        box.setAttribute('data-ready', '1');
      }).catch(function (e) {
        box.removeChild(status);
        box.appendChild(errorBox(e.message));
        box.setAttribute('data-ready', '1');
      });
    }
    more(null);
  }

  function articleRow(a) {
    return h('li', { 'class': 'hit' },
      h('a', { href: '#/article/' + encodeURIComponent(str(a.id)), dir: 'auto', text: str(a.title) || str(a.id) }),
      h('div', { 'class': 'small muted' }, [str(a.outlet), fmtDay(a.published), str(a.lang)].filter(Boolean).join(' · '),
        a.story !== undefined && a.story !== null ? [' · ', h('a', { href: '#/story/' + encodeURIComponent(str(a.story)), text: 'story ' + str(a.story) })] : null),
      a.hit ? hitView(a.hit) : (a.snippet ? h('div', { 'class': 'snippet', dir: 'auto', text: trunc(a.snippet, 240) }) : null));
  }

  // The passage around a search hit, its matched words in <mark> (offsets in characters).
  function hitView(hit) {
    var chars = Array.from(str(hit.text));
    var box = h('div', { 'class': 'snippet hit-text', dir: 'auto' });
    var at = 0;
    arr(hit.highlights).forEach(function (m) {
      var s0 = Number(m.start), e0 = Number(m.end);
      if (!(s0 >= at && e0 > s0 && e0 <= chars.length)) return;
      appendText(box, chars.slice(at, s0).join(''));
      var mk = h('mark');
      appendText(mk, chars.slice(s0, e0).join(''));
      box.appendChild(mk);
      at = e0;
    });
    appendText(box, chars.slice(at).join(''));
    return box;
  }

  // ---------- claims table ----------
  function claimsPage(params) {
    setTitle('Claims');
    var fields = [
      ['source', 'Source', 'text', 'a name, or its first words'],
      ['source_type', 'Source type', 'select', ['', 'person', 'organization', 'media', 'official', 'anonymous_official', 'document', 'rumour', 'unnamed', 'self']],
      ['certainty', 'Certainty', 'select', [''].concat(CERTAINTIES)],
      ['outlet', 'Outlet', 'text', ''],
      ['lang', 'Language', 'text', 'en, fr, es, ar…'],
      ['from', 'From', 'date', ''],
      ['to', 'To', 'date', ''],
      ['story', 'Story', 'text', ''],
      ['q', 'Words of the claim', 'search', 'e.g. "forty trucks"']
    ];
    var form = h('form', { 'class': 'search claims-form', role: 'search', 'aria-label': 'Find claims' });
    fields.forEach(function (f) {
      var id = 'c-' + f[0];
      var input;
      if (f[2] === 'select') {
        input = h('select', { id: id, name: f[0] });
        f[3].forEach(function (o) { input.appendChild(h('option', { value: o, text: o || 'any' })); });
      } else {
        input = h('input', { id: id, name: f[0], type: f[2], placeholder: f[3] || null, maxlength: 500 });
      }
      input.value = params.get(f[0]) || '';
      form.appendChild(h('div', { 'class': 'field field-' + f[0] }, h('label', { 'for': id, text: f[1] }), input));
    });
    form.appendChild(h('div', { 'class': 'field' }, h('button', { type: 'submit', 'class': 'primary', text: 'Find claims' })));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var p = new URLSearchParams();
      fields.forEach(function (f) { var v = form.elements[f[0]].value.trim(); if (v) p.set(f[0], v); });
      window.location.hash = '#/claims?' + p.toString();
    });
    var results = h('section', { 'class': 'results claims', 'aria-live': 'polite' });
    var p = new URLSearchParams();
    fields.forEach(function (f) { var v = params.get(f[0]); if (v) p.set(f[0], v); });
    loadPage(results, '/api/claims', p, claimRow, 'claims');
    return h('div', null, h('h1', { text: 'Find claims' }),
      h('p', { 'class': 'muted small', text: 'Who says what, how sure, where: every attribution of every stored article.' }),
      form, results);
  }

  function claimRow(c) {
    var who = str(c.entity) || str(c.source) || ('(' + str(c.source_type) + ')');
    if (c.entity && c.source && str(c.source).toLowerCase() !== str(c.entity).toLowerCase()) who = str(c.source) + ' (' + str(c.entity) + ')';
    return h('li', { 'class': 'hit claim-row', 'data-certainty': str(c.certainty) },
      h('div', null, badge(str(c.certainty) || 'unknown'), ' ', h('strong', { dir: 'auto', text: who }), ' ',
        h('span', { 'class': 'muted small', text: str(c.source_type) })),
      h('div', { 'class': 'snippet', dir: 'auto', text: trunc(str(c.content), 300) }),
      h('div', { 'class': 'small muted' },
        h('a', { 'class': 'claim-article', href: '#/article/' + encodeURIComponent(str(c.article)) + '?claim=' + encodeURIComponent(str(c.index)), dir: 'auto', text: str(c.title) || str(c.article) }),
        ' · ' + [str(c.outlet), fmtDay(c.published), str(c.lang)].filter(Boolean).join(' · '),
        c.story !== undefined && c.story !== null ? [' · ', h('a', { 'class': 'claim-story', href: '#/story/' + encodeURIComponent(str(c.story)), text: 'story ' + str(c.story) })] : null));
  }

  function storyRow(st) {
    var id = st.id !== undefined ? st.id : st.story;
    var n = typeof st.articles === 'number' ? st.articles : arr(st.articles).length || st.size || st.count;
    return h('li', { 'class': 'hit' },
      h('a', { href: '#/story/' + encodeURIComponent(str(id)), dir: 'auto', text: str(st.title) || 'Story ' + str(id) }),
      h('div', { 'class': 'small muted' }, [n ? n + (n === 1 ? ' article' : ' articles') : '', arr(st.languages || st.langs).join(', '),
        st.first ? fmtDay(st.first) + (st.last ? ' – ' + fmtDay(st.last) : '') : '',
        /^ext:/.test(str(st.origin)) ? 'origin: ' + str(st.origin).slice(4) + ' (cited)' : ''].filter(Boolean).join(' · ')));
  }

  // ---------- paste box ----------
  function analyzePage() {
    setTitle('Analyse text');
    var ta = h('textarea', { id: 'paste', name: 'text', rows: 10, required: true, placeholder: 'Paste an article (text or HTML)…' });
    var lang = h('input', { id: 'paste-lang', name: 'lang', type: 'text', maxlength: 8, placeholder: 'auto' });
    var store = h('input', { id: 'paste-store', name: 'store', type: 'checkbox' });
    var out = h('div', { 'class': 'analysis', 'aria-live': 'polite' });
    var btn = h('button', { type: 'submit', 'class': 'primary', text: 'Analyse' });
    var form = h('form', { 'class': 'paste', 'aria-label': 'Analyse any text' },
      h('label', { 'for': 'paste', text: 'Article text or HTML' }), ta,
      h('div', { 'class': 'row' },
        h('span', { 'class': 'field' }, h('label', { 'for': 'paste-lang', text: 'Language' }), lang),
        h('span', { 'class': 'field check' }, store, h('label', { 'for': 'paste-store', text: 'Also store it' })),
        btn));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var p = new URLSearchParams();
      if (lang.value.trim()) p.set('lang', lang.value.trim());
      if (store.checked) p.set('store', 'true');
      clear(out);
      out.appendChild(h('p', { 'class': 'muted', text: 'Analysing… (the first run loads the models)' }));
      btn.disabled = true;
      api('/api/analyze' + (p.toString() ? '?' + p.toString() : ''), {
        method: 'POST', body: ta.value, headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/json' }
      }).then(function (doc) {
        clear(out);
        out.appendChild(articleView(doc));
      }).catch(function (e) {
        clear(out);
        out.appendChild(errorBox(e.message));
      }).then(function () { btn.disabled = false; });
    });
    return h('div', null, h('h1', { text: 'Analyse text' }), form, out);
  }

  window.addEventListener('hashchange', function () { route(); main.focus({ preventScroll: true }); window.scrollTo(0, 0); });
  route();
})();

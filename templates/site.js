/* runbook's site script: search over the locale's index, and language links that keep the
   reader's place. Pages read and navigate without it; it only adds. A classic script (no module,
   no fetch, no WebAssembly), so it works from file:// as from any static host. */
(function () {
  "use strict";

  /* Kana and CJK ideographs, searched by character pairs: the ranges of `is_unspaced` in
     src/render/search.rs. Letters and digits of other scripts form words. */
  var UNSPACED = /[\u3005-\u3007\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;
  var LETTER = /[\p{Alphabetic}\p{N}]/u;
  var MAX_RESULTS = 10;
  var DELAY = 80; /* milliseconds of quiet typing before searching */
  /* A snippet: this many characters before its first match, and this much width in all
     (an unspaced character is two wide). */
  var SNIPPET_BEFORE = 30;
  var SNIPPET_WIDTH = 180;

  /* What the index compares: NFKC, lower case (`normalize` in search.rs). */
  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /* The words and unspaced runs of `text` with their offsets (`pieces` in search.rs). */
  function pieces(text) {
    var found = [];
    var kind = null;
    var start = 0;
    var at = 0;
    for (var c of text) {
      var next = UNSPACED.test(c) ? "unspaced" : LETTER.test(c) ? "word" : null;
      if (next !== kind) {
        if (kind) found.push({ kind: kind, text: text.slice(start, at), start: start, end: at });
        kind = next;
        start = at;
      }
      at += c.length;
    }
    if (kind) found.push({ kind: kind, text: text.slice(start, at), start: start, end: at });
    return found;
  }

  /* The overlapping character pairs of an unspaced run (`pairs` in search.rs). */
  function pairs(run) {
    var chars = Array.from(run);
    if (chars.length < 2) return [run];
    var result = [];
    for (var i = 0; i + 1 < chars.length; i++) result.push(chars[i] + chars[i + 1]);
    return result;
  }

  /* The index's own entry for `key` (never an inherited property such as "constructor"). */
  function own(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  /* The index's spaced-script terms, listed once per index. */
  function wordTerms(index) {
    if (!index.wordTerms) {
      index.wordTerms = Object.keys(index.terms).filter(function (term) { return !UNSPACED.test(term); });
    }
    return index.wordTerms;
  }

  function union(into, ids) {
    for (var i = 0; i < ids.length; i++) into.add(ids[i]);
    return into;
  }

  function intersect(a, b) {
    var result = new Set();
    a.forEach(function (id) { if (b.has(id)) result.add(id); });
    return result;
  }

  /* Sections holding a word as typed so far: every stem that is, or has a word of the text that
     is, an extension of it (one letter must match a whole word); and the longest stem the typed
     word extends, which stands in for stemming it ("escalated" finds the stem "escal" of
     "escalate"). Returns the sections and the whole words to highlight. */
  function lookUpWord(index, typed) {
    var sections = new Set();
    var words = new Set();
    var longestStem = "";
    function take(term) {
      union(sections, own(index.terms, term));
      words.add(term);
      (own(index.words, term) || []).forEach(function (word) { words.add(word); });
    }
    wordTerms(index).forEach(function (term) {
      var variants = own(index.words, term) || [];
      var extends_ = typed.length > 1
        ? term.startsWith(typed) || variants.some(function (word) { return word.startsWith(typed); })
        : term === typed || variants.indexOf(typed) >= 0;
      if (extends_) take(term);
      if (term.length >= 3 && typed.startsWith(term) && term.length > longestStem.length) longestStem = term;
    });
    if (longestStem) take(longestStem);
    return { sections: sections, words: words };
  }

  /* Sections that may hold an unspaced run: those holding each of its pairs (a single
     character: any pair with it). The caller keeps those whose text holds the run. */
  function lookUpRun(index, run) {
    var result = null;
    pairs(run).forEach(function (pair) {
      var sections = new Set();
      if (Array.from(pair).length === 1) {
        Object.keys(index.terms).forEach(function (term) {
          if (term.indexOf(pair) >= 0) union(sections, own(index.terms, term));
        });
      } else {
        union(sections, own(index.terms, pair) || []);
      }
      result = result === null ? sections : intersect(result, sections);
    });
    return result || new Set();
  }

  /* The stretches of `text` a query matches, as [start, end, exact] with offsets into `text`;
     exact when the word is one the reader typed whole (not another form of it). */
  function matches(text, query) {
    var found = [];
    pieces(text).forEach(function (piece) {
      if (piece.kind !== "word") return;
      var word = normalize(piece.text);
      var exact = query.prefixes.indexOf(word) >= 0;
      var hit = exact || query.words.has(word) || query.prefixes.some(function (p) { return word.startsWith(p); });
      if (hit) found.push([piece.start, piece.end, exact]);
    });
    var folded = normalize(text);
    /* Offsets into the folded text are offsets into `text` only when folding kept its length. */
    var haystack = folded.length === text.length ? folded : text.toLowerCase();
    query.runs.forEach(function (run) {
      for (var at = haystack.indexOf(run); at >= 0; at = haystack.indexOf(run, at + run.length)) {
        found.push([at, at + run.length, true]);
      }
    });
    return found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  }

  /* A match in the title counts most (a page's title most of all), a word as typed more than
     another form of it. */
  function weigh(found, weight) {
    return found.reduce(function (sum, m) { return sum + (m[2] ? 2 : 1) * weight; }, 0);
  }

  /* The query `text` asks (its words, prefixes and unspaced runs) and every section matching
     all of them, best first; null when it asks nothing. */
  function search(index, text) {
    var query = { words: new Set(), prefixes: [], runs: [] };
    var candidates = null;
    pieces(normalize(text)).forEach(function (piece) {
      var sections;
      if (piece.kind === "word") {
        var found = lookUpWord(index, piece.text);
        found.words.forEach(function (word) { query.words.add(word); });
        query.prefixes.push(piece.text);
        sections = found.sections;
      } else {
        sections = lookUpRun(index, piece.text);
        query.runs.push(piece.text);
      }
      candidates = candidates === null ? sections : intersect(candidates, sections);
    });
    if (candidates === null) return null;
    var results = [];
    candidates.forEach(function (id) {
      var section = index.sections[id];
      var title = section[2];
      var body = section[3];
      var folded = normalize(title + " " + body);
      var holdsRuns = query.runs.every(function (run) { return folded.indexOf(run) >= 0; });
      if (!holdsRuns) return;
      var inTitle = weigh(matches(title, query), 10);
      var pageTitle = inTitle > 0 && section[1] === "" ? 10 : 0;
      var score = inTitle + pageTitle + Math.min(weigh(matches(body, query), 1), 12);
      results.push({ id: id, score: score });
    });
    results.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    return { query: query, results: results };
  }

  /* `text` into `parent`, with the query's matches marked. */
  function appendMarked(parent, text, query) {
    var at = 0;
    matches(text, query).forEach(function (range) {
      if (range[0] < at) return;
      parent.appendChild(document.createTextNode(text.slice(at, range[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(range[0], range[1]);
      parent.appendChild(mark);
      at = range[1];
    });
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* A stretch of `text` around its first match, cut at character boundaries. */
  function snippet(text, query) {
    var found = matches(text, query);
    var first = found.length ? found[0][0] : 0;
    var chars = Array.from(text);
    var offsets = [];
    var at = 0;
    chars.forEach(function (c) { offsets.push(at); at += c.length; });
    var index = offsets.findIndex(function (offset) { return offset >= first; });
    if (index < 0) index = 0;
    var from = Math.max(0, index - SNIPPET_BEFORE);
    /* In spaced text, start at a word. */
    var space = chars.slice(from, index).indexOf(" ");
    if (from > 0 && !UNSPACED.test(chars[from]) && space >= 0) from += space + 1;
    var to = from;
    for (var width = 0; to < chars.length && width < SNIPPET_WIDTH; to++) {
      width += UNSPACED.test(chars[to]) ? 2 : 1;
    }
    return (from > 0 ? "…" : "") + chars.slice(from, to).join("") + (to < chars.length ? "…" : "");
  }

  function setUpSearch(form) {
    var input = form.querySelector("input");
    var list = form.querySelector(".search-results");
    var status = form.querySelector("[role=status]");
    var lang = form.getAttribute("data-lang");
    var root = form.getAttribute("data-root") || "";
    var state = "idle";
    var timer = null;

    function index() {
      return (self.runbookSearchIndex || {})[lang];
    }

    function load() {
      if (state !== "idle") return;
      state = "loading";
      var script = document.createElement("script");
      script.src = form.getAttribute("data-index");
      script.onload = function () { state = "ready"; show(); };
      script.onerror = function () {
        state = "idle";
        shown = null;
        var message = document.createElement("li");
        message.className = "no-results";
        message.textContent = form.getAttribute("data-unavailable");
        list.textContent = "";
        list.appendChild(message);
        list.hidden = false;
        status.textContent = message.textContent;
        script.remove();
      };
      document.head.appendChild(script);
    }

    /* The query the results show, so that showing them again changes nothing (and keeps the
       reader's focus on a result). */
    var shown = null;

    function show() {
      /* Results show only while the search has focus (a late timer must not reopen them). */
      if (!form.contains(document.activeElement)) {
        list.hidden = true;
        return;
      }
      var text = input.value.trim();
      var query = index() ? text : null;
      if (query === shown && query) {
        list.hidden = false;
        return;
      }
      shown = query;
      list.textContent = "";
      var found = text && index() ? search(index(), text) : null;
      if (!found) {
        list.hidden = true;
        status.textContent = "";
        return;
      }
      var results = found.results;
      status.textContent = results.length
        ? form.getAttribute("data-results").replace("{n}", String(results.length))
        : form.getAttribute("data-no-results");
      results.slice(0, MAX_RESULTS).forEach(function (result) {
        var section = index().sections[result.id];
        var page = index().pages[section[0]];
        var item = document.createElement("li");
        /* A page shown in another language (untranslated) says so, for screen readers. */
        if (page[2]) item.lang = page[2];
        var link = document.createElement("a");
        link.href = root + page[0] + (section[1] ? "#" + section[1] : "");
        var title = document.createElement("span");
        title.className = "result-title";
        if (section[1]) {
          title.appendChild(document.createTextNode(page[1] + " › "));
        }
        appendMarked(title, section[1] ? section[2] : page[1], found.query);
        link.appendChild(title);
        var body = document.createElement("span");
        body.className = "result-snippet";
        appendMarked(body, snippet(section[3], found.query), found.query);
        link.appendChild(body);
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "no-results";
        none.textContent = form.getAttribute("data-no-results");
        list.appendChild(none);
      }
      list.hidden = false;
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a"));
    }

    input.addEventListener("focus", function () { load(); show(); });
    input.addEventListener("input", function () {
      load();
      clearTimeout(timer);
      timer = setTimeout(show, DELAY);
    });
    /* Results close when focus moves on or the reader clicks elsewhere, so they never cover
       what has focus. */
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) list.hidden = true;
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) list.hidden = true;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      show();
      var first = links()[0];
      if (first) first.click();
    });
    form.addEventListener("keydown", function (event) {
      /* Keys that pick a conversion while Japanese is being typed belong to the input method. */
      if (event.isComposing || event.keyCode === 229) return;
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && all.length) {
        all[Math.min(at + 1, all.length - 1)].focus();
        event.preventDefault();
      } else if (event.key === "ArrowUp" && at >= 0) {
        (at === 0 ? input : all[at - 1]).focus();
        event.preventDefault();
      } else if (event.key === "Escape") {
        clearTimeout(timer);
        input.value = "";
        show();
        input.focus();
      }
    });
    form.hidden = false;
  }

  /* A language link keeps the reader's place: the same step or heading, where it has one. */
  function setUpLanguageLinks() {
    document.querySelectorAll(".languages a[hreflang]").forEach(function (link) {
      var page = link.getAttribute("href").split("#")[0];
      link.addEventListener("click", function () {
        link.setAttribute("href", page + location.hash);
      });
    });
  }

  /* On a phone the contents start folded, so the page's own text comes first; on a wider
     screen (a phone turned sideways) they open again, as the fold's summary is hidden there. */
  function foldContentsOnSmallScreens() {
    var contents = document.querySelector(".sidebar-contents");
    var small = matchMedia("(max-width: 40rem)");
    if (!contents) return;
    contents.open = !small.matches;
    small.addEventListener("change", function () { contents.open = !small.matches; });
  }

  /* Tab groups (DocFX `# [Title](#tab/id)`) become tab lists: arrow keys, Home and End move
     between tabs, a `#tab/id` address opens its tab, and choosing a tab chooses the tab with the
     same id in every group of the page. Without this script each tab is a titled section. */
  function setUpTabs() {
    var groups = Array.prototype.slice.call(document.querySelectorAll(".tabs"));
    if (!groups.length) return;
    var all = [];
    groups.forEach(function (group, g) {
      var panels = Array.prototype.slice.call(group.querySelectorAll(":scope > .tab-panel"));
      if (!panels.length) return;
      var list = document.createElement("div");
      list.className = "tab-list";
      list.setAttribute("role", "tablist");
      var tabs = panels.map(function (panel, i) {
        var title = panel.querySelector(".tab-title");
        var tab = document.createElement("button");
        tab.type = "button";
        tab.setAttribute("role", "tab");
        tab.id = "tabs-" + g + "-" + i;
        tab.textContent = title ? title.textContent : panel.getAttribute("data-tab");
        tab.setAttribute("aria-controls", panel.id || (panel.id = "panel-" + g + "-" + i));
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
        panel.tabIndex = 0;
        list.appendChild(tab);
        return tab;
      });
      group.insertBefore(list, group.firstChild);
      group.setAttribute("data-enhanced", "");
      var entry = { tabs: tabs, panels: panels };
      all.push(entry);
      list.addEventListener("click", function (event) {
        var i = tabs.indexOf(event.target);
        if (i >= 0) chooseEverywhere(panels[i].getAttribute("data-tab"), entry, i);
      });
      list.addEventListener("keydown", function (event) {
        var i = tabs.indexOf(document.activeElement);
        if (i < 0) return;
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        next = (next + tabs.length) % tabs.length;
        chooseEverywhere(panels[next].getAttribute("data-tab"), entry, next);
        tabs[next].focus();
      });
      show(entry, 0);
    });
    function show(entry, index) {
      entry.tabs.forEach(function (tab, i) {
        tab.setAttribute("aria-selected", i === index ? "true" : "false");
        tab.tabIndex = i === index ? 0 : -1;
        entry.panels[i].hidden = i !== index;
      });
    }
    function chooseEverywhere(id, origin, index) {
      show(origin, index);
      all.forEach(function (entry) {
        if (entry === origin) return;
        entry.panels.forEach(function (panel, i) {
          if (panel.getAttribute("data-tab") === id) show(entry, i);
        });
      });
    }
    function openFromAddress() {
      var id = decodeURIComponent(location.hash.slice(1));
      if (id.indexOf("tab/") !== 0) return;
      var wanted = id.slice(4);
      var opened = false;
      all.forEach(function (entry) {
        entry.panels.forEach(function (panel, i) {
          if (panel.getAttribute("data-tab") === wanted) {
            show(entry, i);
            if (!opened) { opened = true; entry.tabs[i].scrollIntoView({ block: "nearest" }); }
          }
        });
      });
    }
    openFromAddress();
    window.addEventListener("hashchange", openFromAddress);
  }

  /* The text functions, for tests and other scripts: they must cut text as the index does. */
  self.runbookSearch = { normalize: normalize, pieces: pieces, pairs: pairs, search: search };

  function start() {
    foldContentsOnSmallScreens();
    var form = document.getElementById("search");
    if (form) setUpSearch(form);
    setUpLanguageLinks();
    setUpTabs();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

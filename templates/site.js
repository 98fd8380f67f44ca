/* runbook's site script: search over the locale's index, language links that keep the
   reader's place, and run mode (work through a procedure, keep and export its record). Pages
   read and navigate without it; it only adds. A classic script (no module, no fetch, no
   WebAssembly), so it works from file:// as from any static host. */
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

  function union(into, ids) {
    for (var i = 0; i < ids.length; i++) into.add(ids[i]);
    return into;
  }

  function intersect(a, b) {
    var result = new Set();
    a.forEach(function (id) { if (b.has(id)) result.add(id); });
    return result;
  }

  /* Digits of the index's number strings: below 32 a digit ends a number, from 32 it continues
     it, five bits each, lowest first (`push_number` in src/render/search/shards.rs). */
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  /* About how many bytes a section part holds (SECTION_PART_BYTES in shards.rs). */
  var SECTION_PART_BYTES = 4096;

  function numbers(text) {
    var found = [];
    var value = 0;
    var scale = 1;
    for (var i = 0; i < (text || "").length; i++) {
      var digit = DIGITS.indexOf(text[i]);
      if (digit >= 32) {
        value += (digit - 32) * scale;
        scale *= 32;
      } else {
        found.push(value + digit * scale);
        value = 0;
        scale = 1;
      }
    }
    return found;
  }

  /* A postings string as [[section, number, ...], ...], each section with `width` numbers of
     its own. */
  function postings(text, width) {
    var all = numbers(text);
    var found = [];
    var section = -1;
    for (var i = 0; i < all.length; i += 1 + width) {
      section += all[i] + 1;
      found.push([section].concat(all.slice(i + 1, i + 1 + width)));
    }
    return found;
  }

  /* The sections of a postings string whose sections have `width` numbers each. */
  function ids(text, width) {
    return postings(text, width).map(function (posting) { return posting[0]; });
  }

  /* A count code: [in the title, in the text, the top of its page] (`code` in shards.rs). */
  function counts(code) {
    var rest = Math.floor(code / 2);
    return [Math.floor(rest / 13), rest % 13, code % 2 === 1];
  }

  /* Where in `sorted` (ascending) the last item not after `key` is, or -1. */
  function lastNotAfter(sorted, key) {
    var low = 0;
    var high = sorted.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (sorted[middle] <= key) low = middle + 1; else high = middle;
    }
    return low - 1;
  }

  /* One locale's index, read part by part (src/render/search/shards.rs): `table` lists the
     parts, `load(name)` promises a part's value. Parts once read are kept. */
  function Index(lang, table, load) {
    this.lang = lang;
    this.table = table;
    /* The first section of each section part. */
    var first = 0;
    this.sectionStarts = numbers(table.s).map(function (gap) { return (first += gap); });
    this.load = load;
    this.parts = {};
    this.loading = {};
    /* What reading a section part is taken to cost, against reading positions. */
    this.sectionPartBytes = SECTION_PART_BYTES;
  }

  /* Promises the parts named; a part that failed to load is asked for again next time. */
  Index.prototype.read = function (names) {
    var index = this;
    return Promise.all(names.map(function (name) {
      if (own(index.parts, name)) return index.parts[name];
      if (!own(index.loading, name)) {
        index.loading[name] = index.load(index.lang + "/" + name).then(function (value) {
          index.parts[name] = value;
          return value;
        }, function (error) {
          delete index.loading[name];
          throw error;
        });
      }
      return index.loading[name];
    }));
  };

  /* The parts of `kind` ("t" or "x") holding `keys`. */
  Index.prototype.partsOf = function (kind, keys) {
    var firsts = this.table[kind];
    var names = new Set();
    keys.forEach(function (key) {
      var at = lastNotAfter(firsts, key);
      if (at >= 0) names.add(kind + at);
    });
    return Array.from(names);
  };

  /* The term parts that may hold a key starting with `prefix`. */
  Index.prototype.partsFrom = function (prefix) {
    var firsts = this.table.t;
    var names = [];
    var at = Math.max(lastNotAfter(firsts, prefix), 0);
    for (; at < firsts.length; at++) {
      if (names.length && !firsts[at].startsWith(prefix)) break;
      names.push("t" + at);
    }
    return names;
  };

  /* The entry of `key` in its (loaded) part of `kind`. */
  Index.prototype.entry = function (key, kind) {
    var at = lastNotAfter(this.table[kind || "t"], key);
    var part = at >= 0 ? this.parts[(kind || "t") + at] : undefined;
    return part ? own(part, key) : undefined;
  };

  /* The keys of the loaded term parts that start with `prefix`. */
  Index.prototype.keysFrom = function (prefix) {
    var index = this;
    var found = [];
    this.partsFrom(prefix).forEach(function (name) {
      Object.keys(index.parts[name] || {}).forEach(function (key) {
        if (key.startsWith(prefix)) found.push(key);
      });
    });
    return found;
  };

  Index.prototype.readKeys = function (keys) {
    return this.read(this.partsOf("t", keys));
  };

  /* Promises the sections `ids` as [page, anchor, title, text], each page as [url, title,
     lang]. */
  Index.prototype.sections = function (sectionIds) {
    var firsts = this.sectionStarts;
    var index = this;
    var names = new Set();
    sectionIds.forEach(function (id) { names.add("s" + lastNotAfter(firsts, id)); });
    return this.read(Array.from(names)).then(function () {
      return sectionIds.map(function (id) {
        var at = lastNotAfter(firsts, id);
        var part = index.parts["s" + at];
        var section = part.s[id - firsts[at]];
        return { section: section, page: part.p[section[0]] };
      });
    });
  };

  /* The sections holding stem `key` (its entry and, where it says `d`, its words' loaded). */
  function stemSections(index, key) {
    var entry = index.entry(key);
    if (!entry.d) return ids(entry.t, 0);
    var found = new Set();
    [key].concat(entry.v || []).forEach(function (word) {
      union(found, ids((index.entry(word) || {}).w, 1));
    });
    return Array.from(found);
  }

  /* Whether `key` is a stem of the index (not a pair of unspaced characters). */
  function isStem(index, key) {
    var entry = index.entry(key);
    return Boolean(entry && (entry.t || entry.d)) && !UNSPACED.test(key);
  }

  /* Sections holding a word as typed so far: every stem that is, or has a word of the text that
     is, an extension of it (one letter must match a whole word); and the longest stem the typed
     word extends, which stands in for stemming it ("escalated" finds the stem "escal" of
     "escalate"). Returns the sections and the whole words to highlight. */
  async function lookUpWord(index, typed) {
    var shorter = [];
    for (var length = 3; length <= typed.length; length++) shorter.push(typed.slice(0, length));
    await Promise.all([
      index.read(typed.length > 1 ? index.partsFrom(typed) : index.partsOf("t", [typed])),
      index.readKeys(shorter),
    ]);
    var stems = new Set();
    (typed.length > 1 ? index.keysFrom(typed) : [typed]).forEach(function (key) {
      var entry = index.entry(key);
      if (isStem(index, key)) stems.add(key);
      if (entry && entry.s) stems.add(entry.s);
    });
    var longestStem = "";
    shorter.forEach(function (stem) {
      if (isStem(index, stem) && stem.length > longestStem.length) longestStem = stem;
    });
    if (longestStem) stems.add(longestStem);
    await index.readKeys(Array.from(stems));
    /* A stem marked `d` holds the sections of its words as written. */
    var written = [];
    stems.forEach(function (stem) {
      if (index.entry(stem).d) written.push.apply(written, index.entry(stem).v || []);
    });
    await index.readKeys(written);
    var sections = new Set();
    var words = new Set();
    stems.forEach(function (stem) {
      union(sections, stemSections(index, stem));
      var entry = index.entry(stem);
      words.add(stem);
      (entry.v || []).forEach(function (word) { words.add(word); });
    });
    return { sections: sections, words: words };
  }

  /* The runs of `width` characters of `chars`, overlapping. */
  function grams(chars, width) {
    var found = [];
    for (var i = 0; i + width <= chars.length; i++) found.push(chars.slice(i, i + width).join(""));
    return found;
  }

  /* Sections that may hold an unspaced run: for one to three characters, exactly those that hold
     it; for more, those holding each of its runs of three (ranking keeps those that hold the
     run itself). */
  async function lookUpRun(index, run) {
    var chars = Array.from(run);
    var keys = chars.length <= 3 ? [run] : grams(chars, 3);
    await index.readKeys(keys);
    var result = null;
    keys.forEach(function (key) {
      var entry = index.entry(key) || {};
      var sections = new Set(ids(chars.length === 1 ? entry.c : entry.r, 1));
      result = result === null ? sections : intersect(result, sections);
    });
    return result;
  }

  /* Adds the counts of a postings string with codes to the candidates' scores, `times` each. */
  function addCounts(scores, text, times) {
    postings(text, 1).forEach(function (posting) {
      var score = scores.get(posting[0]);
      if (!score) return;
      var found = counts(posting[1]);
      score.title += found[0] * times * 10;
      score.text += found[1] * times;
      if (found[2]) score.top = true;
    });
  }

  /* Where a run of four or more unspaced characters stands in each candidate, from the
     positions of its runs of three: adds its (not overlapping) occurrences to the scores and
     drops the candidates without one. Sections whose positions do not stand for their text,
     and all candidates when their text costs less to read than the positions, are left to
     their text (`byText`). */
  async function placeRun(index, run, scores, byText) {
    var chars = Array.from(run);
    var keys = grams(chars, 3);
    var positionBytes = keys.reduce(function (sum, key) { return sum + ((index.entry(key) || {}).n || 0); }, 0);
    var parts = new Set();
    scores.forEach(function (score, id) {
      if (!byText.has(id)) parts.add(lastNotAfter(index.sectionStarts, id));
    });
    if (parts.size * index.sectionPartBytes <= positionBytes) {
      scores.forEach(function (score, id) { byText.add(id); });
      return;
    }
    await index.read(index.partsOf("x", keys));
    /* UTF-16 offset of each run of three in the run. */
    var offsets = [];
    var at = 0;
    chars.forEach(function (c, i) { if (i < keys.length) offsets.push(at); at += c.length; });
    var places = keys.map(function (key) {
      var bySection = new Map();
      var all = numbers(index.entry(key, "x"));
      var i = 0;
      /* `count` positions, written as gaps. */
      function positions(count) {
        var found = [];
        for (var at = 0; count > 0; count--) found.push(at += all[i++]);
        return found;
      }
      for (var section = -1; i < all.length;) {
        section += all[i++] + 1;
        var head = all[i++];
        if (head === 0) {
          bySection.set(section, null);
          continue;
        }
        var title = positions(Math.floor(head / 2) - 1);
        bySection.set(section, { title: title, text: positions(all[i++]), top: head % 2 === 1 });
      }
      return bySection;
    });
    scores.forEach(function (score, id) {
      if (byText.has(id)) return;
      var mine = places.map(function (place) { return place.get(id); });
      if (mine.some(function (place) { return !place; })) {
        byText.add(id);
        return;
      }
      /* The run's occurrences in the title or text, not overlapping: where its first run of
         three stands with the others at their offsets. */
      function count(where) {
        var others = mine.map(function (place) { return new Set(place[where]); });
        var next = 0;
        var found = 0;
        mine[0][where].forEach(function (start) {
          if (start >= next && others.every(function (set, i) { return set.has(start + offsets[i]); })) {
            found += 1;
            next = start + run.length;
          }
        });
        return found;
      }
      var found = { title: count("title"), text: count("text") };
      if (found.title + found.text === 0) {
        scores.delete(id);
        return;
      }
      score.title += found.title * 2 * 10;
      score.text += found.text * 2;
      if (mine[0].top) score.top = true;
    });
  }

  /* The query `text` asks (its words, prefixes and unspaced runs) and every section matching
     all of them, best first (each result's `id`); null when it asks nothing. Ranked from the
     counts in the index; a section whose text normalizes irregularly is ranked from its text. */
  async function search(index, text) {
    var query = { words: new Set(), prefixes: [], runs: [] };
    var asked = pieces(normalize(text));
    if (!asked.length) return null;
    var found = await Promise.all(asked.map(function (piece) {
      return piece.kind === "word" ? lookUpWord(index, piece.text) : lookUpRun(index, piece.text);
    }));
    var candidates = null;
    asked.forEach(function (piece, i) {
      var sections;
      if (piece.kind === "word") {
        found[i].words.forEach(function (word) { query.words.add(word); });
        query.prefixes.push(piece.text);
        sections = found[i].sections;
      } else {
        query.runs.push(piece.text);
        sections = found[i];
      }
      candidates = candidates === null ? sections : intersect(candidates, sections);
    });
    if (!candidates.size) return { query: query, results: [] };
    var scores = new Map();
    candidates.forEach(function (id) { scores.set(id, { title: 0, text: 0, top: false }); });
    /* Words: every word of the text the query hits, as site.js marks them (`matches`). */
    await Promise.all(query.prefixes.map(function (prefix) { return index.read(index.partsFrom(prefix)); })
      .concat([index.readKeys(Array.from(query.words))]));
    var hit = new Set(query.words);
    query.prefixes.forEach(function (prefix) { index.keysFrom(prefix).forEach(function (key) { hit.add(key); }); });
    hit.forEach(function (word) {
      var entry = index.entry(word);
      if (entry && entry.w) addCounts(scores, entry.w, query.prefixes.indexOf(word) >= 0 ? 2 : 1);
    });
    /* Runs: up to three characters from their counts, longer ones from where their runs of
       three stand, or from the text. */
    var byText = new Set();
    for (var r = 0; r < query.runs.length; r++) {
      var run = query.runs[r];
      var length = Array.from(run).length;
      if (length >= 4) {
        await placeRun(index, run, scores, byText);
      } else {
        var entry = index.entry(run) || {};
        addCounts(scores, length === 1 ? entry.c : entry.r, 2);
      }
    }
    if (byText.size) {
      var textIds = Array.from(byText);
      var texts = await index.sections(textIds);
      texts.forEach(function (item, i) {
        var id = textIds[i];
        var section = item.section;
        var folded = normalize(section[2] + " " + section[3]);
        if (!query.runs.every(function (run) { return folded.indexOf(run) >= 0; })) {
          scores.delete(id);
          return;
        }
        var inTitle = weigh(matches(section[2], query), 10);
        scores.set(id, { title: inTitle, text: weigh(matches(section[3], query), 1), top: section[1] === "" });
      });
    }
    var results = [];
    scores.forEach(function (score, id) {
      var pageTitle = score.title > 0 && score.top ? 10 : 0;
      results.push({ id: id, score: score.title + pageTitle + Math.min(score.text, 12) });
    });
    results.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    return { query: query, results: results };
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

    var indexUrl = form.getAttribute("data-index");
    var index = null;

    /* Promises a part of the index: a script that adds it to `runbookSearchIndex`. */
    function loadPart(name) {
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = indexUrl.replace(/[^/]*$/, "") + name + ".js";
        script.onload = function () {
          script.remove();
          var value = own(self.runbookSearchIndex || {}, name);
          if (value) resolve(value); else reject(new Error("no part " + name));
        };
        script.onerror = function () {
          script.remove();
          reject(new Error("cannot load " + script.src));
        };
        document.head.appendChild(script);
      });
    }

    /* Loads the table of the index's parts; after a failure, the next keystroke or focus tries
       again. */
    function load() {
      if (state === "loading" || state === "ready") return;
      state = "loading";
      loadPart(lang).then(function (table) {
        index = new Index(lang, table, loadPart);
        state = "ready";
        show();
      }, function () {
        state = "failed";
        show();
      });
    }

    /* Says that search is unavailable, in the results and to screen readers. */
    function showUnavailable() {
      shown = null;
      var message = document.createElement("li");
      message.className = "no-results";
      message.textContent = form.getAttribute("data-unavailable");
      list.textContent = "";
      list.appendChild(message);
      list.hidden = false;
      status.textContent = message.textContent;
    }

    /* The query the results show, so that showing them again changes nothing (and keeps the
       reader's focus on a result). */
    var shown = null;

    /* The latest search asked for: an earlier one that ends later is not shown. */
    var asked = 0;

    /* Searches for what the input holds and shows the results; promises they are shown. */
    function show() {
      /* Results show only while the search has focus (a late timer must not reopen them). */
      if (!form.contains(document.activeElement)) {
        list.hidden = true;
        return Promise.resolve();
      }
      var text = input.value.trim();
      /* A failed index stays reported until a new attempt succeeds (a late timer must not
         clear the message). */
      if (state === "failed" && text) {
        showUnavailable();
        return Promise.resolve();
      }
      var query = index ? text : null;
      if (query === shown && query) {
        list.hidden = false;
        return Promise.resolve();
      }
      var ask = ++asked;
      if (!text || !index) {
        shown = query;
        list.textContent = "";
        list.hidden = true;
        status.textContent = "";
        return Promise.resolve();
      }
      var found;
      return search(index, text).then(function (result) {
        found = result;
        return index.sections(found.results.slice(0, MAX_RESULTS).map(function (result) { return result.id; }));
      }).then(function (sections) {
        if (ask !== asked) return;
        if (!form.contains(document.activeElement)) {
          list.hidden = true;
          return;
        }
        shown = query;
        render(found, sections);
      }, function () {
        /* A part that did not load: said so; the next search asks for it again. */
        if (ask === asked) showUnavailable();
      });
    }

    /* Shows `found` (a search's results), the first of them as `sections`. */
    function render(found, sections) {
      list.textContent = "";
      var results = found.results;
      status.textContent = results.length
        ? form.getAttribute("data-results").replace("{n}", String(results.length))
        : form.getAttribute("data-no-results");
      sections.forEach(function (item) {
        var section = item.section;
        var page = item.page;
        var li = document.createElement("li");
        /* A page shown in another language (untranslated) says so, for screen readers. */
        if (page[2]) li.lang = page[2];
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
        li.appendChild(link);
        list.appendChild(li);
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
      show().then(function () {
        var first = links()[0];
        if (first) first.click();
      });
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

  /* A language link keeps the reader's place: the same step or heading, where it has one. The
     language followed is remembered for the root page's choice. */
  function setUpLanguageLinks() {
    document.querySelectorAll(".languages a[hreflang]").forEach(function (link) {
      var page = link.getAttribute("href").split("#")[0];
      link.addEventListener("click", function () {
        link.setAttribute("href", page + location.hash);
        rememberLanguage(link.getAttribute("hreflang"));
      });
    });
  }

  /* The root page's choice of language. With this script the page goes on to the language the
     reader chose last (a language link followed anywhere on the site), else to the first of the
     browser's languages the site has: the same tag, or the same language (`ja-JP` finds `ja`,
     `en` finds `en-GB`). Never in a loop: it goes on once per visit (sessionStorage), replacing
     itself in the history so that Back leaves the site, and `#choose` in the address shows the
     list. Without the script, or with no language in common, the page is the list. */
  var LANGUAGE_KEY = "runbook.language";
  var LANGUAGE_CHOSEN_KEY = "runbook.language-chosen";
  function rememberLanguage(lang) {
    if (lang) store().set(LANGUAGE_KEY, lang);
  }
  function preferredLink(links, wanted) {
    var tags = Object.keys(links);
    for (var i = 0; i < wanted.length; i++) {
      var tag = String(wanted[i] || "").toLowerCase();
      if (!tag) continue;
      for (var j = 0; j < tags.length; j++) {
        if (tags[j].toLowerCase() === tag) return links[tags[j]];
      }
      var language = tag.split("-")[0];
      for (var k = 0; k < tags.length; k++) {
        if (tags[k].toLowerCase().split("-")[0] === language) return links[tags[k]];
      }
    }
    return null;
  }
  function setUpLanguageChoice(choice) {
    var links = Object.create(null);
    choice.querySelectorAll("a[hreflang]").forEach(function (link) {
      links[link.getAttribute("hreflang")] = link;
      link.addEventListener("click", function () { rememberLanguage(link.getAttribute("hreflang")); });
    });
    if (location.hash === "#choose") return;
    var session = null;
    try {
      session = window.sessionStorage;
      if (session.getItem(LANGUAGE_CHOSEN_KEY)) return;
    } catch (e) {
      return; /* no way to tell a second visit from a first: the list */
    }
    var wanted = [store().get(LANGUAGE_KEY)].concat(navigator.languages || [navigator.language]);
    var link = preferredLink(links, wanted);
    if (!link) return;
    try {
      session.setItem(LANGUAGE_CHOSEN_KEY, "1");
    } catch (e) {
      return;
    }
    location.replace(link.href);
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

  /* The sidebar's table of contents. A page carries its own branch of it (what shows without
     this script); the locale's toc.js holds the whole table, which replaces the branch here:
     every entry with entries under it gets a fold button, and only the current page's branch
     starts unfolded. */
  function unfoldContents() {
    var branch = document.querySelector(".sidebar ul.toc[data-current]");
    var table = self.runbookToc;
    if (!branch || !Array.isArray(table)) return;
    var root = branch.getAttribute("data-root") || "";
    var current = branch.getAttribute("data-current");
    var toggle = branch.getAttribute("data-toggle") || "{title}";
    function build(entries) {
      var list = document.createElement("ul");
      var holdsCurrent = false;
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        var label;
        var isCurrent = false;
        if (entry.h) {
          label = document.createElement("a");
          label.href = entry.x ? entry.h : root + entry.h;
          isCurrent = !entry.x && entry.h === current;
          if (isCurrent) label.setAttribute("aria-current", "page");
        } else {
          label = document.createElement("span");
          label.className = "toc-group";
        }
        if (entry.l) label.lang = entry.l;
        label.textContent = entry.t;
        if (Array.isArray(entry.c) && entry.c.length) {
          var under = build(entry.c);
          var open = isCurrent || under.holdsCurrent;
          var button = document.createElement("button");
          button.type = "button";
          button.className = "toc-toggle";
          button.setAttribute("aria-label", toggle.split("{title}").join(entry.t));
          button.setAttribute("aria-expanded", String(open));
          under.list.hidden = !open;
          item.className = "toc-branch";
          item.appendChild(button);
          item.appendChild(label);
          item.appendChild(under.list);
          holdsCurrent = holdsCurrent || open;
        } else {
          item.appendChild(label);
          holdsCurrent = holdsCurrent || isCurrent;
        }
        list.appendChild(item);
      });
      return { list: list, holdsCurrent: holdsCurrent };
    }
    var whole = build(table).list;
    whole.className = "toc";
    whole.addEventListener("click", function (event) {
      var target = event.target;
      /* A group's name folds and unfolds it as its button does. */
      if (target.classList.contains("toc-group") && target.parentNode.classList.contains("toc-branch")) {
        target = target.parentNode.querySelector(":scope > .toc-toggle");
      }
      if (!target.classList.contains("toc-toggle")) return;
      var open = target.getAttribute("aria-expanded") !== "true";
      target.setAttribute("aria-expanded", String(open));
      target.parentNode.querySelector(":scope > ul").hidden = !open;
    });
    branch.parentNode.replaceChild(whole, branch);
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

  /* Run mode: a reader works through a procedure on its page, the run is kept in this browser
     (localStorage, never sent anywhere) and exported as Markdown, JSON or print. The record and
     the Markdown follow the contract `runbook record` reads and renders. Every visible string
     comes from the page: the panel's data-strings, its form labels and the steps. */
  var RUN_KEY = "runbook.run.";
  var ACTIVE_KEY = "runbook.active.";
  var RECORD_ORDER = ["runbook-run", "id", "procedure", "title", "locale", "version", "step-versions",
    "fields", "started", "finished", "path"];
  /* Unicode White_Space (Rust's `char::is_whitespace`), for esc() and trim() to cut as the
     Rust side does. */
  var WHITE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var WHITE_NEWLINE = new RegExp(WHITE + "*\\n" + WHITE + "*", "g");
  var WHITE_ENDS = new RegExp("^" + WHITE + "+|" + WHITE + "+$", "g");

  function trim(text) {
    return String(text).replace(WHITE_ENDS, "");
  }

  /* Text made literal in a Markdown line, as `runbook record` writes it: line breaks folded
     into a space and the ends trimmed; a backslash before each character that could start
     inline markup, and before a first character that could start a block (`#`, `+`, `-`, `=`,
     or the `.`/`)` after a leading number). */
  function esc(text) {
    return trim(String(text).replace(WHITE_NEWLINE, " "))
      .replace(/[\\`*_\[\]<>~&|]/g, "\\$&")
      .replace(/^[#+\-=]/, "\\$&")
      .replace(/^([0-9]+)([.)])/, "$1\\$2");
  }

  /* `{key}` placeholders of a UI string filled by plain replacement, in the order given. */
  function fill(template, values) {
    var text = template || "";
    Object.keys(values).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  function readStrings(element) {
    try {
      return JSON.parse(element.getAttribute("data-strings")) || {};
    } catch (e) {
      return {};
    }
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* Now as local time with its offset: 2026-12-02T14:00:00+09:00. */
  function localNow() {
    var d = new Date();
    var offset = -d.getTimezoneOffset();
    var sign = offset < 0 ? "-" : "+";
    offset = Math.abs(offset);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }

  /* Times shown and exported, cut from the record's own strings (no time zone arithmetic). */
  function dateTime(at) {
    return at.slice(0, 10) + " " + at.slice(11, 16);
  }
  function clock(at) {
    return at.slice(11, 16);
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function button(className, text) {
    var b = element("button", className, text);
    b.type = "button";
    return b;
  }

  /* Where runs are kept: localStorage, or this page's memory for what the browser refuses to
     write (private mode, storage full: `failed` tells the reader so; what is kept is still
     read). Made on first use, so pages without run mode never touch storage. */
  var storage = null;
  function store() {
    if (!storage) storage = makeStore();
    return storage;
  }
  function makeStore() {
    var memory = Object.create(null);
    var local = null;
    var failed = false;
    try {
      local = window.localStorage;
    } catch (e) {
      local = null;
    }
    try {
      local.setItem("runbook.probe", "1");
      local.removeItem("runbook.probe");
    } catch (e) {
      failed = true;
    }
    return {
      failed: function () { return failed; },
      get: function (key) {
        if (key in memory) return memory[key];
        try { return local ? local.getItem(key) : null; } catch (e) { return null; }
      },
      set: function (key, value) {
        if (local) {
          try {
            local.setItem(key, value);
            delete memory[key];
            return;
          } catch (e) {
            failed = true;
          }
        }
        memory[key] = value;
      },
      remove: function (key) {
        delete memory[key];
        try { if (local) local.removeItem(key); } catch (e) { /* nothing kept to remove */ }
      },
      keys: function () {
        var keys = Object.keys(memory);
        try {
          for (var i = 0; local && i < local.length; i++) {
            var key = local.key(i);
            if (keys.indexOf(key) < 0) keys.push(key);
          }
        } catch (e) { /* memory only */ }
        return keys;
      }
    };
  }

  function isObject(value) {
    return !!value && typeof value === "object" && !Array.isArray(value);
  }
  function isString(value) {
    return typeof value === "string";
  }
  function isOptional(value, test) {
    return value === undefined || test(value);
  }
  /* A value the format lets be left out or null (`record check` reads null as absent). */
  function isNullable(value, test) {
    return value === null || isOptional(value, test);
  }
  /* An object whose values are all strings. */
  function isStringMap(value) {
    return isObject(value) && Object.keys(value).every(function (key) { return isString(value[key]); });
  }
  /* A procedure id safe to make a link of: a path below the site's language folder. */
  function isProcedureId(id) {
    return isString(id) && id !== "" && id.charAt(0) !== "/" && !/[:\\]|\.\./.test(id);
  }

  function isEntry(entry) {
    return isObject(entry) && isString(entry.step) && isString(entry.at) &&
      isNullable(entry.answer, function (a) { return typeof a === "number" && a >= 0 && Math.floor(a) === a; }) &&
      isOptional(entry.categories, function (c) { return Array.isArray(c) && c.every(isString); }) &&
      isNullable(entry.request, isString) && isNullable(entry.note, isString);
  }

  /* A kept run, or null when it is not one this script can read (left alone): every field it
     uses of the type the format says. */
  function parseRun(text, key) {
    var run;
    try {
      run = JSON.parse(text);
    } catch (e) {
      return null;
    }
    if (!isObject(run)) return null;
    /* What the format lets a record leave out. */
    if (run.fields === undefined) run.fields = {};
    if (run.path === undefined) run.path = [];
    var ok = run["runbook-run"] === 1 && isString(run.id) && isProcedureId(run.procedure) &&
      isString(run.version) && isString(run.started) && isNullable(run.finished, isString) &&
      isNullable(run.title, isString) && isOptional(run.locale, isString) &&
      isOptional(run["step-versions"], isStringMap) && isStringMap(run.fields) &&
      Array.isArray(run.path) && run.path.every(isEntry) && (!key || key === RUN_KEY + run.id);
    return ok ? run : null;
  }

  /* When a run was last worked on. */
  function lastActivity(run) {
    var at = run.finished || (run.path.length ? run.path[run.path.length - 1].at : run.started);
    return Date.parse(at);
  }

  /* Every readable kept run, last worked on first; `unreadable` when some could not be read. */
  function keptRuns() {
    var runs = [];
    var unreadable = false;
    store().keys().forEach(function (key) {
      if (key.indexOf(RUN_KEY) !== 0) return;
      var run = parseRun(store().get(key), key);
      if (run) runs.push(run);
      else unreadable = true;
    });
    runs.sort(function (a, b) {
      return (lastActivity(b) || 0) - (lastActivity(a) || 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    });
    return { runs: runs, unreadable: unreadable };
  }

  /* A path entry with its keys in the contract's order, empty ones left out. */
  function canonicalEntry(entry) {
    var out = { step: entry.step, at: entry.at };
    if (typeof entry.answer === "number") out.answer = entry.answer;
    if (Array.isArray(entry.categories) && entry.categories.length) out.categories = entry.categories.slice();
    if (entry.request) out.request = entry.request;
    if (entry.note) out.note = entry.note;
    return out;
  }

  /* A record with its keys in the contract's order (keys it does not know kept after them). */
  function canonical(run) {
    var out = {};
    RECORD_ORDER.forEach(function (key) {
      if (run[key] === undefined) return;
      out[key] = key === "path" ? run.path.map(canonicalEntry) : run[key];
    });
    Object.keys(run).forEach(function (key) {
      if (RECORD_ORDER.indexOf(key) < 0) out[key] = run[key];
    });
    return out;
  }

  /* The procedure on this page as the run reads it: its steps in document order with their
     flow, titles, answers and categories. */
  function readProcedure(article) {
    var steps = [];
    var byId = Object.create(null);
    var h1 = article ? article.querySelector("h1") : null;
    var lis = article ? article.querySelectorAll("ol.steps > li.step") : [];
    /* A procedure read from a page's list is named by its section, not the page's h1. */
    var named = article ? article.getAttribute("data-title") : null;
    Array.prototype.forEach.call(lis, function (li, i) {
      var kind = li.classList.contains("decision") ? "decision"
        : li.classList.contains("escalation") ? "escalation" : "action";
      var heading = li.querySelector("h3");
      var title = "";
      if (heading) {
        heading.childNodes.forEach(function (node) {
          if (node.nodeType === 1 && node.classList.contains("step-number")) return;
          title += node.textContent;
        });
      }
      var step = {
        id: li.id,
        li: li,
        heading: heading,
        number: i + 1,
        kind: kind,
        title: trim(title),
        next: li.getAttribute("data-next") || "",
        version: li.getAttribute("data-version"),
        branches: Array.prototype.map.call(li.querySelectorAll(".branches > li"), function (branch) {
          var strong = branch.querySelector("strong");
          return {
            next: branch.getAttribute("data-next") || "",
            label: trim(strong ? strong.textContent : branch.textContent),
            link: branch.querySelector("a[href]")
          };
        }),
        categories: Array.prototype.map.call(li.querySelectorAll(".escalation li[data-category]"), function (c) {
          return { id: c.getAttribute("data-category"), title: trim(c.textContent) };
        }),
        link: li.querySelector(".then a[href]")
      };
      steps.push(step);
      if (step.id) byId[step.id] = step;
    });
    /* Every category the page names, for one ticked that its step no longer lists. */
    var categories = Object.create(null);
    steps.forEach(function (step) {
      step.categories.forEach(function (c) { categories[c.id] = c; });
    });
    return {
      categories: categories,
      id: article ? article.getAttribute("data-procedure") : "",
      version: article ? article.getAttribute("data-version") : "",
      title: named !== null ? named : h1 ? trim(h1.textContent) : "",
      steps: steps,
      byId: byId
    };
  }

  /* The label a record field has in this page's form (its own text), else its key. */
  function fieldLabel(key) {
    var input = document.querySelector("form.run-fields [name=\"" + key.replace(/["\\]/g, "\\$&") + "\"]");
    var label = input ? input.closest("label") : null;
    if (!label) return key;
    var text = "";
    label.childNodes.forEach(function (node) {
      if (node.nodeType === 3) text += node.textContent;
      else if (node.nodeType === 1 && !node.matches("input, textarea, select")) text += node.textContent;
    });
    return trim(text) || key;
  }

  /* The record's fields with a value, as [label, value, known]: the form's fields in its order
     (known, labelled as the form labels them), then any other the record holds, by key (as
     `runbook record` lists them); on a page without the form (the home page), in the record's
     own order, which was its form's. */
  function filledFields(run) {
    var form = document.querySelector("form.run-fields");
    var named = form ? Array.prototype.filter.call(form.elements, function (input) {
      return input.name && input.matches("input, textarea, select");
    }).map(function (input) { return input.name; }) : [];
    var keys = named.filter(function (key) { return Object.prototype.hasOwnProperty.call(run.fields, key); });
    var others = Object.keys(run.fields);
    if (form) others.sort();
    others.forEach(function (key) {
      if (named.indexOf(key) < 0) keys.push(key);
    });
    return keys.filter(function (key) {
      return typeof run.fields[key] === "string" && trim(run.fields[key]) !== "";
    }).map(function (key) {
      var known = named.indexOf(key) >= 0;
      return [known ? fieldLabel(key) : key, run.fields[key], known];
    });
  }

  /* Whole minutes from start to finish, rounded half up; null when a time cannot be read. */
  function elapsedMinutes(run) {
    var ms = Date.parse(run.finished) - Date.parse(run.started);
    return isNaN(ms) ? null : Math.round(ms / 60000);
  }

  /* The run's path followed through this page's flow from the first step, as `runbook record
     check` follows it: each entry must be the step the one before leads to (a decision: by its
     answer), and nothing may follow the run's end. Returns { current: the step due next, null
     at the end (the flow ends there, or leads to a step this page does not have) or when the
     path breaks; ended; broken: the index of the first entry off the flow, else -1; last: the
     last entry's step }. */
  function followPath(run, page) {
    var due = page.steps.length ? page.steps[0].id : "";
    var step = null;
    for (var i = 0; i < run.path.length; i++) {
      step = page.byId[run.path[i].step];
      if (!step || !due || step.id !== due) return { current: null, ended: false, broken: i, last: null };
      due = step.kind === "decision"
        ? (step.branches[run.path[i].answer] || { next: "" }).next
        : step.next;
    }
    var current = (due && page.byId[due]) || null;
    return { current: current, ended: !current, broken: -1, last: step };
  }

  /* Whether the run may finish: its path whole and at its end, or just past an escalation. */
  function canFinish(run, page) {
    if (run.finished) return false;
    var flow = followPath(run, page);
    return flow.broken < 0 && (flow.ended || (!!flow.last && flow.last.kind === "escalation"));
  }

  /* What one path entry says, as the record's text pieces (shared by the page and Markdown):
     { number, title, time, answer, categories: [titles], request, noteLines }; null for a step
     this page does not have (left out, as `runbook record` leaves it out). */
  function describeEntry(entry, page) {
    var step = page.byId[entry.step];
    if (!step) return null;
    var branch = typeof entry.answer === "number" ? step.branches[entry.answer] : null;
    return {
      number: String(step.number),
      title: step.title,
      time: clock(entry.at),
      answer: branch ? branch.label : null,
      categories: (entry.categories || []).map(function (id) {
        var category = step.categories.filter(function (c) { return c.id === id; })[0] ||
          page.categories[id];
        return category ? category.title : id;
      }),
      request: typeof entry.request === "string" && trim(entry.request) !== "" ? entry.request : "",
      noteLines: String(entry.note || "").split("\n").map(trim).filter(function (line) { return line !== ""; })
    };
  }

  /* The run as Markdown, byte for byte what `runbook record render --format md` writes, with
     the text of this page (its strings, title, labels, step titles, answers and categories). */
  function runMarkdown(run, strings, article) {
    var S = strings || readStrings(document.querySelector("[data-strings]") || document.documentElement);
    var page = readProcedure(article || document.querySelector(".procedure[data-procedure]"));
    function s(key) { return S[key] || ""; }
    var lines = ["# " + fill(s("run-record-title"), { title: esc(page.title || run.title || "") }), ""];
    /* The form's labels are the project's own words; a key only the record knows is typed text. */
    filledFields(run).forEach(function (field) {
      lines.push("- " + (field[2] ? field[0] : esc(field[0])) + ": " + esc(field[1]));
    });
    lines.push("- " + s("run-started") + ": " + dateTime(run.started));
    if (run.finished) {
      lines.push("- " + s("run-finished") + ": " + dateTime(run.finished));
      var minutes = elapsedMinutes(run);
      if (minutes !== null) lines.push("- " + s("run-elapsed") + ": " + fill(s("run-minutes"), { n: minutes }));
    }
    lines.push("- " + s("version") + ": " + run.version, "", "## " + s("run-path"), "");
    run.path.forEach(function (entry, i) {
      var d = describeEntry(entry, page);
      if (!d) return;
      lines.push((i + 1) + ". ✓ " + s("step") + " " + d.number + ". " + esc(d.title) + " (" + d.time + ")");
      if (d.answer !== null) lines.push("   - " + fill(s("run-answer"), { answer: esc(d.answer) }));
      if (d.categories.length) {
        lines.push("   - " + s("run-categories") + ": " + d.categories.map(esc).join(s("list-separator")));
      }
      if (d.request) lines.push("   - " + s("run-request") + ": " + esc(d.request));
      if (d.noteLines.length) lines.push("   - " + s("run-note") + ": " + d.noteLines.map(esc).join("\n     "));
    });
    return lines.join("\n") + "\n";
  }

  /* How long ago a run was last worked on, in the largest whole unit. */
  function age(run, S) {
    var then = lastActivity(run);
    if (isNaN(then)) return "";
    var minutes = Math.max(0, Math.floor((Date.now() - then) / 60000));
    if (minutes < 60) return fill(S["run-age-minutes"], { n: minutes });
    if (minutes < 24 * 60) return fill(S["run-age-hours"], { n: Math.floor(minutes / 60) });
    return fill(S["run-age-days"], { n: Math.floor(minutes / (24 * 60)) });
  }

  /* One kept run in a list: what it records, its age and state, and its buttons (Resume is a
     link on the home page), each named with the run it acts on. */
  function runItem(run, S, home) {
    var item = element("li", "run-item");
    item.setAttribute("data-run", run.id);
    var about = element("p", "run-item-about");
    var name = [];
    if (home) {
      name.push(run.title || run.procedure);
      about.appendChild(element("span", "run-item-title", run.title || run.procedure));
      about.appendChild(document.createTextNode(" "));
    }
    var values = filledFields(run).map(function (field) { return trim(field[1]); });
    name.push(values.length ? values.join(" · ") : S["run-untitled"]);
    about.appendChild(element("span", "run-item-fields", values.length ? values.join(" · ") : S["run-untitled"]));
    about.appendChild(document.createTextNode(" "));
    var meta = [age(run, S), run.finished ? S["run-finished-state"] : S["run-in-progress"]];
    about.appendChild(element("span", "run-item-meta", meta.filter(Boolean).join(" · ")));
    item.appendChild(about);
    var buttons = element("p", "run-item-buttons");
    var resume;
    if (home) {
      resume = element("a", "run-resume", S["run-resume"]);
      /* A page's procedure is `PAGE#ANCHOR`: its run is at that anchor of the page. */
      var hash = run.procedure.indexOf("#");
      var page = hash < 0 ? run.procedure : run.procedure.slice(0, hash);
      resume.href = page.split("/").map(encodeURIComponent).join("/") + ".html" +
        (hash >= 0 ? "#" + encodeURIComponent(run.procedure.slice(hash + 1)) : run.finished ? "#rb-run" : "");
    } else {
      resume = button("run-resume", S["run-resume"]);
    }
    var remove = button("run-delete", S["run-delete"]);
    [resume, remove].forEach(function (b) {
      b.setAttribute("aria-label", b.textContent + ": " + name.join(" "));
      buttons.appendChild(b);
      buttons.appendChild(document.createTextNode(" "));
    });
    item.appendChild(buttons);
    return item;
  }

  /* A notice in a run panel, shown once. */
  function showNotice(panel, key, S) {
    if (panel.querySelector(".run-notice[data-notice=\"" + key + "\"]")) return;
    var notice = element("p", "notice run-notice", S[key]);
    notice.setAttribute("data-notice", key);
    var after = panel.querySelector(".run-intro") || panel.querySelector("h2");
    after.insertAdjacentElement("afterend", notice);
  }

  /* Says `text` in a live region; the same text twice in a row differs by a no-break space, so
     that it is said again. */
  function say(status, text) {
    if (status) status.textContent = status.textContent === text ? text + "\u00a0" : text;
  }

  /* Focus that lands on the element after the one removed, else on `fallback`. */
  function focusAfterRemoval(list, index, fallback) {
    var items = list.querySelectorAll(".run-item");
    var item = items[Math.min(index, items.length - 1)];
    var target = item ? item.querySelector(".run-resume") : fallback;
    if (target) target.focus();
  }

  /* The run panel of a procedure page. */
  function setUpRun(panel, article) {
    var S = readStrings(panel);
    var page = readProcedure(article);
    var activeKey = ACTIVE_KEY + page.id;
    var list = panel.querySelector(".run-list");
    var listItems = list.querySelector("ul");
    var startLine = panel.querySelector(".run-start-line");
    var startButton = panel.querySelector(".run-start");
    var form = panel.querySelector("form.run-fields");
    var active = panel.querySelector(".run-active");
    var changed = active.querySelector(".run-changed");
    var broken = element("p", "notice run-broken");
    broken.hidden = true;
    broken.tabIndex = -1;
    changed.insertAdjacentElement("afterend", broken);
    var summary = active.querySelector(".run-summary");
    var undoButton = active.querySelector(".run-undo");
    var finishButton = active.querySelector(".run-finish");
    var status = panel.querySelector(".run-status");
    var recordBox = element("div", "run-record");
    var where = element("p", "run-where");
    active.insertBefore(recordBox, active.firstChild);
    active.insertBefore(where, summary);
    summary.tabIndex = -1;
    var copyFailed = element("p", "notice run-copy-failed", S["run-copy-failed"]);
    copyFailed.hidden = true;
    active.querySelector(".run-toolbar").insertAdjacentElement("afterend", copyFailed);
    var run = null; /* the run being worked on, while in run mode */
    /* The run's {path, finished} before each action on this page, for Undo (memory only: after
       a reload, Undo takes back the last step). */
    var history = [];

    function announce(text) {
      say(status, text);
    }

    function remember() {
      history.push({ path: run.path.map(canonicalEntry), finished: run.finished });
    }

    function checkStorage() {
      if (store().failed()) showNotice(panel, "run-storage-unavailable", S);
    }

    /* The record as this page writes it: in this page's language and title. */
    function stamp() {
      run.locale = document.documentElement.lang;
      if (page.title) run.title = page.title;
      run = canonical(run);
    }

    function save() {
      stamp();
      store().set(RUN_KEY + run.id, JSON.stringify(run));
      checkStorage();
    }

    function showList() {
      var kept = keptRuns();
      if (kept.unreadable) showNotice(panel, "run-unreadable", S);
      var runs = kept.runs.filter(function (r) { return r.procedure === page.id; });
      listItems.textContent = "";
      runs.forEach(function (r) { listItems.appendChild(runItem(r, S, false)); });
      list.hidden = !runs.length;
      return runs;
    }

    /* Run mode on (`how`: "begin", "resume" or "load" tells where focus goes). */
    function enter(r, how) {
      run = r;
      history = [];
      stamp();
      store().set(activeKey, run.id);
      article.classList.add("running");
      page.steps.forEach(function (step) { if (step.heading) step.heading.tabIndex = -1; });
      list.hidden = true;
      startLine.hidden = true;
      form.hidden = true;
      active.hidden = false;
      render();
      if (how === "load") announceWhere();
      else focusWhere();
    }

    function exit() {
      run = null;
      history = [];
      store().remove(activeKey);
      article.classList.remove("running");
      page.steps.forEach(function (step) {
        clearStep(step);
        if (step.heading) step.heading.removeAttribute("tabindex");
      });
      active.hidden = true;
      startLine.hidden = false;
      showList();
    }

    function clearStep(step) {
      step.li.classList.remove("run-done", "run-current", "run-skipped");
      step.li.removeAttribute("aria-current");
      step.li.querySelectorAll(".run-added").forEach(function (e) { e.remove(); });
    }

    /* Says where the run is, and returns what should take focus there. */
    function announceWhere() {
      if (run.finished) return summary;
      var flow = followPath(run, page);
      var current = flow.current;
      if (flow.broken >= 0) {
        announce(broken.textContent);
        return broken;
      }
      if (current) {
        announce(fill(S["run-now-at"], { n: current.number, title: current.title }));
        return current.heading;
      }
      announce(S["run-at-end"]);
      return finishButton;
    }

    function focusWhere() {
      var target = announceWhere();
      if (target) target.focus();
    }

    /* Lines telling what one path entry recorded. */
    function entryLines(d, into, tag) {
      if (d.answer !== null) into.appendChild(element(tag, "run-entry-answer", fill(S["run-answer"], { answer: d.answer })));
      if (d.categories.length) {
        into.appendChild(element(tag, "run-entry-categories",
          S["run-categories"] + ": " + d.categories.join(S["list-separator"])));
      }
      if (d.request) into.appendChild(element(tag, "run-entry-request", S["run-request"] + ": " + d.request));
      if (d.noteLines.length) {
        into.appendChild(element(tag, "run-entry-note", S["run-note"] + ": " + d.noteLines.join("\n")));
      }
    }

    function checkMark() {
      var mark = element("span", "run-check", "✓");
      mark.setAttribute("aria-hidden", "true");
      return mark;
    }

    /* The controls of the current step: a note, then its answers or Mark done. */
    function controls(step) {
      var box = element("div", "run-added run-controls");
      if (step.kind === "escalation" && step.categories.length) {
        var set = element("fieldset", "run-categories");
        set.appendChild(element("legend", "", S["run-categories"]));
        step.categories.forEach(function (category) {
          var label = element("label", "run-category");
          var input = element("input");
          input.type = "checkbox";
          input.value = category.id;
          label.appendChild(input);
          label.appendChild(element("span", "", category.title));
          set.appendChild(label);
        });
        box.appendChild(set);
      }
      if (step.kind === "escalation") {
        var requestLabel = element("label", "run-request", S["run-request"] + " ");
        var request = element("input", "run-request-input");
        request.type = "text";
        request.autocomplete = "off";
        requestLabel.appendChild(request);
        box.appendChild(requestLabel);
      }
      var noteLabel = element("label", "run-note", S["run-note"] + " ");
      var note = element("textarea", "run-note-input");
      note.rows = 2;
      noteLabel.appendChild(note);
      box.appendChild(noteLabel);
      var buttons = element("div", "run-buttons");
      if (step.kind === "decision") {
        buttons.classList.add("run-answers");
        buttons.setAttribute("role", "group");
        buttons.setAttribute("aria-label", step.title);
        step.branches.forEach(function (branch, i) {
          var b = button("run-answer", branch.label);
          b.setAttribute("data-answer", String(i));
          buttons.appendChild(b);
        });
      } else {
        buttons.appendChild(button("run-mark-done", S["run-done"]));
      }
      box.appendChild(buttons);
      return box;
    }

    /* Where the run ends when it leaves this page: the other procedure it continues in. */
    function continuation() {
      var last = run.path[run.path.length - 1];
      var step = last ? page.byId[last.step] : null;
      if (!step) return null;
      var link = step.kind === "decision" ? (step.branches[last.answer] || {}).link : step.link;
      if (!link || link.getAttribute("href").charAt(0) === "#") return null;
      var title = link.textContent;
      document.querySelectorAll(".sidebar a[href]").forEach(function (a) {
        if (a.href === link.href) title = a.textContent;
      });
      var a = element("a", "run-continues", fill(S["run-continues"], { title: trim(title) }));
      a.href = link.getAttribute("href");
      return a;
    }

    /* The record's fields and times, as a description list. */
    function recordList(withElapsed) {
      var dl = element("dl");
      function add(term, value) {
        var div = element("div");
        div.appendChild(element("dt", "", term));
        div.appendChild(element("dd", "", value));
        dl.appendChild(div);
      }
      filledFields(run).forEach(function (field) { add(field[0], field[1]); });
      add(S["run-started"], dateTime(run.started));
      if (run.finished) {
        add(S["run-finished"], dateTime(run.finished));
        var minutes = elapsedMinutes(run);
        if (withElapsed && minutes !== null) add(S["run-elapsed"], fill(S["run-minutes"], { n: minutes }));
      }
      return dl;
    }

    /* The page as the run stands: steps marked done, current or skipped, the panel's record,
       notices, summary and toolbar. */
    function render() {
      var flow = followPath(run, page);
      var current = run.finished ? null : flow.current;
      var entries = Object.create(null);
      run.path.forEach(function (entry, i) {
        (entries[entry.step] = entries[entry.step] || []).push(i);
      });
      /* Skipped: a step off the path before the current one; once the run is at its end (or
         finished), every step off the path; none while the path is broken. */
      var before = current ? current.number : flow.broken >= 0 ? 0 : Infinity;
      page.steps.forEach(function (step) {
        clearStep(step);
        var done = entries[step.id] || [];
        var head = element("div", "run-added run-step-state");
        if (step === current) {
          step.li.classList.add("run-current");
          step.li.setAttribute("aria-current", "step");
          head.appendChild(element("p", "run-badge run-badge-current", S["run-current"]));
        } else if (!done.length && step.number < before) {
          step.li.classList.add("run-skipped");
          head.appendChild(element("p", "run-badge run-badge-skipped", S["run-skipped"]));
        }
        if (done.length) {
          step.li.classList.add("run-done");
          var ul = element("ul", "run-entries");
          done.forEach(function (i) {
            var d = describeEntry(run.path[i], page);
            var li = element("li", "run-entry");
            li.setAttribute("data-entry", String(i));
            var line = element("p", "run-entry-time");
            line.appendChild(checkMark());
            line.appendChild(document.createTextNode(" " + fill(S["run-done-at"], { time: d.time })));
            li.appendChild(line);
            entryLines(d, li, "p");
            var back = button("run-back", S["run-back"]);
            back.setAttribute("data-entry", String(i));
            back.setAttribute("aria-label", S["run-back"] + ": " + S.step + " " + d.number + ". " + d.title);
            li.appendChild(back);
            ul.appendChild(li);
          });
          head.appendChild(ul);
        }
        if (head.firstChild && step.heading) step.heading.insertAdjacentElement("afterend", head);
        if (step === current) step.li.appendChild(controls(step));
      });

      recordBox.textContent = "";
      recordBox.appendChild(recordList(false));

      /* Changed steps: by their versions when the run began (a step new since then marked so);
         a run that kept none names none. */
      if (run.version !== page.version) {
        var versions = run["step-versions"] || {};
        var steps = [];
        if (Object.keys(versions).length) {
          page.steps.forEach(function (step) {
            var was = own(versions, step.id);
            if (was === step.version) return;
            steps.push(S.step + " " + step.number + ". " + step.title + (was === undefined ? " " + S["run-step-new"] : ""));
          });
          Object.keys(versions).forEach(function (id) { if (!page.byId[id]) steps.push(id); });
        }
        changed.textContent = steps.length
          ? fill(S["run-changed"], { steps: steps.join(S["list-separator"]) })
          : S["run-changed-elsewhere"];
        changed.hidden = false;
      } else {
        changed.hidden = true;
      }

      /* A path this page's flow no longer follows: nothing is current until the reader goes
         back to before the break. */
      broken.textContent = flow.broken >= 0 ? fill(S["run-path-broken"], { n: flow.broken + 1 }) : "";
      broken.hidden = flow.broken < 0;
      copyFailed.hidden = true;

      where.textContent = "";
      where.hidden = !!run.finished || flow.broken >= 0;
      if (flow.broken >= 0) {
        /* Said by the notice above. */
      } else if (current) {
        var jump = element("a", "", fill(S["run-now-at"], { n: current.number, title: current.title }));
        jump.href = "#" + current.id;
        where.appendChild(jump);
      } else if (!run.finished) {
        where.appendChild(document.createTextNode(S["run-at-end"]));
        var next = continuation();
        if (next) {
          where.appendChild(document.createTextNode(" "));
          where.appendChild(next);
        }
      }

      summary.textContent = "";
      summary.hidden = !run.finished;
      if (run.finished) {
        summary.appendChild(element("h3", "", S["run-summary"]));
        summary.appendChild(recordList(true));
        summary.appendChild(element("h4", "", S["run-path"]));
        var ol = element("ol", "run-summary-path");
        run.path.forEach(function (entry, i) {
          var d = describeEntry(entry, page);
          if (!d) return;
          var li = element("li");
          li.value = i + 1;
          var line = element("p");
          line.appendChild(checkMark());
          line.appendChild(document.createTextNode(" " + S.step + " " + d.number + ". " + d.title + " (" + d.time + ")"));
          li.appendChild(line);
          var more = element("ul");
          entryLines(d, more, "li");
          if (more.firstChild) li.appendChild(more);
          ol.appendChild(li);
        });
        summary.appendChild(ol);
      }

      undoButton.disabled = !history.length && !run.finished && !run.path.length;
      finishButton.disabled = !canFinish(run, page);
    }

    /* After each change: kept, shown, and focus where the run now is. */
    function changedRun() {
      save();
      render();
      focusWhere();
    }

    /* The current step done, with what its controls say. */
    function markDone(step, answer) {
      var box = step.li.querySelector(".run-controls");
      var entry = { step: step.id, at: localNow() };
      if (step.kind === "decision") entry.answer = answer;
      if (step.kind === "escalation") {
        entry.categories = Array.prototype.filter.call(box.querySelectorAll(".run-categories input"), function (input) {
          return input.checked;
        }).map(function (input) { return input.value; });
        entry.request = trim(box.querySelector(".run-request-input").value);
      }
      entry.note = trim(box.querySelector(".run-note-input").value);
      remember();
      run.path.push(canonicalEntry(entry));
      changedRun();
    }

    article.addEventListener("click", function (event) {
      if (!run || !(event.target instanceof Element)) return;
      var target = event.target.closest("button");
      if (!target) return;
      var li = target.closest("li.step");
      var step = li ? page.byId[li.id] : null;
      if (!step) return;
      if (target.classList.contains("run-mark-done")) {
        markDone(step);
      } else if (target.classList.contains("run-answer")) {
        markDone(step, Number(target.getAttribute("data-answer")));
      } else if (target.classList.contains("run-back")) {
        var at = Number(target.getAttribute("data-entry"));
        if (!window.confirm(fill(S["run-confirm-back"], { n: step.number }))) return;
        remember();
        run.path = run.path.slice(0, at);
        delete run.finished;
        changedRun();
      }
    });

    startButton.addEventListener("click", function () {
      form.reset();
      var date = form.querySelector("input[name=date]");
      if (date) date.value = localNow().slice(0, 10);
      form.hidden = false;
      startLine.hidden = true;
      (form.querySelector("input, textarea, select") || form.querySelector("button")).focus();
    });
    form.querySelector(".run-cancel").addEventListener("click", function () {
      form.hidden = true;
      startLine.hidden = false;
      startButton.focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = {};
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && input.matches("input, textarea, select")) fields[input.name] = trim(input.value);
      });
      var versions = {};
      page.steps.forEach(function (step) { versions[step.id] = step.version; });
      var random = Math.floor(Math.random() * 0x1000000).toString(16);
      var r = {
        "runbook-run": 1,
        id: Date.now().toString(36) + "-" + ("00000" + random).slice(-6),
        procedure: page.id,
        title: page.title,
        locale: document.documentElement.lang,
        version: page.version,
        "step-versions": versions,
        fields: fields,
        started: localNow(),
        path: []
      };
      form.reset();
      run = r;
      save();
      enter(run, "begin");
    });

    /* Undo: back to before the last action on this page; without one, un-finish, else drop
       the last step done. */
    undoButton.addEventListener("click", function () {
      var before = history.pop();
      if (before) {
        run.path = before.path;
        if (before.finished) run.finished = before.finished;
        else delete run.finished;
      } else if (run.finished) {
        delete run.finished;
      } else {
        run.path.pop();
      }
      changedRun();
    });
    finishButton.addEventListener("click", function () {
      if (!canFinish(run, page)) return;
      remember();
      run.finished = localNow();
      changedRun();
      announce(S["run-finished-now"]);
    });
    active.querySelector(".run-copy").addEventListener("click", function () {
      var text = runMarkdown(run, S, article);
      var copyButton = this;
      function copied() {
        copyFailed.hidden = true;
        announce(S["run-copied"]);
      }
      function fallback() {
        var area = element("textarea", "visually-hidden");
        area.value = text;
        area.setAttribute("readonly", "");
        area.setAttribute("aria-hidden", "true");
        area.tabIndex = -1;
        panel.appendChild(area);
        area.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        area.remove();
        copyButton.focus();
        if (ok) {
          copied();
        } else {
          copyFailed.hidden = false;
          announce(S["run-copy-failed"]);
        }
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(copied, fallback);
      } else {
        fallback();
      }
    });
    active.querySelector(".run-download").addEventListener("click", function () {
      var blob = new Blob([JSON.stringify(run, null, 2) + "\n"], { type: "application/json" });
      var url = URL.createObjectURL(blob);
      var link = element("a");
      link.href = url;
      link.download = "run-" + page.id.split("/").pop() + "-" + run.started.slice(0, 10) + ".json";
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    });
    active.querySelector(".run-print").addEventListener("click", function () { window.print(); });
    active.querySelector(".run-close").addEventListener("click", function () {
      exit();
      startButton.focus();
    });

    listItems.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target.closest("button") : null;
      var item = target ? target.closest(".run-item") : null;
      if (!item) return;
      var key = RUN_KEY + item.getAttribute("data-run");
      var r = parseRun(store().get(key), key);
      var index = Array.prototype.indexOf.call(listItems.children, item);
      if (target.classList.contains("run-resume")) {
        if (r) enter(r, "resume");
        else showList();
      } else if (target.classList.contains("run-delete")) {
        if (!window.confirm(S["run-confirm-delete"])) return;
        store().remove(key);
        if (store().get(activeKey) === item.getAttribute("data-run")) store().remove(activeKey);
        showList();
        focusAfterRemoval(listItems, index, startButton);
        announce(S["run-deleted"]);
      }
    });
    /* This procedure's runs only (the home page deletes every run). */
    list.querySelector(".run-delete-all").addEventListener("click", function () {
      if (!window.confirm(S["run-confirm-delete-procedure"])) return;
      keptRuns().runs.forEach(function (r) {
        if (r.procedure === page.id) store().remove(RUN_KEY + r.id);
      });
      store().remove(activeKey);
      showList();
      startButton.focus();
      announce(S["run-deleted"]);
    });

    /* What the reader has typed, ticked or focused in the current step's controls, kept over a
       re-render that leaves the same step current. */
    function typed() {
      var box = article.querySelector("li.step.run-current .run-controls");
      if (!box) return null;
      var inputs = Array.prototype.slice.call(box.querySelectorAll("input, textarea, button"));
      return {
        step: box.closest("li.step").id,
        values: inputs.map(function (input) { return input.type === "checkbox" ? input.checked : input.value; }),
        focus: inputs.indexOf(document.activeElement)
      };
    }
    function retype(was) {
      var box = was && article.querySelector("li.step.run-current .run-controls");
      if (!box || box.closest("li.step").id !== was.step) return;
      var inputs = box.querySelectorAll("input, textarea, button");
      if (inputs.length !== was.values.length) return;
      Array.prototype.forEach.call(inputs, function (input, i) {
        if (input.type === "checkbox") input.checked = was.values[i];
        else if (input.matches("input, textarea")) input.value = was.values[i];
      });
      if (was.focus >= 0) inputs[was.focus].focus();
    }

    /* The run as kept now (changed in another tab, or this page back from the history cache:
       `reload` then also resumes the active run, as a fresh load would). Unchanged, the page is
       left as it is. */
    function refresh(reload) {
      if (run) {
        var key = RUN_KEY + run.id;
        var text = store().get(key);
        if (text === JSON.stringify(run)) return;
        var kept = parseRun(text, key);
        if (kept) {
          var was = typed();
          run = kept;
          /* Changed elsewhere: this page's earlier states are no longer the run's. */
          history = [];
          stamp();
          render();
          retype(was);
        } else {
          exit();
        }
      } else if (reload) {
        resumeActive();
      } else {
        showList();
      }
    }

    function resumeActive() {
      var id = store().get(activeKey);
      var r = id ? parseRun(store().get(RUN_KEY + id), RUN_KEY + id) : null;
      /* A finished run too: resumed from the home page, it shows its summary. */
      if (r && r.procedure === page.id) enter(r, "load");
      else showList();
    }

    /* Another tab's change: to this run (or storage cleared) while running, else to any run. */
    window.addEventListener("storage", function (event) {
      if (run ? event.key === null || event.key === RUN_KEY + run.id
        : event.key === null || event.key.indexOf(RUN_KEY) === 0) {
        refresh(false);
      }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) refresh(true);
    });

    panel.hidden = false;
    checkStorage();
    if (keptRuns().unreadable) showNotice(panel, "run-unreadable", S);
    resumeActive();
  }

  /* The home page's list of every kept run, whatever its procedure. */
  function setUpRunHome(section) {
    var S = readStrings(section);
    var ul = section.querySelector("ul");
    /* The live region goes after the section, so that it is heard when the last run is
       deleted and the section hides. */
    var status = section.querySelector(".run-status");
    if (status) section.insertAdjacentElement("afterend", status);

    function show() {
      var kept = keptRuns();
      if (kept.unreadable) showNotice(section, "run-unreadable", S);
      ul.textContent = "";
      kept.runs.forEach(function (run) { ul.appendChild(runItem(run, S, true)); });
      section.hidden = !kept.runs.length;
      return kept.runs.length;
    }

    /* When the section goes, focus goes to the page's heading. */
    function focusPage() {
      var h1 = document.querySelector("main h1");
      if (!h1) return;
      h1.tabIndex = -1;
      h1.focus();
    }

    ul.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target.closest("a, button") : null;
      var item = target ? target.closest(".run-item") : null;
      if (!item) return;
      var id = item.getAttribute("data-run");
      var key = RUN_KEY + id;
      var run = parseRun(store().get(key), key);
      if (target.classList.contains("run-resume")) {
        /* The procedure page resumes the run it finds active. */
        if (run) store().set(ACTIVE_KEY + run.procedure, id);
      } else if (target.classList.contains("run-delete")) {
        if (!window.confirm(S["run-confirm-delete"])) return;
        var index = Array.prototype.indexOf.call(ul.children, item);
        store().remove(key);
        if (run && store().get(ACTIVE_KEY + run.procedure) === id) store().remove(ACTIVE_KEY + run.procedure);
        if (show()) focusAfterRemoval(ul, index, null);
        else focusPage();
        say(status, S["run-deleted"]);
      }
    });
    section.querySelector(".run-delete-all").addEventListener("click", function () {
      if (!window.confirm(S["run-confirm-delete-all"])) return;
      store().keys().forEach(function (key) {
        if (key.indexOf(ACTIVE_KEY) === 0 || (key.indexOf(RUN_KEY) === 0 && parseRun(store().get(key), key))) {
          store().remove(key);
        }
      });
      show();
      focusPage();
      say(status, S["run-deleted"]);
    });
    window.addEventListener("storage", function (event) {
      if (event.key === null || event.key.indexOf(RUN_KEY) === 0) show();
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) show();
    });
    show();
  }

  /* The run record's Markdown, for tests and other scripts. */
  self.runbookRun = { markdown: runMarkdown, escape: esc };

  /* The text functions, for tests and other scripts: they must cut text as the index does. */
  self.runbookSearch = { normalize: normalize, pieces: pieces, pairs: pairs, search: search, Index: Index, numbers: numbers, postings: postings, stemSections: stemSections };

  function start() {
    foldContentsOnSmallScreens();
    unfoldContents();
    var form = document.getElementById("rb-search");
    if (form) setUpSearch(form);
    setUpLanguageLinks();
    var choice = document.querySelector("main.language-choice[data-choose]");
    if (choice) setUpLanguageChoice(choice);
    setUpTabs();
    /* A procedure's page has one procedure; a procedure page one per list of steps, each with
       its own run panel. */
    document.querySelectorAll(".procedure[data-procedure]").forEach(function (article) {
      var panel = article.querySelector(".run-panel[data-strings]");
      if (panel) setUpRun(panel, article);
    });
    var home = document.querySelector("section.run-home[data-strings]");
    if (home) setUpRunHome(home);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

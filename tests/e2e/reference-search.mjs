// The search of the site script as it was when the index was one file (the whole index loaded
// at once, sections ranked from their text): the reference the index in parts must agree with.
// Only the test uses it; the text-cutting helpers (`normalize`, `pieces`, `pairs`, unchanged)
// come from site.js itself.

/** Runs a query over a whole index `{pages, sections, terms, words}`, as site.js once did. */
export function referenceSearch(index, text, { normalize, pieces, pairs }) {
  const UNSPACED = /[\u3005-\u3007\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;
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
  return search(index, text);
}

// The handbook's search (issue 24): Sphinx's own index, stemmer and stop
// words (searchindex.js, language_data.js), ranked for readers.
//
// - A page's search terms (front matter, search_terms.py) weigh most, then
//   its titles, then its text; rare words count more than common ones
//   (inverse document frequency), and a page that matches more of the
//   words ranks higher. Any word may match: Sphinx's search wants all.
// - Each result shows the page's title and its one-line description.
// - Danger words put the safety page first, under the crisis lines.
// - No result: a kind word, Start Here, the contents and the crisis lines.
// - Nothing typed is kept or sent: no storage, no cookie, no request (the
//   data is loaded with the page), and a new search on this page stays on
//   this page.
//
// The words on the page (no results, crisis lines) are in
// _templates/search.html, translated with the book; the results' heading and
// count come with the data, from Sphinx's catalogue (search_terms.py).
"use strict";

(() => {
  const data = window.HandbookSearchData;
  if (typeof Search === "undefined" || !data) return; // Sphinx's search as it is

  const MAX_RESULTS = 10;
  // Results scoring under this share of the best are left out.
  const CUTOFF = 0.12;
  const WEIGHT = {
    term: 4, // a search term of the page
    title: 3, // a word of one of its titles
    text: 1, // a word of its text
    partialTerm: 2,
    partialTitle: 1.5,
    partialText: 0.5,
    phrase: 3, // a whole search term of several words, found in the query
  };

  const stemmer = new Stemmer();
  // As Sphinx's IndexBuilder keeps a word (SearchLanguage.word_filter).
  const keep = (word) =>
    word.length > 0
    && !((word.length < 3 && word[0] < "\u3000") || stopwords.has(word) || /^\d+$/.test(word));
  const words = (text) => splitQuery(text.toLowerCase().trim());
  // The form in which Sphinx's index holds a word, or null.
  const indexForm = (word) => {
    const stem = stemmer.stemWord(word).toLowerCase();
    if (keep(stem)) return stem;
    return keep(word) ? word : null;
  };

  let prepared = null;
  const prepare = () => {
    const index = Search._index;
    const fileOf = new Map(index.docnames.map((name, file) => [name, file]));
    const pages = data.pages
      .filter((page) => fileOf.has(page.page))
      .map((page) => ({
        ...page,
        file: fileOf.get(page.page),
        stems: new Set(page.terms.flat()),
      }));
    const asList = (files) => (Array.isArray(files) ? files : [files]);
    const termFiles = new Map();
    for (const page of pages)
      for (const stem of page.stems) {
        if (!termFiles.has(stem)) termFiles.set(stem, new Set());
        termFiles.get(stem).add(page.file);
      }
    prepared = {
      pages,
      text: index.terms,
      titles: index.titleterms,
      termFiles,
      textKeys: Object.keys(index.terms),
      titleKeys: Object.keys(index.titleterms),
      termKeys: [...termFiles.keys()],
      asList,
    };
    return prepared;
  };

  // Which files hold the stem, and how well: file -> weight. The best
  // match counts in full, every other kind of match a quarter: a page
  // whose search terms, titles and text all hold the word covers it.
  const matches = (p, stem) => {
    const kinds = new Map(); // file -> weights of the kinds that match
    const note = (files, weight) => {
      for (const file of files) {
        if (!kinds.has(file)) kinds.set(file, new Set());
        kinds.get(file).add(weight);
      }
    };
    const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
    let exact = false;
    if (p.termFiles.has(stem)) (note(p.termFiles.get(stem), WEIGHT.term), (exact = true));
    if (own(p.titles, stem)) (note(p.asList(p.titles[stem]), WEIGHT.title), (exact = true));
    if (own(p.text, stem)) (note(p.asList(p.text[stem]), WEIGHT.text), (exact = true));
    if (!exact && stem.length > 3) {
      const near = (key) => key.length > 3 && (key.startsWith(stem) || stem.startsWith(key));
      for (const key of p.termKeys)
        if (near(key)) note(p.termFiles.get(key), WEIGHT.partialTerm);
      for (const key of p.titleKeys)
        if (near(key)) note(p.asList(p.titles[key]), WEIGHT.partialTitle);
      for (const key of p.textKeys)
        if (key.startsWith(stem)) note(p.asList(p.text[key]), WEIGHT.partialText);
    }
    const found = new Map();
    for (const [file, weights] of kinds) {
      const best = Math.max(...weights);
      let sum = 0;
      for (const weight of weights) sum += weight;
      found.set(file, best + 0.25 * (sum - best));
    }
    return found;
  };

  // Every word stemmed, none left out: for phrases and danger words.
  const said = (query) => words(query).map((w) => stemmer.stemWord(w).toLowerCase());
  const holds = (sequence, phrase) =>
    sequence.some((_word, start) => phrase.every((stem, i) => sequence[start + i] === stem));

  const rank = (query) => {
    const p = prepared || prepare();
    const typed = said(query);
    const stems = [...new Set(words(query).map(indexForm).filter(Boolean))];
    const scores = new Map(); // file -> [score, matched idf]
    let informative = 0;
    const idfOf = new Map();
    for (const stem of stems) {
      const found = matches(p, stem);
      if (!found.size) continue; // a word the handbook never uses
      const idf = Math.log(1 + p.pages.length / found.size);
      idfOf.set(stem, idf);
      informative += idf;
      for (const [file, weight] of found) {
        const [score, covered] = scores.get(file) || [0, 0];
        scores.set(file, [score + idf * weight, covered + idf]);
      }
    }
    const asked = new Set(stems);
    const results = [];
    for (const page of p.pages) {
      let [score, covered] = scores.get(page.file) || [0, 0];
      if (!score) continue;
      for (const term of page.terms)
        if (term.length > 1 && term.every((stem) => asked.has(stem)))
          score += WEIGHT.phrase * term.reduce((sum, s) => sum + (idfOf.get(s) || 0), 0);
      // A whole phrase of the page, word for word, stop words and all.
      for (const phrase of page.phrases)
        if (holds(typed, phrase)) score += (WEIGHT.phrase * phrase.length) / 2;
      score *= 0.3 + (0.7 * covered) / informative;
      results.push({ page, score });
    }
    results.sort((a, b) => b.score - a.score || a.page.title.localeCompare(b.page.title));
    const best = results.length ? results[0].score : 0;
    return results.filter((r) => r.score >= CUTOFF * best).slice(0, MAX_RESULTS);
  };

  // Danger words: every word stemmed, none left out ("kill me", "hurt me").
  const isDanger = (query) => {
    const typed = said(query);
    return data.danger.some((phrase) => holds(typed, phrase));
  };

  const show = (id, visible) => {
    const element = document.getElementById(id);
    if (element) element.hidden = !visible;
  };

  const linkTo = (name) =>
    DOCUMENTATION_OPTIONS.BUILDER === "dirhtml"
      ? `${name.replace(/(^|\/)index$/, "")}/`.replace(/^\/$/, "")
      : name + DOCUMENTATION_OPTIONS.LINK_SUFFIX;

  const render = (query) => {
    const out = document.getElementById("search-results");
    out.replaceChildren();
    let results = rank(query);
    const danger = isDanger(query);
    if (danger) {
      const safety = data.pages.find((page) => page.page === data.safety);
      results = results.filter((r) => r.page.page !== data.safety);
      if (safety) results.unshift({ page: safety, score: Infinity });
    }
    const title = out.appendChild(document.createElement("h2"));
    title.textContent = data.words.results;
    const summary = out.appendChild(document.createElement("p"));
    summary.classList.add("search-summary");
    const list = out.appendChild(document.createElement("ul"));
    list.classList.add("search");
    list.setAttribute("role", "list");
    for (const { page } of results) {
      const item = list.appendChild(document.createElement("li"));
      const link = item.appendChild(document.createElement("a"));
      link.href = linkTo(page.page);
      link.textContent = page.title;
      if (page.description) {
        const description = item.appendChild(document.createElement("p"));
        description.classList.add("search-description");
        description.textContent = page.description;
      }
    }
    show("search-safety", danger);
    show("search-nothing", results.length === 0);
    summary.textContent = results.length
      ? (results.length === 1 ? data.words.one : data.words.many).replace(
          "${resultCount}",
          results.length,
        )
      : document.getElementById("search-nothing")?.dataset.summary || "0";
    Search.stopPulse();
    document.getElementById("search-progress")?.replaceChildren();
  };

  Search.performSearch = (query) => {
    if (Search.hasIndex()) render(query);
    else Search.deferQuery(query);
  };
  Search.query = render;
  // For the tests and for anyone tuning the weights: the ranked pages.
  Search.handbookRank = (query) =>
    rank(query).map((r) => [r.page.page, Math.round(r.score * 100) / 100]);

  // A new search from this page runs here, with no new address: the words
  // stay out of the browser's history and off the network.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const field = form.querySelector?.('input[name="q"]');
    if (!field || !Search.hasIndex()) return;
    event.preventDefault();
    const query = field.value.trim();
    if (query) render(query);
  });
})();

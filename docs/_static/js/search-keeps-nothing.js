// Sphinx's search stores the words searched for in localStorage when this
// flag is true (sphinx_highlight.js sets it), so that the result page can
// highlight them. On this site a search must leave nothing on the device,
// so the search page loads this file instead of sphinx_highlight.js.
// See _ext/page_assets.py.
const SPHINX_HIGHLIGHT_ENABLED = false;

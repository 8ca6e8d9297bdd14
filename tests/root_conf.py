"""The configuration every test root starts from: the handbook's extensions
with a small, valid site block. A root's conf.py imports it and changes one
thing."""

from pathlib import Path

extensions = [
    "languages",
    "site_metadata",
    "page_metadata",
    "safety",
    "exercises",
    "seo",
    "myst_parser",
    "sphinxcontrib.bibtex",
]
project = "Test handbook"
author = "Test Author"
myst_enable_extensions = ["colon_fence"]
# The safety box's crisis lines are tap-to-call links.
myst_url_schemes = ["http", "https", "mailto", "tel"]
nitpicky = True
# One bibliography for every root (sphinxcontrib-bibtex reads a path from
# conf.py's folder; an absolute one stays right in a copied root).
bibtex_bibfiles = [str(Path(__file__).resolve().parent / "roots" / "refs.bib")]
bibtex_reference_style = "author_year"
html_theme = "basic"
handbook_site_name = "Test handbook"
handbook_base_url = "https://example.org/"
handbook_title_pattern = "{title} | Test handbook"
handbook_description = (
    "A tiny handbook that exists only so that the tests can build it."
)
handbook_keywords = ["test"]
handbook_author = {
    "name": "Test Author",
    "credential": "LMFT",
    "job_title": "Therapist",
    "profile_page": "index",
}
handbook_practice = {"name": "Test practice", "locality": "Calabasas", "region": "CA"}
handbook_safety_page = "index"
handbook_crisis = {
    "emergency": "911",
    "crisis_line": "988",
    "dv_hotline": "1-800-799-7233",
    "dv_tty": "1-800-787-3224",
    "dv_text": "88788",
    "dv_chat": "https://www.thehotline.org/",
    "crisis_chat": "https://988lifeline.org/",
    "samhsa": "1-800-662-4357",
}
handbook_licence = {
    "name": "CC BY-NC-ND 4.0",
    "url": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}
# The print edition's stylesheet and fonts are the book's own.
handbook_print_css = str(
    Path(__file__).resolve().parents[1] / "docs/_static/css/print.css"
)

from root_conf import *  # noqa: F403

# Every extension of the handbook, so that the two-worker build below proves
# each one parallel-safe.
extensions = [  # noqa: F405
    "page_source",
    "page_limits",
    "page_links",
    "published_files",
    "redirects",
    "quick_exit",
    "search_terms",
    *extensions,  # noqa: F405
    "exercise_lists",
    "seo_checks",
    "consultation",
    "csp",
    "page_assets",
    "citations",
    "print_edition",
    "epub_edition",
    "sphinxext.opengraph",
]
ogp_site_url = handbook_base_url  # noqa: F405
ogp_image = handbook_base_url + "site-card.png"  # noqa: F405
ogp_image_alt = "The site card"
# The basic theme writes inline styles that the handbook's own templates
# remove from furo's pages; the policy's checks run on the real book.
handbook_csp_enabled = False
# The book's citation style (_ext/citations.py).
bibtex_default_style = "handbook"

from root_conf import *  # noqa: F403

# The handbook's navigation shape, in small: captions, a numbered list, a
# section page with a hidden toctree of its own, an explicit title, a link
# out, and sphinx-notfound-page's absolute links on the 404 page.
extensions = [*extensions, "navigation", "notfound.extension"]  # noqa: F405
html_theme = "furo"
notfound_urls_prefix = "/"

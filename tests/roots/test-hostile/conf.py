from root_conf import *  # noqa: F403

# What a hostile contributor could try, against the handbook's own guards:
# page_limits refuses it, csp checks what was built, and the test copies
# docs/docutils.conf in beside this file before building.
extensions = [  # noqa: F405
    "page_limits",
    *extensions,  # noqa: F405
    "csp",
]

from root_conf import *  # noqa: F403
handbook_base_url = "http://example.org/"

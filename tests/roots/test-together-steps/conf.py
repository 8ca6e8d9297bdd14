from root_conf import *  # noqa: F403

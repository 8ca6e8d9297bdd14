from root_conf import *  # noqa: F403
extensions = [*extensions, "sphinxext.opengraph"]
ogp_site_url = handbook_base_url  # noqa: F405
ogp_image = handbook_base_url + "site-card.png"  # noqa: F405
ogp_image_alt = "The site card"

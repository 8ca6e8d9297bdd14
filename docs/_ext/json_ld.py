"""The JSON-LD ``@graph`` of a page, from the site block in conf.py.

The home page describes the WebSite, the practice (a MedicalBusiness) and
the author; chapters and exercises are a MedicalWebPage whose main entity is
an Article by the author, with its ``dateModified`` and clinical review; the
author's profile page is a ProfilePage; every other page a WebPage. Each
page but the home page carries a BreadcrumbList. ``seo.py`` writes the graph
into the page's head.

This is data for search engines, not words a reader sees: its values are
facts from conf.py and the page, and ``creativeWorkStatus`` ("Draft awaiting
clinical review", "Changed since review on DATE") is a status for machines,
kept in English beside the page's ``inLanguage``; the reader's own words for
the review status are in the byline (``_templates/handbook/byline.html``).
Not an extension: ``seo.py`` uses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from site_metadata import page_url

if TYPE_CHECKING:
    from sphinx.config import Config


def _author(config: Config) -> dict[str, Any]:
    author = config.handbook_author
    person: dict[str, Any] = {
        "@type": "Person",
        "@id": page_url(config, author["profile_page"]) + "#author",
        "name": author["name"],
        "url": page_url(config, author["profile_page"]),
    }
    if author.get("job_title"):
        person["jobTitle"] = author["job_title"]
    if author.get("credential"):
        person["hasCredential"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "license",
            "name": author["credential"],
        }
    return person


def _practice(config: Config) -> dict[str, Any]:
    practice = config.handbook_practice
    business: dict[str, Any] = {
        "@type": "MedicalBusiness",
        "@id": config.handbook_base_url + "#practice",
        "name": practice["name"],
        "address": {
            "@type": "PostalAddress",
            "addressLocality": practice.get("locality", ""),
            "addressRegion": practice.get("region", ""),
            "addressCountry": practice.get("country", ""),
        },
        "areaServed": [
            {"@type": "City", "name": area} for area in practice.get("areas_served", [])
        ],
        "founder": {"@id": _author(config)["@id"]},
    }
    # Unconfirmed details stay empty in conf.py and out of the output.
    if practice.get("url"):
        business["url"] = practice["url"]
    if practice.get("phone"):
        business["telephone"] = practice["phone"]
    if practice.get("licence_number"):
        business["identifier"] = practice["licence_number"]
    return business


def _website(config: Config) -> dict[str, Any]:
    return {
        "@type": "WebSite",
        "@id": config.handbook_base_url + "#website",
        "name": config.handbook_site_name,
        "url": config.handbook_base_url,
        "inLanguage": config.handbook_locale.replace("_", "-"),
        "publisher": {"@id": config.handbook_base_url + "#practice"},
    }


def _breadcrumbs(config: Config, trail: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(trail, 1)
        ],
    }


def json_ld_graph(
    *,
    config: Config,
    docname: str,
    title: str,
    description: str,
    keywords: list[str],
    front_matter: dict[str, Any],
    is_health_page: bool,
    parent: tuple[str, str] | None,
    last_changed: str = "",
    signoff: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON-LD graph of one page. ``last_changed`` is the ISO time of the
    last commit that changed it (empty when git cannot tell); ``signoff`` is
    the page's clinical review (``review.page_review``)."""
    url = page_url(config, docname)
    home = page_url(config, config.root_doc)
    graph: list[dict[str, Any]] = [_website(config), _practice(config)]
    if docname == config.root_doc:
        graph.append(_author(config))
        return {"@context": "https://schema.org", "@graph": graph}

    trail = [(config.handbook_site_name, home)]
    if parent:
        trail.append(parent)
    trail.append((title, url))
    page: dict[str, Any] = {
        "@type": "MedicalWebPage" if is_health_page else "WebPage",
        "@id": url,
        "url": url,
        "name": title,
        "description": description,
        "inLanguage": config.handbook_locale.replace("_", "-"),
        "isPartOf": {"@id": config.handbook_base_url + "#website"},
        "breadcrumb": _breadcrumbs(config, trail),
    }
    if docname == config.handbook_author["profile_page"]:
        page["@type"] = "ProfilePage"
        page["mainEntity"] = _author(config)
    elif is_health_page:
        article: dict[str, Any] = {
            "@type": "Article",
            "headline": title,
            "description": description,
            "keywords": keywords,
            "author": _author(config),
            "publisher": {"@id": config.handbook_base_url + "#practice"},
            "isPartOf": {"@id": config.handbook_base_url + "#website"},
            "mainEntityOfPage": url,
        }
        if last_changed:
            article["dateModified"] = last_changed
        # A clinician's sign-off only while the page is what was signed.
        if signoff and signoff["review_status"] == "reviewed":
            page["lastReviewed"] = signoff["signed_on"].isoformat()
            page["reviewedBy"] = {"@type": "Person", "name": signoff["reviewed_by"]}
        elif signoff and signoff["review_status"] == "changed":
            page["creativeWorkStatus"] = (
                f"Changed since review on {signoff['signed_on'].isoformat()}"
            )
        elif signoff:
            page["creativeWorkStatus"] = "Draft awaiting clinical review"
        page["mainEntity"] = article
    graph.append(page)
    return {"@context": "https://schema.org", "@graph": graph}

"""Search and trust metadata on every built page, the sitemap and robots.txt."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import page_soup
from handbook_spec import CHAPTERS, EXERCISES

BASE = "https://emotional-intimacy-handbook.example.org/"
NOINDEX = {"search.html", "genindex.html", "404.html"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def pages(book):
    return book.pages()


def head(path):
    return page_soup(path).head


def meta(soup, **attrs):
    tag = soup.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def graph(soup) -> dict:
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    return {node["@type"]: node for node in data["@graph"]}


def test_every_indexable_page_has_complete_tags(book):
    seen_titles, seen_descriptions = {}, {}
    for path in pages(book):
        rel = path.relative_to(book.html).as_posix()
        soup = head(path)
        assert soup.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer"
        if rel in NOINDEX:
            assert "noindex" in meta(soup, name="robots"), rel
            continue
        title = soup.title.string
        assert 0 < len(title) <= 60, (rel, title)
        description = meta(soup, name="description")
        assert description and 50 <= len(description) <= 160, rel
        assert meta(soup, property="og:description") == description, rel
        assert meta(soup, name="keywords"), rel
        assert meta(soup, name="robots").startswith("index"), rel
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == BASE + rel, rel
        assert meta(soup, property="og:url") == canonical
        assert meta(soup, property="og:title")
        assert meta(soup, property="og:type")
        assert (
            meta(soup, property="og:site_name")
            == "Emotional Intimacy: A Handbook for Couples"
        )
        assert meta(soup, property="og:locale") == "en_US"
        assert (
            meta(soup, property="og:image") == BASE + "_static/images/social-card.png"
        )
        assert meta(soup, property="og:image:alt")
        assert meta(soup, name="twitter:card") == "summary_large_image"
        assert title not in seen_titles, (rel, seen_titles.get(title))
        assert description not in seen_descriptions, (
            rel,
            seen_descriptions.get(description),
        )
        seen_titles[title], seen_descriptions[description] = rel, rel


def test_open_graph_type_is_website_at_home_and_article_elsewhere(book):
    assert meta(head(book.html / "index.html"), property="og:type") == "website"
    assert (
        meta(head(book.html / "chapters" / "empathy.html"), property="og:type")
        == "article"
    )


def test_title_tag_follows_the_pattern(book):
    soup = head(book.html / "chapters" / "empathy.html")
    assert soup.title.string == "Pillar Three: Empathy | Couples Therapy in Calabasas"


def test_social_image_is_in_the_site_at_1200_by_630(book):
    from PIL import Image

    with Image.open(book.html / "_static" / "images" / "social-card.png") as image:
        assert image.size == (1200, 630)


@pytest.mark.parametrize(
    "rel",
    [f"chapters/{c}.html" for c in CHAPTERS]
    + [f"exercises/{e}.html" for e in EXERCISES],
)
def test_health_pages_carry_a_medical_web_page_graph(book, rel):
    soup = head(book.html / rel)
    nodes = graph(soup)
    page = nodes["MedicalWebPage"]
    canonical = soup.find("link", rel="canonical")["href"]
    assert page["url"] == page["@id"] == canonical
    assert page["description"] == meta(soup, name="description")
    # No clinician has signed a page off yet (reviews.toml; test_review.py
    # covers signed and changed pages): no review is claimed.
    assert "reviewedBy" not in page and "lastReviewed" not in page
    assert page["creativeWorkStatus"] == "Draft awaiting clinical review"
    assert page["isPartOf"]["@id"] == nodes["WebSite"]["@id"]
    article = page["mainEntity"]
    assert article["@type"] == "Article"
    assert article["headline"] in soup.title.string
    assert article["author"]["@type"] == "Person"
    assert article["author"]["name"] == "Susan Cole Rome"
    assert article["author"]["jobTitle"]
    assert article["author"]["hasCredential"]["name"] == "LMFT"
    # When it last changed (git).
    assert "datePublished" not in article
    # (test_trusted_builds.py checks the date against git.)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", article["dateModified"])
    assert article["publisher"]["@id"] == nodes["MedicalBusiness"]["@id"]
    crumbs = page["breadcrumb"]["itemListElement"]
    assert crumbs[0]["item"] == BASE + "index.html"
    assert crumbs[-1]["item"] == canonical
    assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))


def test_home_page_graph_has_site_and_practice_without_invented_details(book):
    nodes = graph(head(book.html / "index.html"))
    assert nodes["WebSite"]["url"] == BASE
    practice = nodes["MedicalBusiness"]
    assert practice["address"]["addressLocality"] == "Calabasas"
    assert practice["address"]["addressRegion"] == "CA"
    assert {a["name"] for a in practice["areaServed"]} == {"Calabasas", "Hidden Hills"}
    # Phone, licence number and street address are empty in conf.py.
    assert "telephone" not in practice
    assert "identifier" not in practice
    assert "streetAddress" not in practice["address"]


def test_sitemap_lists_every_indexable_page_once_by_canonical_url(book):
    tree = ET.parse(book.html / "sitemap.xml")
    urls = [loc.text for loc in tree.findall(".//sm:loc", SITEMAP_NS)]
    assert len(urls) == len(set(urls))
    expected = set()
    for path in pages(book):
        rel = path.relative_to(book.html).as_posix()
        if rel not in NOINDEX:
            expected.add(head(path).find("link", rel="canonical")["href"])
    assert set(urls) == expected
    assert all(u.startswith("https://") for u in urls)


def test_robots_txt_points_at_the_sitemap(book):
    text = (book.html / "robots.txt").read_text()
    assert "User-agent: *" in text
    assert f"Sitemap: {BASE}sitemap.xml" in text


def test_no_third_party_resources(book):
    for path in pages(book):
        soup = page_soup(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for node in soup.find_all(tag):
                url = node.get(attr) or ""
                if tag == "link" and set(node.get("rel", [])) & {
                    "canonical",
                    "license",
                    "alternate",  # the page in the other language (an address)
                }:
                    continue
                assert not url.startswith(("http:", "https:", "//")), (path.name, url)


def test_a_title_too_long_for_the_pattern_stands_alone():
    """A translation's titles run longer: where the pattern would pass 60
    characters, the title tag is the title alone (and a title over 60 by
    itself still fails the build, test_build_checks.py)."""
    from seo import title_tag

    pattern = "{title} | Terapia de pareja en Calabasas"
    short, longer = (
        "La empatía",
        "Cuando uno de los dos está pasando por un mal momento",
    )
    assert title_tag(title=short, pattern=pattern, is_home=False) == (
        "La empatía | Terapia de pareja en Calabasas"
    )
    assert title_tag(title=longer, pattern=pattern, is_home=False) == longer

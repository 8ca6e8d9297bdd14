"""Draw the 1200 x 630 social card (docs/_static/images/social-card.png).

Run by hand after the title or author changes, with Pillow from the
"assets" dependency group at its locked version (uv.lock)::

    python3 -m uv run --frozen --group assets scripts/make_social_card.py

It uses the handbook's own font and colours, so the card matches the site.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "docs" / "_static" / "fonts"
TARGET = ROOT / "docs" / "_static" / "images" / "social-card.png"
BRAND, WARM, PAPER, INK = "#2f5d62", "#c9795b", "#eef4f3", "#1f2a2b"


def main() -> None:
    card = Image.new("RGB", (1200, 630), PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 1200, 28), fill=BRAND)
    bold = ImageFont.truetype(str(FONTS / "AtkinsonHyperlegible_700Bold.ttf"), 92)
    regular = ImageFont.truetype(str(FONTS / "AtkinsonHyperlegible_400Regular.ttf"), 52)
    small = ImageFont.truetype(str(FONTS / "AtkinsonHyperlegible_400Regular.ttf"), 36)
    draw.text((80, 150), "Emotional Intimacy", font=bold, fill=BRAND)
    draw.text((80, 270), "A Handbook for Couples", font=regular, fill=INK)
    draw.text(
        (80, 470), "Susan Cole Rome, LMFT · Calabasas, California", font=small, fill=INK
    )
    for dx, colour in ((0, BRAND), (70, WARM)):
        draw.ellipse((930 + dx, 120, 1070 + dx, 260), outline=colour, width=14)
    card.save(TARGET, optimize=True)


if __name__ == "__main__":
    main()

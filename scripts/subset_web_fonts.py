"""Make the website's WOFF2 fonts from the print edition's TTF files.

Run by hand when the fonts change::

    python scripts/subset_web_fonts.py

The web fonts keep Basic Latin, Latin-1 and the typographic punctuation the
handbook uses (curly quotes, dashes, bullet, ellipsis, arrow) and drop
hinting, which modern screens do not need: about 9 KiB a face instead of 53.
The PDFs embed their own subsets of the full TTFs, so print is unaffected.
fontTools and Brotli come with WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset

FONTS = Path(__file__).resolve().parents[1] / "docs" / "_static" / "fonts"
FACES = {
    "400-normal": "AtkinsonHyperlegible_400Regular.ttf",
    "700-normal": "AtkinsonHyperlegible_700Bold.ttf",
}
UNICODES = "U+0020-007E,U+00A0-00FF,U+2013-2014,U+2018-201D,U+2022,U+2026,U+2192"


def main() -> None:
    for face, source in FACES.items():
        target = FONTS / f"atkinson-hyperlegible-{face}.woff2"
        subset.main(
            [
                str(FONTS / source),
                f"--unicodes={UNICODES}",
                "--flavor=woff2",
                "--layout-features=kern",
                "--no-hinting",
                "--desubroutinize",
                f"--output-file={target}",
            ]
        )
        print(f"{target.name}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()

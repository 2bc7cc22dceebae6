"""Regenerate bplib/viz/fonts/NotoSansSC-{Regular,Bold}-subset.otf: the Chinese glyphs the pictures need, nothing else.

Matplotlib ships no CJK font and many classroom machines have none, so the course carries
a small subset of Noto Sans CJK SC (SIL Open Font License 1.1) with the glyphs of every
Chinese string in bplib.viz.catalogue, plus ASCII and the usual CJK punctuation, plus the
Chinese characters of the string literals in the code cells of notebooks/zh/*.ipynb (a label a
Chinese notebook passes to a plot, e.g. title="…"). Run it after adding Chinese text to the
catalogue or to a zh notebook's code (tests/test_i18n.py fails until you do):

    apt-get install -y fonts-noto-cjk          # Debian/Ubuntu: the source font
    .venv/bin/python tools/subset_font.py      # [--source FILE.ttc|otf] [--out DIR]

The output is byte-stable: fixed timestamps, glyphs in code-point order. The family is
renamed "Noto Sans SC bplib" so a system Noto Sans CJK never shadows the bundled file
(the OFL reserves no "Noto" name; the subset keeps the original copyright and licence).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOURCES = ["/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",  # Debian fonts-noto-cjk
           "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",  # Fedora, Arch
           "/usr/share/fonts/opentype/noto/NotoSansCJKsc-{weight}.otf"]
WEIGHTS = ("Regular", "Bold")  # the pictures use both: titles and captions, and bold table heads and numbers
FACE = "Noto Sans CJK SC"  # the face inside the collection: Simplified Chinese glyph shapes
LICENSE_SOURCE = "/usr/share/doc/fonts-noto-cjk/copyright"  # Debian's copy of the OFL text
EXTRA = "，。、：；！？（）《》“”‘’—…·～【】「」"  # CJK punctuation a translator may reach for
TIMESTAMP = 0x7C259DC0  # 2020-01-01 in the font epoch (1904): a fixed date, so the bytes are stable
ZH_NOTEBOOKS = ROOT / "notebooks" / "zh"
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")  # CJK ideographs, full-width forms, CJK punctuation


def code_string_literals(source: str) -> list:
    """The string literals (f-strings included) of one code cell's Python source, as written; [] if it does not tokenize.

    IPython magics (%matplotlib, !pip) are skipped line by line; comments are not string literals;
    the value of an ``alt=`` keyword (alt text, never drawn) is left out.
    """
    if not isinstance(source, str):
        raise TypeError(f"code_string_literals: source must be a str, got {type(source).__name__}")
    lines = "".join(line if not line.lstrip().startswith(("%", "!")) else "\n" for line in source.splitlines(True))
    try:
        tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(lines).readline)
                  if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    # alt="…" (show_figure's alt text, maybe several implicitly joined pieces, maybe in parentheses) is read by a
    # screen reader, never drawn: it needs no glyph
    literals, i = [], 0
    while i < len(tokens):
        if tokens[i].string == "alt" and i + 1 < len(tokens) and tokens[i + 1].string == "=":
            i += 2
            wrapped = i < len(tokens) and tokens[i].string == "("
            i += wrapped
            while i < len(tokens) and tokens[i].type == tokenize.STRING:
                i += 1
            continue
        if tokens[i].type == tokenize.STRING:
            literals.append(tokens[i].string)
        i += 1
    return literals


def notebook_characters(folder=ZH_NOTEBOOKS) -> str:
    """The CJK characters of the string literals in the code cells of folder/*.ipynb, sorted by code point.

    folder: a directory of notebooks (default notebooks/zh); a missing folder gives "".
    """
    chars = set()
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (ValueError, KeyError) as e:
            raise SystemExit(f"subset_font: {path} is not a notebook ({e})") from None
        for cell in cells:
            if cell.get("cell_type") == "code":
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                chars |= set(CJK.findall("".join(code_string_literals(source))))
    return "".join(sorted(chars))


def catalogue_characters() -> str:
    """Every character of the Chinese catalogue and of the zh notebooks' string literals, plus printable ASCII and EXTRA.

    Returns them as one str, sorted by code point.
    """
    from bplib.viz.catalogue import all_strings

    chars = set("".join(all_strings("zh"))) | set(notebook_characters()) | {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA)
    return "".join(sorted(ch for ch in chars if ch not in "\n\t"))


def _face(path: str):
    from fontTools.ttLib import TTCollection, TTFont

    if path.endswith((".ttc", ".otc")):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == FACE:
                return font
        raise SystemExit(f"subset_font: {path} has no face named {FACE!r}")
    return TTFont(path)


def subset(source: str, chars: str, weight: str = "Regular"):
    """The source face cut down to chars, renamed and with fixed timestamps (a fontTools TTFont)."""
    from fontTools import subset as ftsubset

    font = _face(source)
    copyright_ = font["name"].getDebugName(0)
    options = ftsubset.Options()
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = [0x409]
    options.layout_features = ["kern", "palt", "vert", "locl", "ccmp"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    sub = ftsubset.Subsetter(options)
    sub.populate(unicodes=[ord(ch) for ch in chars])
    sub.subset(font)
    family, full, ps = "Noto Sans SC bplib", f"Noto Sans SC bplib {weight}", f"NotoSansSCbplib-{weight}"
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17):
            name.removeNames(nameID=rec.nameID)
    for nid, value in ((1, family), (2, weight), (3, f"{ps};subset of {FACE} for bplib"), (4, full), (6, ps)):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    name.setName(copyright_, 0, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = full, family
    font["head"].created = font["head"].modified = TIMESTAMP
    font.recalcTimestamp = False
    return font, copyright_


def license_text(copyright_: str) -> str:
    """OFL.txt: the font's copyright line, what this file is, and the SIL Open Font License 1.1 itself."""
    try:
        raw = Path(LICENSE_SOURCE).read_text(encoding="utf-8")
    except OSError:
        raw = gzip.decompress(Path(LICENSE_SOURCE + ".gz").read_bytes()).decode()
    body = raw.split("License: SIL-1.1\n", 2)[-1].split("\nLicense: ", 1)[0]
    lines = [re.sub(r"^ \.?$", "", ln)[1:] if ln.startswith(" ") else ln for ln in body.splitlines()]
    return (f"{copyright_}\n\nNotoSansSC-Regular-subset.otf and NotoSansSC-Bold-subset.otf are subsets of {FACE} (Noto Sans CJK, https://github.com/notofonts/noto-cjk)\n"
            "made by tools/subset_font.py, renamed \"Noto Sans SC bplib\". It is licensed under the SIL Open Font License,\n"
            "Version 1.1, reproduced below.\n\n" + "\n".join(lines).strip() + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default=None, help="the Noto Sans CJK Regular file; Bold is the same path with "
                        f"Bold for Regular (default: the first of {SOURCES} found)")
    parser.add_argument("--out", default=str(ROOT / "bplib" / "viz" / "fonts"), help="output folder")
    args = parser.parse_args(argv)
    regular = args.source or next((s.format(weight="Regular") for s in SOURCES
                                   if Path(s.format(weight="Regular")).is_file()), None)
    if regular is None:
        parser.error("no Noto Sans CJK found; install Debian's fonts-noto-cjk or pass --source")
    chars = catalogue_characters()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for weight in WEIGHTS:
        source = regular.replace("Regular", weight)
        if not Path(source).is_file():
            parser.error(f"{source} not found: the {weight} weight must sit beside the Regular one")
        font, copyright_ = subset(source, chars, weight)
        target = out / f"NotoSansSC-{weight}-subset.otf"
        font.save(target)
        print(f"{target.name}: {len(chars)} characters, {len(font.getGlyphOrder())} glyphs, "
              f"{target.stat().st_size / 1024:.0f} kB")
    (out / "OFL.txt").write_text(license_text(copyright_), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

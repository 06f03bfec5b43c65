"""The font stacks of every PDF the product renders (notices now, reply letters next).

Each stack names the licensed GB fonts of the official-document standard first (GB/T 9704: 仿宋 for
the body, 小标宋 for titles, 黑体 for headings), for machines that have them, then the free Noto CJK
face Debian ships (fonts-noto-cjk), then Hanazono (fonts-hanazono): HanaMinB covers CJK Extension B
to F (𠀀𠀁𪚥, frequent in personal and place names), which Noto CJK mostly lacks, and HanaMinA adds
rare BMP ideographs. A generic family comes last.

Emoji come from Noto Color Emoji (fonts-noto-color-emoji), which WeasyPrint draws in colour (CBDT
bitmaps; its COLR support needs HarfBuzz 13, Debian 12 has 6). The stacks must NOT name it (nor the
generic ``emoji``): fontconfig's 45-generic.conf and 60-generic.conf then ask for ``lang=und-zsye``
and colour for the whole list, so the emoji font outranks the text fonts for every character it has
and digits, ©, ™, ☎, ♥ print as grey emoji bitmaps. Unnamed, it still gets every emoji-presentation
run: Pango itemizes those separately and asks fontconfig for the emoji language, where
60-generic.conf prefers Noto Color Emoji (a monochrome font named in a stack, such as HanaMinA's
👍, does not take them).

scripts/setup.sh installs the three font packages. The document must keep ``lang="zh-CN"``: with
another language Pango picks Japanese glyph forms from the CJK fonts.

Use them through the ``pdf_fonts`` template library: ``font-family: {% font_family "body" %};``.
"""

EXTENSION_B = ("HanaMinB", "HanaMinA")
EMOJI_FONT = "Noto Color Emoji"  # chosen by Pango for emoji runs; never listed in a stack

BODY = ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", *EXTENSION_B, "serif")
TITLE = ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC", *EXTENSION_B, "serif")
HEADING = ("SimHei", "黑体", "Noto Sans CJK SC", *EXTENSION_B, "sans-serif")

STACKS = {"body": BODY, "title": TITLE, "heading": HEADING}
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji"}


def css_font_family(stack):
    """The CSS ``font-family`` value of a stack: named families quoted, the generic one bare."""
    return ", ".join(name if name in GENERIC_FAMILIES else f'"{name}"' for name in stack)

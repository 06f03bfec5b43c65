"""Just enough of a PDF reader to tell which glyph of which embedded font prints each character.

Reads the PDFs WeasyPrint writes (indirect objects, object streams, Flate streams with PNG
predictors): the text each page shows as (font, glyph id, characters) triples, decoded with the
font's ToUnicode map, the embedded font programs (read with fontTools) and the images drawn.
No third-party PDF library is needed; fontTools and Pillow come with WeasyPrint.
"""

import io
import re
import zlib
from dataclasses import dataclass, field

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image

WHITESPACE = b" \t\r\n\f\0"
DELIMITERS = b"()<>[]{}/%"
NUMBER = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)")
REFERENCE = re.compile(rb"\s+(\d+)\s+R(?![A-Za-z])")
INDIRECT_OBJECT = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b")


class Name(str):
    """A PDF name, without its slash."""


class Operator(str):
    """A content-stream operator or a bare keyword."""


@dataclass(frozen=True)
class Ref:
    number: int


@dataclass
class Stream:
    info: dict
    raw: bytes

    @property
    def data(self):
        data = self.raw
        filters = self.info.get("Filter", [])
        filters = filters if isinstance(filters, list) else [filters]
        for name in filters:
            if name != "FlateDecode":
                raise NotImplementedError(f"filter {name}")
            data = zlib.decompress(data)
        return data


class Lexer:
    def __init__(self, data, position=0):
        self.data = data
        self.position = position

    def skip(self):
        data = self.data
        while self.position < len(data):
            if data[self.position] in WHITESPACE:
                self.position += 1
            elif data[self.position] == ord("%"):
                while self.position < len(data) and data[self.position] not in b"\r\n":
                    self.position += 1
            else:
                break

    def at_end(self):
        self.skip()
        return self.position >= len(self.data)

    def parse(self):
        """The next object; ``n 0 R`` becomes a Ref, bare keywords become Operators."""
        self.skip()
        data, start = self.data, self.position
        char = data[start : start + 1]
        if data.startswith(b"<<", start):
            self.position += 2
            result = {}
            while not self._closing(b">>"):
                key = self.parse()
                result[key] = self.parse()
            return result
        if char == b"[":
            self.position += 1
            result = []
            while not self._closing(b"]"):
                result.append(self.parse())
            return result
        if char == b"<":
            end = data.index(b">", start)
            self.position = end + 1
            return bytes.fromhex(data[start + 1 : end].decode())
        if char == b"(":
            return self._literal_string()
        if char == b"/":
            end = start + 1
            while end < len(data) and data[end] not in WHITESPACE + DELIMITERS:
                end += 1
            self.position = end
            return Name(
                re.sub(r"#([0-9a-fA-F]{2})", lambda m: chr(int(m[1], 16)), data[start + 1 : end].decode())
            )
        number = NUMBER.match(data, start)
        if number and (number.end() == len(data) or data[number.end()] not in b"0123456789"):
            self.position = number.end()
            value = float(number[0]) if b"." in number[0] else int(number[0])
            if isinstance(value, int):
                reference = REFERENCE.match(data, self.position)
                if reference:
                    self.position = reference.end()
                    return Ref(value)
            return value
        end = start
        while end < len(data) and data[end] not in WHITESPACE + DELIMITERS:
            end += 1
        end = max(end, start + 1)
        self.position = end
        word = data[start:end].decode("latin-1")
        return {"true": True, "false": False, "null": None}.get(word, Operator(word))

    def _closing(self, token):
        self.skip()
        if self.data.startswith(token, self.position):
            self.position += len(token)
            return True
        return False

    def _literal_string(self):
        data, position, depth, result = self.data, self.position + 1, 1, bytearray()
        escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
        while True:
            char = data[position]
            position += 1
            if char == ord("\\"):
                following = data[position]
                position += 1
                if following in escapes:
                    result.append(escapes[following])
                elif chr(following) in "01234567":
                    digits = data[position - 1 : position + 2]
                    octal = re.match(rb"[0-7]{1,3}", digits)[0]
                    position += len(octal) - 1
                    result.append(int(octal, 8) & 0xFF)
                elif following not in b"\r\n":
                    result.append(following)
                continue
            if char == ord("("):
                depth += 1
            elif char == ord(")"):
                depth -= 1
                if depth == 0:
                    self.position = position
                    return bytes(result)
            result.append(char)


@dataclass
class Glyph:
    font: str  # BaseFont without the subset tag, e.g. "Noto-Serif-CJK-SC"
    gid: int
    text: str  # what the ToUnicode map says it prints


@dataclass
class Font:
    base_font: str
    to_unicode: dict
    program: TTFont | None  # None for Type 3 (bitmap) fonts

    def has_glyph(self, gid):
        """Whether glyph ``gid`` exists in the embedded program and is not .notdef.

        WeasyPrint gives a character no font has an id past the font's last glyph, and viewers
        draw .notdef (a box) for it.
        """
        return self.program is not None and 0 < gid < self.program["maxp"].numGlyphs

    def has_outline(self, gid):
        """Whether glyph ``gid`` exists in the embedded program and draws something."""
        if not self.has_glyph(gid):
            return False
        name = self.program.getGlyphOrder()[gid]
        glyphs = self.program.getGlyphSet()
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        return pen.bounds is not None


@dataclass
class Page:
    glyphs: list = field(default_factory=list)
    images: list = field(default_factory=list)  # PIL images, in drawing order

    @property
    def text(self):
        return "".join(glyph.text for glyph in self.glyphs)


class Document:
    def __init__(self, data):
        self.data = data
        self.objects = {}
        position = 0
        while match := INDIRECT_OBJECT.search(data, position):
            lexer = Lexer(data, match.end())
            value = lexer.parse()
            lexer.skip()
            position = lexer.position
            if isinstance(value, dict) and data.startswith(b"stream", lexer.position):
                start = lexer.position + len(b"stream")
                start += 2 if data.startswith(b"\r\n", start) else 1
                position = start + self.resolve(value["Length"])
                value = Stream(value, data[start:position])
            self.objects[int(match[1])] = value
        for value in list(self.objects.values()):
            if isinstance(value, Stream) and value.info.get("Type") == "ObjStm":
                self._unpack(value)
        self._fonts = {}

    def _unpack(self, stream):
        data = stream.data
        header = Lexer(data[: stream.info["First"]])
        pairs = [header.parse() for _ in range(2 * stream.info["N"])]
        for number, offset in zip(pairs[::2], pairs[1::2], strict=True):
            self.objects.setdefault(number, Lexer(data, stream.info["First"] + offset).parse())

    def resolve(self, value):
        while isinstance(value, Ref):
            value = self.objects[value.number]
        return value

    @property
    def pages(self):
        root = self.resolve(self.resolve(self._trailer())["Root"])
        return [self._read_page(page) for page in self._leaves(self.resolve(root["Pages"]))]

    def _trailer(self):
        for value in self.objects.values():
            if isinstance(value, Stream) and value.info.get("Type") == "XRef":
                return value.info
        trailer = self.data.rindex(b"trailer")
        return Lexer(self.data, trailer + len(b"trailer")).parse()

    def _leaves(self, node):
        if node.get("Type") == "Page":
            yield node
            return
        for kid in node["Kids"]:
            yield from self._leaves(self.resolve(kid))

    def _read_page(self, page_dict):
        page = Page()
        contents = self.resolve(page_dict["Contents"])
        contents = contents if isinstance(contents, list) else [contents]
        data = b"\n".join(self.resolve(item).data for item in contents)
        self._run(data, self.resolve(page_dict.get("Resources", {})), page)
        return page

    def _run(self, data, resources, page):
        lexer, operands, font = Lexer(data), [], None
        while not lexer.at_end():
            token = lexer.parse()
            if not isinstance(token, Operator):
                operands.append(token)
                continue
            if token == "Tf":
                font = self.font(self.resolve(self.resolve(resources["Font"])[operands[0]]))
            elif token in ("Tj", "'", '"', "TJ"):
                strings = operands[-1] if token == "TJ" else [operands[-1]]
                for string in strings:
                    if isinstance(string, bytes):
                        page.glyphs.extend(self._decode(font, string))
            elif token == "Do":
                xobject = self.resolve(self.resolve(resources["XObject"])[operands[0]])
                if xobject.info.get("Subtype") == "Image":
                    page.images.append(self.image(xobject))
                elif xobject.info.get("Subtype") == "Form":
                    self._run(xobject.data, self.resolve(xobject.info.get("Resources", resources)), page)
            elif token == "BI":  # inline image: skip its data
                lexer.position = data.index(b"EI", data.index(b"ID", lexer.position)) + 2
            operands = []

    def _decode(self, font, string):
        width = 1 if font.program is None else 2
        for index in range(0, len(string), width):
            gid = int.from_bytes(string[index : index + width], "big")
            yield Glyph(font.base_font, gid, font.to_unicode.get(gid, ""))

    def font_named(self, base_font):
        """A font the pages use, by its BaseFont without the subset tag (read the pages first)."""
        return next(font for font in self._fonts.values() if font.base_font == base_font)

    def font(self, font_dict):
        key = id(font_dict)
        if key not in self._fonts:
            base_font = str(font_dict.get("BaseFont", font_dict.get("Name", "")))
            base_font = base_font.split("+", 1)[-1]
            to_unicode = self._to_unicode(self.resolve(font_dict["ToUnicode"]).data)
            program = None
            if font_dict.get("Subtype") == "Type0":
                descendant = self.resolve(self.resolve(font_dict["DescendantFonts"])[0])
                descriptor = self.resolve(descendant["FontDescriptor"])
                for key_name in ("FontFile2", "FontFile3", "FontFile"):
                    if key_name in descriptor:
                        program = TTFont(io.BytesIO(self.resolve(descriptor[key_name]).data))
                        break
            self._fonts[key] = Font(base_font, to_unicode, program)
        return self._fonts[key]

    @staticmethod
    def _to_unicode(cmap):
        mapping = {}

        def utf16(raw):
            return bytes.fromhex(raw.decode()).decode("utf-16-be")

        for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
            for source, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
                mapping[int(source, 16)] = utf16(target)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
            for low, high, target in re.findall(
                rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
            ):
                first = utf16(target)
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    mapping[int(low, 16) + offset] = first[:-1] + chr(ord(first[-1]) + offset)
        return mapping

    def image(self, stream):
        """An image XObject as a Pillow image (8-bit Flate images, with or without PNG predictors)."""
        info = stream.info
        width, height = info["Width"], info["Height"]
        mode, channels = {"DeviceRGB": ("RGB", 3), "DeviceGray": ("L", 1)}[info["ColorSpace"]]
        data = stream.data
        parameters = self.resolve(info.get("DecodeParms", {})) or {}
        if parameters.get("Predictor", 1) >= 10:
            data = _unpredict(data, width * channels, channels)
        return Image.frombytes(mode, (width, height), data)


def _unpredict(data, row_length, pixel_size):
    """Undo the PNG row filters (None, Sub, Up, Average, Paeth) of a predicted Flate stream."""
    rows, previous, position = [], bytearray(row_length), 0
    while position < len(data):
        kind, row = data[position], bytearray(data[position + 1 : position + 1 + row_length])
        position += 1 + row_length
        for i in range(row_length):
            left = row[i - pixel_size] if i >= pixel_size else 0
            up = previous[i]
            up_left = previous[i - pixel_size] if i >= pixel_size else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
                predictor = (left, up, up_left)[distances.index(min(distances))]
                row[i] = (row[i] + predictor) & 0xFF
        rows.append(bytes(row))
        previous = row
    return b"".join(rows)

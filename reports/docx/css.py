"""The CSS of the document templates, read well enough to lay the same text out in Word.

Simple selectors only (tags, classes, ids, descendant and child combinators), the cascade by
specificity then order, and the inheritance of the text properties.
"""

import functools
import re

import tinycss2

INHERITED = {
    "font-size",
    "font-weight",
    "font-style",
    "text-align",
    "text-transform",
    "text-indent",
    "line-height",
    "white-space",
    # Not inherited in CSS, but it decorates the text of every descendant.
    "text-decoration",
}
# Styles kept by one stylesheet at most (a document has a few hundred distinct ones).
CACHE_SIZE = 4096
# The browser's own defaults that the templates rely on.
UA_STYLE = {
    "h1": {"font-weight": "bold"},
    "h2": {"font-weight": "bold", "margin": "6pt 0 3pt"},
    "h3": {"font-weight": "bold", "margin": "6pt 0 3pt"},
    "h4": {"font-weight": "bold", "margin": "6pt 0 3pt"},
    "th": {"font-weight": "bold", "text-align": "center"},
    "strong": {"font-weight": "bold"},
    "b": {"font-weight": "bold"},
    "em": {"font-style": "italic"},
    "i": {"font-style": "italic"},
    "u": {"text-decoration": "underline"},
}


def _specificity(selector: str) -> tuple[int, int, int] | None:
    """(ids, classes, tags) of a selector made of tags, classes and ids, or None if richer."""
    if re.search(r"[:\[+~]", selector):
        return None
    ids = classes = tags = 0
    for part in selector.replace(">", " ").split():
        ids += part.count("#")
        classes += part.count(".")
        tags += 1 if re.match(r"[a-zA-Z]", part) else 0
    return ids, classes, tags


@functools.cache
def _compound(compound: str) -> tuple[str, frozenset, tuple]:
    """A compound selector's tag ('' for any), classes and ids, parsed once."""
    tag = re.match(r"[a-zA-Z][\w-]*", compound)
    classes = frozenset(re.findall(r"\.([\w-]+)", compound))
    return (tag.group().lower() if tag else ""), classes, tuple(re.findall(r"#([\w-]+)", compound))


@functools.cache
def _parts(selector: str) -> list[str]:
    return selector.replace(">", " > ").split()


def _compound_matches(element, compound: str) -> bool:
    tag, classes, ids = _compound(compound)
    if tag and element.tag != tag:
        return False
    if classes and not classes <= set((element.get("class") or "").split()):
        return False
    return all(element.get("id") == i for i in ids)


def _matches(element, selector: str) -> bool:
    parts = _parts(selector)
    if not _compound_matches(element, parts[-1]):
        return False
    node, index, child = element, len(parts) - 2, False
    while index >= 0:
        if parts[index] == ">":
            child, index = True, index - 1
            continue
        node = node.getparent()
        while node is not None and not _compound_matches(node, parts[index]):
            if child:
                return False
            node = node.getparent()
        if node is None:
            return False
        index, child = index - 1, False
    return True


def _declarations(tokens) -> dict:
    found = {}
    for item in tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def _expand(declarations: dict) -> dict:
    """Split the shorthands the templates use (margin, padding, border) into their sides."""
    out = {}
    for name, value in declarations.items():
        if name in ("margin", "padding"):
            for side, part in box_sides(value.split()).items():
                out[f"{name}-{side}"] = part
        elif name == "border":
            for side in ("top", "right", "bottom", "left"):
                out[f"border-{side}"] = value
        else:
            out[name] = value
    return out


def box_sides(values: list) -> dict:
    """The four sides of a CSS shorthand of one to four values (top, right, bottom, left)."""
    order = {1: [0, 0, 0, 0], 2: [0, 1, 0, 1], 3: [0, 1, 2, 1], 4: [0, 1, 2, 3]}.get(len(values))
    if not order:
        return {}
    return {
        side: values[i] for side, i in zip(("top", "right", "bottom", "left"), order, strict=True)
    }


class Stylesheet:
    """The rules of the document's CSS and the cascade over them (by specificity, then order)."""

    def __init__(self, css: str):
        self.rules = []
        self.page: dict = {}
        self.page_boxes: dict = {}
        self.first_boxes: dict = {}
        self._cache: dict = {}
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        for order, rule in enumerate(rules):
            if rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content:
                self._page_rule(rule)
            elif rule.type == "qualified-rule":
                declarations = _expand(_declarations(rule.content))
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    selector = selector.strip()
                    specificity = _specificity(selector)
                    if selector and specificity is not None:
                        self.rules.append((specificity, order, selector, declarations))
        self.rules.sort(key=lambda r: (r[0], r[1]))

    def _page_rule(self, rule) -> None:
        first = ":first" in tinycss2.serialize(rule.prelude)
        boxes = self.first_boxes if first else self.page_boxes
        items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
        for item in items:
            if item.type == "declaration" and not first:
                self.page[item.lower_name] = tinycss2.serialize(item.value).strip()
            elif item.type == "at-rule" and item.content:
                boxes[item.lower_at_keyword] = _declarations(item.content).get("content", "")

    def computed(self, element, parent: dict) -> dict:
        """The element's style: inherited values, the browser's defaults, rules, inline style.

        The selectors read only tags, classes and ids up the tree, so an element's style is
        fixed by those of its ancestors, its inline style and its parent's style: the cascade
        runs once for each such element (a table's rows and cells repeat a handful of them).
        """
        key = (
            tuple((node.tag, node.get("class"), node.get("id")) for node in _lineage(element)),
            element.get("style"),
            tuple(parent.items()),
        )
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            found = self._cache[key] = self._cascade(element, parent)
        return dict(found)

    def _cascade(self, element, parent: dict) -> dict:
        style = {k: v for k, v in parent.items() if k in INHERITED}
        own = dict(UA_STYLE.get(element.tag, {}))
        for _spec, _order, selector, declarations in self.rules:
            if _matches(element, selector):
                own.update(declarations)
        inline = element.get("style")
        if inline:
            own.update(_declarations(tinycss2.parse_component_value_list(inline)))
        own = _expand(own)
        if "font-size" in own:
            own["font-size"] = str(points(own["font-size"], font_size(parent)) or font_size(parent))
        style.update(own)
        return style

    def style(self, element) -> dict:
        if element is None:
            return {"font-size": "12"}
        chain = [element, *element.iterancestors()][::-1]
        style = {"font-size": "12"}
        for node in chain:
            style = self.computed(node, style)
        return style


def _lineage(element):
    while element is not None:
        yield element
        element = element.getparent()


@functools.lru_cache(maxsize=8)
def stylesheet(css: str) -> "Stylesheet":
    """The parsed stylesheet of a template's CSS, kept with its cascade between documents."""
    return Stylesheet(css)


def font_size(style: dict) -> float:
    return float(style.get("font-size", 12))


def points(value: str | None, font_size: float = 12.0, reference: float | None = None):
    """A CSS length in points (em and % of the font size, or of ``reference`` when given)."""
    if not value:
        return None
    match = re.match(r"(-?[\d.]+)\s*(pt|px|mm|cm|in|em|rem|%)?$", value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    factor = {"pt": 1, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72, "rem": 12}
    if unit == "em":
        return number * font_size
    if unit == "%":
        return number / 100 * (reference if reference is not None else font_size)
    return number * factor[unit]


def border_width(value: str | None) -> float:
    """The width in points of a solid border declaration, 0 when there is none."""
    if not value or "none" in value or "hidden" in value:
        return 0.0
    for part in value.split():
        width = points(part)
        if width is not None:
            return width
    return 0.75

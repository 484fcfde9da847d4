"""Submit a Django admin form as a browser would: every field with the value the page shows."""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.buttons = set()
        self._select = None
        self._options = []
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and name:
            if kind in SKIPPED_INPUTS:
                if kind == "submit":
                    self.buttons.add(name)
            elif kind not in ("checkbox", "radio") or "checked" in attrs:
                self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            # A newline right after <textarea> is not part of its value (HTML parsing rules).
            value = self.data[self._textarea][-1]
            self.data[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            # A browser sends the first option of a single select when none is selected.
            for value in chosen or [v for v, _ in self._options[:1]]:
                self._add(self._select, value)
            self._select = None


def form_data(html: str, form_id: str) -> tuple[dict, set]:
    """The fields of the form ``form_id`` as the page fills them, and its submit buttons."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.data, reader.buttons

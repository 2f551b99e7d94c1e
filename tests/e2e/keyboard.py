"""A keyboard-only walk through a page: Tab, Shift+Tab, Enter, Space and the arrow keys only.

After every key the walker checks that the focused element shows where it is (an outline or a
box-shadow, on the element or on the label that stands for it) and is on screen; after Tab and
Shift+Tab, that focus moved forward (backward) in the page, in reading order. It remembers every
control it reached, so a test can assert at the end that no visible control was left out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ALLOWED_KEYS = {"Tab", "Shift+Tab", "Enter", "Space"} | {
    f"Arrow{way}" for way in ("Up", "Down", "Left", "Right")
}

# Every control a user could operate, whether or not it is in the Tab order (a button with
# tabindex="-1" or a <div role="button"> is a control the keyboard cannot reach); hidden ones are
# dropped by _CONTROLS_JS.
_CONTROLS_SELECTOR = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1']), [role=button], [role=link], [role=checkbox], [role=radio], "
    "[role=switch], [role=tab], [role=menuitem], [role=option], [role=slider], [contenteditable]"
)

_SHARED_JS = """
  const key = el => {
    if (el.type === "radio" && el.name) return "radio:" + el.name;
    if (!el.dataset.kwKey) {
      window.__kwNext = (window.__kwNext || 0) + 1;
      el.dataset.kwKey = "kw-" + window.__kwNext;
    }
    return el.dataset.kwKey;
  };
  const shown = el => {
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return false;
    const closed = el.closest("details:not([open])");
    if (closed && el !== closed.querySelector(":scope > summary")) return false;
    return !el.closest("[inert]");
  };
  const nameOf = el => (
    el.getAttribute("aria-label")
    || (el.labels && el.labels.length && el.labels[0].innerText)
    || el.innerText || el.value || el.name || el.tagName
  ).trim().replace(/\\s+/g, " ").slice(0, 200);
"""

_FOCUS_JS = (
    """(direction) => {"""
    + _SHARED_JS
    + """
  const el = document.activeElement;
  const previous = window.__kwPrevious || null;
  if (!el || el === document.body || el === document.documentElement) {
    window.__kwPrevious = null;
    return null;
  }
  window.__kwPrevious = el;
  // A visually hidden radio (Bootstrap's .btn-check) shows its focus on its label.
  const indicator = (el.classList.contains("btn-check") && el.labels && el.labels[0]) || el;
  const style = getComputedStyle(indicator);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const box = indicator.getBoundingClientRect();
  const onScreen = box.bottom > 0 && box.right > 0
    && box.top < window.innerHeight && box.left < window.innerWidth && box.width > 0;
  let order = "first";
  if (previous && previous.isConnected && previous !== el) {
    const relation = previous.compareDocumentPosition(el);
    const after = !!(relation & Node.DOCUMENT_POSITION_FOLLOWING);
    const a = previous.getBoundingClientRect(), b = el.getBoundingClientRect();
    const sameLine = b.top < a.bottom && a.top < b.bottom;
    // Reading order: further down the page, or on the same line further right.
    const readsAfter = sameLine ? b.left >= a.left - 1 : b.top >= a.top;
    if (direction === "forward") order = after && readsAfter ? "ok" : "out-of-order";
    else if (direction === "backward") order = !after && !readsAfter ? "ok" : "out-of-order";
    else order = "n/a";
  }
  return {
    key: key(el),
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    id: el.id,
    name: nameOf(el),
    checked: !!el.checked,
    item: (el.closest(".ranking-item") || {dataset: {}}).dataset.name || "",
    classes: el.className || "",
    visibleFocus: outline || shadow,
    outline: style.outlineStyle + " " + style.outlineWidth,
    boxShadow: style.boxShadow,
    onScreen: onScreen,
    order: order,
  };
}"""
)

_CONTROLS_JS = (
    """(selector) => {"""
    + _SHARED_JS
    + """
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || !shown(el)) continue;
    if (el.tagName === "SUMMARY" && el.parentElement.tagName !== "DETAILS") continue;
    const k = key(el);
    if (!found.some(f => f.key === k)) found.push({key: k, name: nameOf(el)});
  }
  return found;
}"""
)


@dataclass
class Focus:
    key: str
    tag: str
    type: str
    id: str
    name: str
    checked: bool
    item: str  # the ranking item the control belongs to, if any
    classes: str
    visibleFocus: bool  # camelCase: the names the browser script returns
    outline: str
    boxShadow: str
    onScreen: bool
    order: str

    def __str__(self) -> str:
        return f"<{self.tag}{' ' + self.type if self.type else ''}> {self.name!r}"


@dataclass
class KeyboardWalk:
    """Drives a page with the allowed keys only and checks focus after each one."""

    page: object
    reached: dict[str, str] = field(default_factory=dict)  # control key -> name
    trail: list[str] = field(default_factory=list)  # what was focused, for failure messages
    max_tabs: int = 400

    def __post_init__(self) -> None:
        # Scroll-into-view on focus is instant with reduced motion (Bootstrap animates it
        # otherwise), so "on screen" is judged where the page ends up, not half-way there.
        self.page.emulate_media(reduced_motion="reduce")

    def press(self, key: str, *, navigates: bool = False) -> Focus | None:
        """Press one allowed key and check the focus; ``navigates`` when it loads a new page."""
        if key not in ALLOWED_KEYS:
            raise ValueError(f"{key} is not a key this walk may use")
        browser_key = " " if key == "Space" else key
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(browser_key)
            self.page.wait_for_load_state()
            self.start()
            self.trail.append(f"{key} → {self.page.url}")
            return self.focus
        self.page.keyboard.press(browser_key)
        direction = {"Tab": "forward", "Shift+Tab": "backward"}.get(key, "stay")
        return self._check(key, direction)

    def start(self) -> None:
        """A new page: forget what was reached on the last one; the next Tab starts the order."""
        self.reached.clear()
        self.page.evaluate("() => { window.__kwPrevious = document.activeElement; }")

    @property
    def focus(self) -> Focus | None:
        """What has the focus now (checks nothing: the caller asserts what it expects)."""
        raw = self.page.evaluate(_FOCUS_JS, "none")
        if raw is None:
            return None
        focus = Focus(**raw)
        self.reached[focus.key] = focus.name
        return focus

    def _check(self, key: str, direction: str) -> Focus | None:
        self.page.wait_for_load_state()
        raw = self.page.evaluate(_FOCUS_JS, direction)
        if raw is None:
            self.trail.append(f"{key} → (nothing)")
            return None
        focus = Focus(**raw)
        # The page scrolls smoothly (Bootstrap's scroll-behavior): give it time to arrive.
        for _ in range(60):
            if focus.onScreen:
                break
            self.page.wait_for_timeout(50)
            focus.onScreen = self.page.evaluate(_FOCUS_JS, "none")["onScreen"]
        self.trail.append(f"{key} → {focus}")
        where = self._where()
        assert focus.visibleFocus, f"focus is not visible on {focus} after {key}{where}"
        assert focus.onScreen, f"{focus} has the focus but is off screen after {key}{where}"
        assert focus.order != "out-of-order", (
            f"{key} moved focus against the page's reading order, to {focus}{where}"
        )
        self.reached[focus.key] = focus.name
        return focus

    def _where(self) -> str:
        return "\nlast steps:\n  " + "\n  ".join(self.trail[-8:])

    def tab_to(
        self,
        name: str | None = None,
        *,
        id: str | None = None,
        where: Callable[[Focus], bool] | None = None,
        backward: bool = False,
    ) -> Focus:
        """Tab (or Shift+Tab) until the control with this accessible name (or id, or for which
        ``where`` holds) has the focus."""
        key = "Shift+Tab" if backward else "Tab"
        if where is None:
            where = (lambda f: f.id == id) if id is not None else (lambda f: f.name == name)
        for _ in range(self.max_tabs):
            focus = self.press(key)
            if focus is not None and where(focus):
                return focus
        raise AssertionError(f"{name or id or where!r} never reached with {key}{self._where()}")

    def tab_through(self) -> None:
        """Tab on to the end of the page (focus leaves the document)."""
        for _ in range(self.max_tabs):
            if self.press("Tab") is None:
                return
        raise AssertionError(f"Tab never left the page{self._where()}")

    def unreached(self) -> list[str]:
        """Visible controls of the page as it is now that the walk never focused."""
        controls = self.page.evaluate(_CONTROLS_JS, _CONTROLS_SELECTOR)
        return [f"{c['name']!r} ({c['key']})" for c in controls if c["key"] not in self.reached]

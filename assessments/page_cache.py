"""Pages cached under the data versions they were built from (``versions``).

A key names every version the page shows, read *before* the page's data (the access-checking
query returns them), so a write changes the key and an entry is never served stale: it is simply
never asked for again, and expires. A page built while a write commits may hold data newer than
its key says, never older.

Two layers: a small in-process LRU (entries never change, so a hit costs no query and no lock
across processes), then the shared cache (the database cache, or Redis), so that every worker and
server reuses what one of them built. What differs per request is put in afterwards: the CSRF
token (and, on the public survey, the form's nonce) stand in the cached text as slots.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from .throttling import DatabaseCache

T = TypeVar("T")
logger = logging.getLogger(__name__)

LOCAL_ENTRIES = 200  # per process; a page is 20–120 kB
TIMEOUT = 60 * 60 * 24  # a day: entries of old versions age out of the shared cache
TOKEN_SLOT = "@@cxp-csrf-token@@"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()  # runserver and threaded servers share the process

    def get(self, key: str) -> Any:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_local = _Lru(LOCAL_ENTRIES)


def clear_local() -> None:
    """Empty this process's layer (tests; the shared cache has ``cache.clear()``)."""
    with _local.lock:
        _local.entries.clear()


@functools.cache
def code_version() -> str:
    """A digest of what the running code renders with: the app's Python, the templates, the
    compiled catalogues and the static files' manifest (hashed asset names in every page).

    Part of every key, so that after a deploy no server serves a page the old code built (nor
    reads a value of a shape the new code does not expect), and servers running the same
    release share their entries.
    """
    root = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    files = [
        *sorted((root / "assessments").rglob("*.py")),
        *sorted((root / "templates").rglob("*.html")),
        *sorted((root / "locale").rglob("*.mo")),
    ]
    manifest = Path(settings.STATIC_ROOT or root / "staticfiles") / "staticfiles.json"
    for path in [*files, manifest]:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key_for(name: str, parts: Hashable) -> str:
    """A short shared-cache key for ``parts`` (a tuple of versions, ids, language …)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"cxp:{code_version()}:{name}:{digest}"


def stamp(instance: Any, version_field: str = "data_version") -> tuple[Any, ...]:
    """What identifies one state of a row: its key, its creation time (a key reused after a
    deleted row is another row) and its version."""
    return (
        type(instance).__name__,
        instance.pk,
        instance.created_at.timestamp(),
        getattr(instance, version_field),
    )


def get_or_build(name: str, parts: Hashable, build: Callable[[], T]) -> T:
    """The value cached for ``parts``, or ``build()`` stored under it."""
    value = cached(name, parts)
    if value is None:
        value = build()
        store(name, parts, value)
    return value


def _shared_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        if isinstance(caches["default"], DatabaseCache):
            raise  # the app's own database: nothing works without it anyway
        logger.warning("page cache unreachable: building the page", exc_info=True)
        return None


def _shared_set(key: str, value: Any) -> None:
    try:
        cache.set(key, value, TIMEOUT)
    except Exception:
        if isinstance(caches["default"], DatabaseCache):
            raise
        logger.warning("page cache unreachable: not stored", exc_info=True)


def cached(name: str, parts: Hashable, *, shared: bool = True) -> Any:
    """The value stored for ``parts``, or None. ``shared=False``: this process's layer only,
    for small values cheaper to rebuild than to store in the database cache. A Redis cache
    that cannot be reached counts as a miss (logged): the page is built as without a cache."""
    key = key_for(name, parts)
    value = _local.get(key)
    if value is None and shared:
        value = _shared_get(key)
        if value is not None:
            _local.put(key, value)
    return value


def store(name: str, parts: Hashable, value: Any, *, shared: bool = True) -> None:
    key = key_for(name, parts)
    if shared:
        _shared_set(key, value)
    _local.put(key, value)


def _request_parts(request: HttpRequest) -> tuple[Any, ...]:
    """Everything besides the data that a signed-in page's text depends on."""
    user = request.user
    return (
        request.get_full_path(),
        request.get_host(),
        request.is_secure(),
        translation.get_language(),
        timezone.localdate().isoformat(),  # "printed on", "… days ago"
        user.pk,
        user.get_username(),
        user.is_staff,
    )


def with_token_slot(html: str) -> str:
    """The page's text with its CSRF token (one per rendering) replaced by a slot."""
    match = _CSRF_INPUT.search(html)
    return html.replace(match.group(1), TOKEN_SLOT) if match else html


def fill_token(request: HttpRequest, html: str) -> str:
    return html.replace(TOKEN_SLOT, get_token(request)) if TOKEN_SLOT in html else html


def page(
    request: HttpRequest, name: str, versions: Hashable, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """A signed-in GET page from the cache, or ``render()`` stored for the next request.

    ``versions`` must name every row version the page shows (``stamp``). A page with a message
    to show (after a redirect) is rendered afresh, as is any answer but a plain 200.
    """
    if request.method != "GET" or len(messages.get_messages(request)):
        return render()
    parts = (versions, _request_parts(request))
    html = cached(name, parts)
    if html is None:
        response = render()
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        store(name, parts, with_token_slot(response.content.decode(response.charset)))
        return response
    return HttpResponse(fill_token(request, html))

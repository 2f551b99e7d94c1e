"""Who the client is, and how often it may do something: counted in the cache every worker and
every server share (the database cache by default, Redis when configured)."""

import base64
import datetime as dt
import ipaddress
import logging
import pickle
import secrets

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)


def _address(value: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the outermost trusted proxy saw.

    Only ``CXP_TRUSTED_PROXY_HOPS`` proxies are believed: entries a client wrote into
    X-Forwarded-For itself sit further left and are ignored, and so is anything that is not an
    IP address. "unknown" when there is no address at all (a test request).
    """
    hops = settings.CXP_TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [p.strip() for p in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops and (address := _address(forwarded[-hops])):
            return address
    return _address(request.META.get("REMOTE_ADDR")) or "unknown"


def login_client_ip(request: HttpRequest) -> str | None:
    """django-axes' client address (AXES_CLIENT_IP_CALLABLE): as above, None when unknown,
    since axes stores it in an IP-address column."""
    address = client_ip(request)
    return None if address == "unknown" else address


def over_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one more hit on ``key`` in a fixed window of ``window`` seconds; True past ``limit``.

    ``incr`` and ``add`` are each atomic in Redis and in our database cache, so concurrent
    requests on any worker or server are all counted. The window starts at the first hit. A
    cache that cannot be reached (Redis down) lets the request through, logged: a customer's
    answer matters more than a counter.
    """
    try:
        count = _count(key, window)
    except Exception:
        if isinstance(caches["default"], DatabaseCache):
            raise  # the app's own database: nothing works without it anyway
        logger.warning("rate limit not counted: the cache is unreachable", exc_info=True)
        return False
    return count > limit


def _count(key: str, window: int) -> int:
    if isinstance(caches["default"], DatabaseCache):
        return _count_in_database(key, window)
    try:
        return cache.incr(key)
    except ValueError:  # no window open yet; if another request opens it first, count there
        return 1 if cache.add(key, 1, timeout=window) else cache.incr(key)


PRUNE_ONE_IN = 1000  # hits between two deletions of windows that ended a day ago


def _count_in_database(key: str, window: int) -> int:
    """One atomic upsert: a new window at the first hit or after the last one ended, one more
    otherwise; the count comes back with it. (The database cache's ``incr`` took a transaction
    of two statements on a locked row for the same.)"""
    from .models import RateWindow

    connection = connections[router.db_for_write(RateWindow)]
    quote = connection.ops.quote_name
    table = quote(RateWindow._meta.db_table)
    count, ends_at = quote("count"), quote("ends_at")
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, {count}, {ends_at}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({quote('key')}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{ends_at} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{ends_at} = CASE WHEN {table}.{ends_at} <= %s THEN excluded.{ends_at} "
            f"ELSE {table}.{ends_at} END RETURNING {count}",
            [key, adapt(now + dt.timedelta(seconds=window)), adapt(now), adapt(now)],
        )
        result = cursor.fetchone()[0]
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        RateWindow.objects.filter(ends_at__lt=now - dt.timedelta(days=1)).delete()
    return result


class DatabaseCache(db.DatabaseCache):
    """Django's database cache with an atomic ``incr``.

    Django's own reads the value and writes it back, so two workers incrementing at once lose a
    count; here the row is locked (PostgreSQL) or the write lock taken first (SQLite). This is
    also why the survey's counter is ours and not django-ratelimit's: that library needs a cache
    with an atomic increment and says plainly that Django's database cache has none.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by Django, not in the stubs
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        # No savepoint inside a caller's transaction: two statements need no rollback point
        # (and so nothing may raise inside the block).
        value = None
        with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is not None:
                stored = connection.ops.process_clob(row[0])
                value = pickle.loads(base64.b64decode(stored.encode())) + delta
                encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol))
                cursor.execute(
                    f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                    [encoded.decode("latin1"), key],
                )
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

"""Queries that every request runs, with their SQL built by the ORM once per process.

A page served from ``page_cache`` runs three small queries (the session, the user, the access
check); turning a QuerySet into SQL cost more than running it. A ``CompiledQuery`` builds the
QuerySet once with sample values, keeps the SQL and where each value goes, and then runs it
with ``raw()``: the query is still the one the ORM (and the rule that built it) wrote.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.utils import timezone

M = TypeVar("M", bound=Model)


class CompiledQuery(Generic[M]):
    """``build(**samples)`` compiled once; ``first(**values)`` runs it with other values.

    Samples must be whole numbers or strings that occur nowhere else in the query, so that each
    parameter can be told by its sample.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **samples: int | str) -> None:
        self.build = build
        self.samples = samples

    @functools.cached_property
    def _compiled(self) -> tuple[type[M], str, tuple[str, ...]]:
        queryset = self.build(**self.samples)
        sql, params = queryset.query.sql_with_params()
        by_sample = {sample: name for name, sample in self.samples.items()}
        return queryset.model, sql, tuple(by_sample[value] for value in params)

    def first(self, **values: Any) -> M | None:
        model, sql, order = self._compiled
        for row in model._default_manager.raw(sql, [values[name] for name in order]):
            return row
        return None


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, loaded with one plain statement instead of a QuerySet."""

    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None or self.session_key is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])


class UserBackend(ModelBackend):
    """Django's model backend, with the user of each request loaded by a compiled query."""

    _by_pk: CompiledQuery[Any] | None = None

    def get_user(self, user_id):
        if UserBackend._by_pk is None:
            from django.contrib.auth import get_user_model

            model = get_user_model()
            UserBackend._by_pk = CompiledQuery(
                lambda pk: model._default_manager.filter(pk=pk), pk=-7_000_003
            )
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = UserBackend._by_pk.first(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

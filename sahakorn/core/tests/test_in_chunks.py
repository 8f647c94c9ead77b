"""``in_chunks``: any number of ids, one array on PostgreSQL (``__any_of``), chunks of ``__in`` elsewhere."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from sahakorn.core import selectors
from sahakorn.core.selectors import in_chunks

pytestmark = pytest.mark.django_db


def test_rows_of_every_id_asked_for_by_key_by_foreign_key_and_by_text(monkeypatch, django_user_model):
    # given: chunks of two, so SQLite's way crosses chunk boundaries too
    monkeypatch.setattr(selectors, "IN_CHUNK", 2)
    users = [django_user_model.objects.create_user(username=f"u{n}", password="x") for n in range(5)]
    types = list(ContentType.objects.order_by("pk")[:3])

    # then: by primary key (duplicates asked once), by text, by a foreign key
    rows = in_chunks(django_user_model.objects.order_by("pk"), "pk", [u.pk for u in users] + [users[0].pk])
    assert [u.username for u in rows] == ["u0", "u1", "u2", "u3", "u4"]
    named = in_chunks(
        django_user_model.objects.values_list("username", flat=True), "username", ["u3", "u1", "x"]
    )
    assert sorted(named) == ["u1", "u3"]
    perms = in_chunks(Permission.objects.values_list("pk", flat=True), "content_type", [t.pk for t in types])
    assert sorted(perms) == sorted(
        Permission.objects.filter(content_type__in=types).values_list("pk", flat=True)
    )
    assert in_chunks(django_user_model.objects.all(), "pk", []) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="arrays are PostgreSQL's")
def test_postgresql_sends_the_ids_as_one_array(django_user_model):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    users = [django_user_model.objects.create_user(username=f"v{n}", password="x") for n in range(3)]
    with CaptureQueriesContext(conn) as queries:
        rows = in_chunks(django_user_model.objects.all(), "pk", [u.pk for u in users])
    assert len(rows) == 3
    [query] = queries.captured_queries
    assert "= ANY(" in query["sql"] and "IN (" not in query["sql"]

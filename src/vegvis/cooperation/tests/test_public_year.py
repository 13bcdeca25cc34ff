"""A year reads as a year on the public register (2026, not the thousands-grouped «2 026»)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_public_register_writes_the_year_without_a_thousands_separator():
    year = timezone.localdate().year
    page = Client().get(reverse("cooperation:public_year", args=[year])).content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading and heading.group(1).strip().endswith(str(year))
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and str(year) in title.group(1)
    grouped = f"{str(year)[0]}[\\s\\u00a0\\u202f]{str(year)[1:]}"
    assert not re.search(grouped, page), "a year written with a thousands separator"

"""Serve the Sarabun font from its PyPI wheel, so no font is copied into the repo or fetched at run time."""

from pathlib import Path

import fontpkg_sarabun
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

FONT_DIR = Path(fontpkg_sarabun.__file__).parent / "files"
PREFIX = "fonts/sarabun"
FILES = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf", "Sarabun-SemiBold.ttf", "Sarabun-Italic.ttf")


class SarabunFontFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storage = FileSystemStorage(location=str(FONT_DIR))
        # Read by collectstatic, as Django's FileSystemFinder sets it; the stubs do not declare it.
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path.startswith(PREFIX + "/") and path.rsplit("/", 1)[1] in FILES:
            found = str(FONT_DIR / path.rsplit("/", 1)[1])
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        for name in FILES:
            yield name, self.storage

"""Production settings: `invoke publish` and `invoke newsletter.send` build with these.

SITEURL comes from the environment (the GitHub Pages workflow sets it); every
link in pages, feeds, index.json and emails is absolute.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *

SITEURL = os.environ.get("SITEURL", "https://servicesage.example.org").rstrip("/")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True

# Drafts and queued tips never reach the public site.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""

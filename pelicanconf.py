"""Development settings: `invoke build` and `invoke serve` use these.

Every Service Sage setting has a prefix that says who reads it (SAGE_, THEMES_,
NEWSLETTER_, SUBSCRIBE_); the README lists them with their defaults.
"""

import sys
from pathlib import Path

# The plugins import the project's own packages (sage/, newsletter/); make them
# importable when Pelican is started from anywhere.
_root = str(Path(__file__).resolve().parent)
if _root not in sys.path:
    sys.path.insert(0, _root)

AUTHOR = "Service Sage"
SITENAME = "Service Sage"
SITE_TAGLINE = "One customer-service tip a week, and the laws nobody wrote down."
SITEURL = ""
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
ARTICLE_PATHS = ["tips", "laws", "stories"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
IGNORE_FILES = ["**/.*", "__pycache__"]
# The kind of a post comes from its folder: content/tips/ -> "tips".
USE_FOLDER_AS_CATEGORY = True
# Dates come from the Date: line only, never from a file name.
FILENAME_METADATA = ""
# Tips dated in the future are queued: Pelican treats them as drafts.
WITH_FUTURE_DATES = False

# The build cache (safe to delete): each output folder's build state, which lets an
# edit re-render only the pages it changes, and compiled templates (plugins/sage_build).
# Pelican's own content cache stays off: our reader is fast enough that re-reading a
# post costs less than unpickling it, and it kept a second copy of the site in memory.
CACHE_PATH = ".cache"
SAGE_INCREMENTAL = True  # `invoke publish` turns it off: a release is a clean build
CACHE_CONTENT = False

PLUGIN_PATHS = ["plugins"]
# neighbors (pelican-neighbors): previous/next post of the same kind (category).
PLUGINS = [
    "sitemap",
    "neighbors",
    "sage_content",
    "sage_themes",
    "sage_outputs",
    "sage_reader",
    "sage_newsletter",
    "sage_build",
]

# Markdown is CommonMark with GitHub's tables, strikethrough and footnotes, plus
# smart punctuation, rendered by cmark-gfm (sage/reader.py); MARKDOWN is unused.
SUMMARY_MAX_PARAGRAPHS = 1
SUMMARY_MAX_LENGTH = 60

# Autoescape on: a title is text, never markup. Only rendered Markdown
# (content, summaries) is marked |safe in the templates.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "extensions": [],
}

# URLs: /tips/<slug>/, /laws/<slug>/, /stories/<slug>/; the kind archives are
# the category pages at /tips/, /laws/ and /stories/.
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "404", "search"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# Drafts and queued tips are previewable in development builds only.
DRAFT_URL = "drafts/{category}/{slug}/"
DRAFT_SAVE_AS = "drafts/{category}/{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
DEFAULT_PAGINATION = False

# Pelican's own feeds are off: plugins/sage_outputs writes Atom and JSON Feed 1.1
# for everything, per kind and per theme (see SAGE_FEEDS_* below).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
SAGE_FEED_MAX_ITEMS = 50

SITEMAP = {
    "format": "xml",
    "exclude": [r"^404\.html$", r"^drafts/", r"^search/"],
}

# The three kinds of post: folder (category slug) -> singular kind and labels.
SAGE_KINDS = {
    "tips": {"kind": "tip", "name": "Tips", "singular": "Tip"},
    "laws": {"kind": "law", "name": "The Book of Laws", "singular": "Law"},
    "stories": {"kind": "story", "name": "Stories", "singular": "Story"},
}
SAGE_DEFAULT_ATTRIBUTION = "Unknown Sage"
# Advice thresholds: breaking them is a warning from `invoke check`, not an error.
SAGE_TIP_MIN_WORDS = 250
SAGE_SUMMARY_MAX_CHARS = 160
SAGE_LAW_MAX_WORDS = 40

# The theme taxonomy, editable by authors (relative to PATH), and the tagger's learned
# layer, written by `invoke themes --train` ("" tags with the vocabulary alone).
THEMES_FILE = "themes.toml"
THEMES_LEARNED_FILE = "themes-learned.json"
THEMES_URL = "themes/{slug}/"
THEMES_SAVE_AS = "themes/{slug}/index.html"
THEMES_INDEX_URL = "themes/"
THEMES_INDEX_SAVE_AS = "themes/index.html"

# The weekly email (plugins/sage_newsletter renders it; newsletter/ delivers it).
# The README's Newsletter section lists every NEWSLETTER_ setting and its default.
NEWSLETTER_SUBJECT = "Tip of the week: {title}"
NEWSLETTER_REPLY_TO = "editor@servicesage.example.org"
# Theme targeting: None sends every issue to the whole list. To target, give the
# Mailchimp interest category and its interest ids (README, "Theme targeting"):
# {"category_id": "…", "every_tip": "…", "themes": {"expectations": "…", …}}
NEWSLETTER_INTERESTS = None

# Search (sage/search.py): Pagefind indexes tips, laws and stories once per build,
# into output/pagefind/; only the search page loads its script.
SEARCH_INDEX = True

# The signup form (sage/subscribe.py): Mailchimp's embedded form, which posts without
# JavaScript. Unset, every subscribe call offers the feeds instead. Copy the values
# from the form's embed code in Mailchimp, e.g.:
#   SUBSCRIBE_FORM_ACTION = "https://example.us21.list-manage.com/subscribe/post?u=1a2b3c4d&id=5e6f7a8b"
#   SUBSCRIBE_HONEYPOT = "b_1a2b3c4d_5e6f7a8b"  # optional: derived from the action's u and id
#   SUBSCRIBE_INTERESTS = {"empathy": "group[1234][1]", "recovery": "group[1234][2]"}
SUBSCRIBE_FORM_ACTION = None
SUBSCRIBE_HONEYPOT = None
SUBSCRIBE_INTERESTS = {}

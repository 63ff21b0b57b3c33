"""Service Sage newsletter: the built issue of a week, and its delivery.

The build (plugins/sage_newsletter) renders every issue with compose.py and
plaintext.py and writes it with issues.py; delivery reads it back (issues.py) and
hands it to the outbox (outbox.py) or to Mailchimp (send.py, mailchimp.py,
retry.py). Delivery never reads Markdown and never imports Pelican.
"""

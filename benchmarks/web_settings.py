"""Settings of the servers ``make bench-web`` starts: the app's own, plus a bare view.

The bare view (``/bench/bare/``) answers "ok" through the very same middleware stack, so the
ratio of a page's throughput to it says how close the page comes to the stack's ceiling.
"""

from cxpillars.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.web_urls"

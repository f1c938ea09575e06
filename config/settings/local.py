"""Developer machine: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
YIZHAN_DEMO = env.bool("YIZHAN_DEMO", default=True)  # `make run` serves the demo data

"""The one request body format of the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonParser(JSONParser):
    """JSON bodies only (``Content-Type: application/json``; anything else is 415, so a
    cross-site HTML form, which can only send form or ``text/plain`` bodies, never reaches a
    write). Nesting too deep for the decoder is a 400, not a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON nested too deeply.")) from None

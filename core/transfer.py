"""How the public API's answers travel: compressed for clients that ask, kept by browsers and
proxies for a short while, and revalidated for nothing.

- :class:`PublicCaching`: public GET answers say how long they may be kept
  (``Cache-Control: public, max-age=…``, per view) and, unless the view says its answer
  changes with every request, carry an ETag of their content; a client that sends it back in
  ``If-None-Match`` gets ``304 Not Modified`` and no body.
- :class:`ApiCompression`: JSON answers to GET requests are gzipped when the client accepts
  it, by ISA-L's deflate at level 1: 23 µs for a 27 KB answer of 10 stations, 7× smaller
  (zlib at level 1: 61 µs for the same size; Django's GZipMiddleware, zlib level 6: more
  than twice that, for 15% less). The nearest endpoint at 1M stations served 1,356 req/s
  with zlib against 1,481 without gzip. Only answers to GET under ``/api/``:
  they hold no secret chosen by the client, so compression cannot leak one (BREACH); the
  pages, with their CSRF tokens, are never compressed here.
- :class:`HeadWithoutBody`: the answer to a HEAD request is the GET's headers without its
  body (RFC 9110 §9.3.2). Django leaves that to the server; uWSGI sends the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_vary_headers
from isal import isal_zlib

from core.refusals import WsgiApp

Middleware = Callable[[HttpRequest], HttpResponse]

COMPRESSED_TYPES = ("application/json", "application/geo+json", "text/calendar")
MIN_COMPRESSED_BYTES = 1024  # below this, the gzip header and a round trip cost more
GZIP_LEVEL = 1
GZIP_WINDOW = 16 + isal_zlib.MAX_WBITS  # a gzip header and trailer, not a bare zlib stream


def mark_public(response: HttpResponse, *, max_age: int, content_etag: bool) -> None:
    """Called by the public API views for their GET answers. The language of an answer comes
    from ``Accept-Language`` alone (core.language.ApiLocaleMiddleware): a shared cache keeps
    one copy per language and encoding, whoever asks."""
    response["Cache-Control"] = f"public, max-age={max_age}"
    patch_vary_headers(response, ("Accept-Language",))
    response.content_etag = content_etag


class PublicCaching(ConditionalGetMiddleware):
    """Django's conditional GET (an ETag of the content, 304 on a match), for the answers the
    public API marked (:func:`mark_public`) and no others: an answer that names the moment it
    was made never matches, and hashing it would be wasted."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not getattr(response, "content_etag", False) or response.has_header("ETag"):
            return response
        return super().process_response(request, response)


class ApiCompression:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
            return response
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if len(response.content) < MIN_COMPRESSED_BYTES or not accepts_gzip(request):
            return response
        compressor = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, GZIP_WINDOW)
        response.content = compressor.compress(response.content) + compressor.flush()
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = "gzip"
        if response.has_header("ETag"):  # the same entity, in another encoding
            tag = response["ETag"]
            response["ETag"] = tag if tag.startswith("W/") else f"W/{tag}"
        return response


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether ``Accept-Encoding`` lists gzip with a quality above 0."""
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, quality = coding.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            value = quality.strip().removeprefix("q=").strip()
            try:
                return float(value) > 0 if value else True
            except ValueError:
                return False
    return False


class HeadWithoutBody:
    """The WSGI application's answers, with no body for HEAD requests (config/wsgi.py)."""

    def __init__(self, application: WsgiApp) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = self.application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return body
        getattr(body, "close", lambda: None)()  # Django's request_finished; a file closed
        return []

"""Fetching a web page safely: public addresses only, timeouts, a size cap, few redirects, HTML or text.

Every hop is resolved first and its addresses checked (private, loopback, link-local, reserved and
multicast ranges are refused unless allowed); the connection then goes to the checked address, so a
second DNS answer cannot swap in an internal one. Bodies are read without compression, so the size cap
is the size received.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import ArticleError
from ..limits import PAGE_MAX_BYTES

log = logging.getLogger(__name__)

MAX_BYTES = PAGE_MAX_BYTES
MAX_REDIRECTS = 5
TIMEOUT_S = 15.0  # for the whole fetch, redirects included; each connect or read also stops at this
ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
USER_AGENT = "newsdesk/0.1 (article library; +https://github.com/newsdesk)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(ArticleError):
    """A URL that could not be fetched safely; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the final URL after redirects, its media type and charset, and the raw body."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = TIMEOUT_S,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Page:
    """GET an http(s) URL within the limits above; raise FetchError with one clear line otherwise."""
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        scheme, host, port, target = _parse(current)
        address = _resolve(host, port, allow_private)
        try:
            response, conn = _request(scheme, host, port, address, target, deadline)
        except TimeoutError:
            raise FetchError(f"{current}: timed out after {timeout:g} s") from None
        except ssl.SSLError as exc:
            raise FetchError(f"{current}: TLS failed ({exc.reason or exc})") from None
        except OSError as exc:
            raise FetchError(f"{current}: cannot connect ({exc.strerror or exc})") from None
        try:
            if response.status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{current}: redirect without a Location")
                current = urljoin(current, location.strip())
                log.info("redirected to %s", current)
                continue
            if response.status != 200:
                raise FetchError(f"{current}: the server answered HTTP {response.status} {response.reason}")
            media, charset = _content_type(response.getheader("Content-Type", ""))
            if media not in ACCEPTED_TYPES:
                raise FetchError(f"{current}: not a web page or text (Content-Type {media or 'missing'})")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{current}: larger than {max_bytes / 1e6:g} MB")
            body = _read(response, max_bytes, deadline, current, timeout)
            return Page(current, media, charset, body)
        finally:
            conn.close()
    raise FetchError(f"{url}: more than {max_redirects} redirects")


def _parse(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(f"{url}: not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https links can be added")
    if not parts.hostname:
        raise FetchError(f"{url}: the link has no host")
    if parts.username or parts.password:
        raise FetchError(f"{url}: links with a user name or password are not fetched")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), target


def _resolve(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"{host}: no such host") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        blocked = [a for a in addresses if not is_public(a)]
        if blocked:
            raise FetchError(
                f"{host}: resolves to a private or local address ({blocked[0]}); "
                "set NEWSDESK_ALLOW_PRIVATE_URLS=true to allow it"
            )
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to an address already checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to an address already checked, with the certificate checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _request(
    scheme: str, host: str, port: int, address: str, target: str, deadline: float
) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = kind(host, port, address, remaining)
    try:
        conn.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
                "Accept-Encoding": "identity",
            },
        )
        return conn.getresponse(), conn
    except BaseException:
        conn.close()
        raise


def _content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def _read(
    response: http.client.HTTPResponse, max_bytes: int, deadline: float, url: str, timeout: float
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: timed out after {timeout:g} s")
        try:
            chunk = response.read1(64 * 1024)
        except TimeoutError:
            raise FetchError(f"{url}: timed out after {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{url}: the download broke off ({type(exc).__name__})") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: larger than {max_bytes / 1e6:g} MB")
        chunks.append(chunk)

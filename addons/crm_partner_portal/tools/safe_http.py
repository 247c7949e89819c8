"""Outbound HTTP POST to a URL that a user typed, without server-side request forgery.

A webhook URL is chosen by a user, but the request leaves from the Odoo server, which can reach what the
user cannot: loopback services, the cloud metadata endpoint, the private network. So the host is resolved,
every address it resolves to must be public (or allowlisted), and the connection goes to the address that
was checked, never to a second DNS answer (DNS rebinding). The Host header and, for https, the TLS server
name and certificate check keep the URL's host name. The whole exchange has one deadline, the response is
read up to a size limit, and redirects are never followed.

Standard library only (plus certifi's CA bundle when installed): ``http.client`` on a socket this module
opens itself, so nothing below it (a proxy from the environment, a connection pool, a redirect handler) can
connect elsewhere. No Odoo import: the caller turns the exceptions into messages.
"""
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from contextlib import suppress
from typing import NamedTuple
from urllib.parse import urlsplit

try:
    import certifi
except ImportError:  # the system's CA store alone
    certifi = None

MAX_RESPONSE_BYTES = 64 * 1024

# Not reachable from the internet, or not a unicast host, whatever ``is_global`` says in this Python version.
BLOCKED_NETWORKS = [ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
)]
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeDestination(ValueError):
    """The URL may not be called. ``reason``: "url" (malformed), "scheme" (http outside the allowlist) or
    "address" (a resolved address is not public, or the host does not resolve)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class DeliveryError(Exception):
    """The request failed. ``kind``: "timeout", "connection", "tls" or "protocol"; nothing more, so that a
    log built from it says nothing about the network behind the endpoint."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


class Response(NamedTuple):
    status: int
    body: bytes  # at most max_bytes
    truncated: bool  # the endpoint sent more than max_bytes


class Destination(NamedTuple):
    scheme: str
    hostname: str  # ASCII (IDNA), lower case, no brackets: for DNS, SNI and the certificate check
    port: int
    target: str  # path and query of the request line
    host_header: str
    addresses: list  # vetted ipaddress objects, in the resolver's order


def is_public_address(ip):
    """True for a unicast address routed on the internet. Checks the IPv4 address embedded in IPv6
    transition forms (mapped, 6to4, NAT64), which ``is_global`` alone lets through."""
    if ip.version == 6:
        if ip.ipv4_mapped is not None or ip.teredo is not None:
            return False
        if ip in NAT64:  # DNS64 answer for an IPv4-only host: judge the host
            return is_public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and not is_public_address(ip.sixtofour):
            return False
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return False
    return not any(ip in net for net in BLOCKED_NETWORKS)


class Allowlist:
    """Host names and networks an administrator lets through over plain http and on non-public addresses
    (a test server on loopback, a vendor's staging host). Entries separated by commas or spaces: a host name
    (exact match), an address or a network (``127.0.0.1``, ``10.20.0.0/16``, ``::1``)."""

    def __init__(self, text=""):
        self.hosts, self.networks = set(), []
        for entry in re.split(r"[\s,;]+", (text or "").strip().lower()):
            entry = entry.strip("[]")
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.rstrip("."))

    def has_host(self, hostname):
        return hostname.rstrip(".").lower() in self.hosts

    def has_address(self, ip):
        return any(ip in net for net in self.networks)


def _parse(url):
    try:
        parts = urlsplit(url)
        port = parts.port
        hostname = parts.hostname
        if hostname and not hostname.isascii():
            hostname = hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise UnsafeDestination("url") from None
    if (parts.scheme not in ("http", "https") or not hostname or port == 0
            or parts.username is not None or parts.password is not None
            or any(char.isspace() or ord(char) < 32 for char in url)):
        raise UnsafeDestination("url")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None:
        host_header += f":{port}"
    return parts.scheme, hostname, port or (443 if parts.scheme == "https" else 80), target, host_header


def _resolve_addresses(hostname, port):
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeDestination("address") from None
    addresses = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def resolve(url, allowlist):
    """Parse the URL and resolve its host; raise UnsafeDestination unless every address may be called.
    Call it when the URL is saved and again right before each request: DNS answers change."""
    scheme, hostname, port, target, host_header = _parse(url)
    addresses = _resolve_addresses(hostname, port)
    host_listed = allowlist.has_host(hostname)
    if not addresses or any(
            ip.is_unspecified or ip.is_multicast  # never a host, allowlisted or not ("0.0.0.0" is loopback)
            or not (host_listed or allowlist.has_address(ip) or is_public_address(ip))
            for ip in addresses):
        raise UnsafeDestination("address")
    if scheme == "http" and not (host_listed or all(allowlist.has_address(ip) for ip in addresses)):
        raise UnsafeDestination("scheme")
    return Destination(scheme, hostname, port, target, host_header, addresses)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) to one vetted address: ``host`` is the IP, so nothing resolves the name again; TLS uses the
    URL's host name for SNI and for the certificate check."""

    def __init__(self, address, port, timeout, tls_context=None, tls_hostname=None):
        super().__init__(str(address), port, timeout=timeout)
        self._tls_context, self._tls_hostname = tls_context, tls_hostname

    def connect(self):
        self.sock = socket.create_connection((self.host, self.port), self.timeout)
        if self._tls_context is not None:
            # handshake after self.sock is set, so that the deadline watchdog can interrupt it
            self.sock = self._tls_context.wrap_socket(
                self.sock, server_hostname=self._tls_hostname, do_handshake_on_connect=False)
            self.sock.do_handshake()


class _Deadline:
    """One deadline for connect, TLS, send and read. Each socket operation gets the time left as its timeout,
    and a watchdog thread shuts the socket down when time is up: a server that trickles bytes would otherwise
    renew a per-operation timeout forever."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.conn = None
        self._lock = threading.Lock()
        self._closed = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    @property
    def expired(self):
        return time.monotonic() >= self.end

    def refresh(self):
        if self.conn is not None and self.conn.sock is not None:
            self.conn.sock.settimeout(self.left())

    def _expire(self):
        with self._lock:
            sock = None if self._closed or self.conn is None else self.conn.sock
            if sock is not None:
                # socket.socket's shutdown, not SSLSocket's: that one drops the TLS state under the reader
                with suppress(OSError):  # already closed by the peer
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def close(self):
        with self._lock:
            self._closed = True
            self._timer.cancel()
            if self.conn is not None:
                self.conn.close()


def _tls_context(cafile=None):
    context = ssl.create_default_context(cafile=cafile)
    if cafile is None and certifi is not None:
        context.load_verify_locations(certifi.where())  # the bundle ``requests`` trusts, beside the system's
    return context


def _read_limited(response, max_bytes, deadline):
    chunks, size = [], 0
    while size <= max_bytes:
        deadline.refresh()
        chunk = response.read(min(16384, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if deadline.expired:  # the watchdog's shutdown reads as the end of a body without a length
        raise TimeoutError
    body = b"".join(chunks)
    return body[:max_bytes], size > max_bytes


def post(url, body, headers, *, allowlist, timeout=10.0, max_bytes=MAX_RESPONSE_BYTES, cafile=None):
    """POST ``body`` to ``url`` as described in the module docstring and return a Response (redirects
    included: the caller decides what a 3xx means). Raise UnsafeDestination before any connection when the
    destination is refused, DeliveryError when the request fails or exceeds ``timeout`` seconds in all."""
    deadline = _Deadline(timeout)
    try:
        dest = resolve(url, allowlist)
        tls_context = _tls_context(cafile) if dest.scheme == "https" else None
        headers = {**headers, "Host": dest.host_header, "Connection": "close"}
        for index, address in enumerate(dest.addresses):
            deadline.conn = _PinnedConnection(address, dest.port, deadline.left(), tls_context, dest.hostname)
            try:
                deadline.conn.connect()
                break
            except ssl.SSLError:
                raise
            except OSError:
                deadline.conn.close()
                if index == len(dest.addresses) - 1 or deadline.expired:
                    raise
        deadline.refresh()
        deadline.conn.request("POST", dest.target, body=body, headers=headers)
        deadline.refresh()
        response = deadline.conn.getresponse()
        data, truncated = _read_limited(response, max_bytes, deadline)
        return Response(response.status, data, truncated)
    except UnsafeDestination:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if deadline.expired or isinstance(error, TimeoutError):
            kind = "timeout"
        elif isinstance(error, ssl.SSLError):
            kind = "tls"
        elif isinstance(error, http.client.HTTPException | ValueError):
            kind = "protocol"
        else:
            kind = "connection"
        raise DeliveryError(kind) from None
    finally:
        deadline.close()

"""A real SMTP server in the test process: aiosmtpd on 127.0.0.1, with STARTTLS and AUTH.

`MailServer` starts aiosmtpd's threaded `Controller` on a free port. Its certificate comes
from a certificate authority made for the test session by `trustme`; the client trusts it
through `COURTSIDE_SMTP_CAFILE` (what a studio with a private CA would set), never by turning
verification off. The handler keeps every accepted message and can refuse: the n-th message
at DATA, or a recipient at RCPT, like a real provider does.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Kept(logging.Handler):
    """Keeps the server's own log (a refused handshake, aiosmtpd's deprecation notice on every
    login): the server's side of a test is asserted on, not printed among the command's output."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


SERVER_LOG = Kept()
for name in ("mail.log", "asyncio"):
    logging.getLogger(name).addHandler(SERVER_LOG)
    logging.getLogger(name).propagate = False

USER = "sam@northwind.example"
PASSWORD = "app-password-7Qx!"  # noqa: S105 - a test server's password


@dataclass
class Tls:
    """The session's certificate authority (its PEM file) and the server's TLS context."""

    cafile: Path
    server_context: ssl.SSLContext


def make_tls(folder: Path) -> Tls:
    """A CA and a certificate for 127.0.0.1 and localhost, signed by it."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cafile = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return Tls(cafile, context)


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One accepted message: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Handler:
    """aiosmtpd's handler: keeps accepted messages, refuses what it is told to."""

    received: list[Received] = field(default_factory=list)
    refuse_data: set[int] = field(default_factory=set)  # 1-based numbers of DATA commands to refuse
    refuse_rcpt: set[str] = field(default_factory=set)  # addresses refused at RCPT
    data_count: int = 0
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_count += 1
        if self.data_count in self.refuse_data:
            return "554 5.7.1 Message refused by policy"
        raw = bytes(envelope.original_content or envelope.content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))  # type: ignore[arg-type]
        return "250 2.0.0 Accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


class MailServer:
    """aiosmtpd on 127.0.0.1: `security` starttls (STARTTLS and AUTH required), ssl (implicit
    TLS and AUTH), or none (plain, no AUTH); `smtputf8`: it offers SMTPUTF8 (addresses
    outside ASCII; aiosmtpd's Controller offers it unless told not to)."""

    def __init__(self, tls: Tls, security: str = "starttls", smtputf8: bool = True):
        self.handler = Handler()
        self.security = security
        self.port = free_port()
        options: dict[str, Any] = {}
        if security == "starttls":
            options = dict(
                tls_context=tls.server_context,
                require_starttls=True,
                auth_required=True,
                authenticator=self.handler.authenticate,
            )
        elif security == "ssl":
            options = dict(
                ssl_context=tls.server_context,
                auth_required=True,
                auth_require_tls=False,  # the whole session is TLS already
                authenticator=self.handler.authenticate,
            )
        options["enable_SMTPUTF8"] = smtputf8
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)
        self.tls = tls

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def environ(self, **overrides: str) -> dict[str, str]:
        """The COURTSIDE_SMTP_* settings that reach this server."""
        settings = {
            "COURTSIDE_SMTP_HOST": "127.0.0.1",
            "COURTSIDE_SMTP_PORT": str(self.port),
            "COURTSIDE_SMTP_SECURITY": self.security,
            "COURTSIDE_SMTP_CAFILE": str(self.tls.cafile),
            "COURTSIDE_SMTP_TIMEOUT": "10",
        }
        if self.security != "none":
            settings |= {"COURTSIDE_SMTP_USER": USER, "COURTSIDE_SMTP_PASSWORD": PASSWORD}
        return settings | overrides


class Silent:
    """A server that takes the connection and never says a word (for the timeout)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.port = self.socket.getsockname()[1]

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.socket.close()

"""Sending by SMTP with the standard library's smtplib: settings from the environment, and
every way a send can fail as one line a studio owner can act on.

    COURTSIDE_SMTP_HOST       the provider's SMTP server (required to send)
    COURTSIDE_SMTP_PORT       default 587 for starttls, 465 for ssl, 25 for none
    COURTSIDE_SMTP_SECURITY   starttls (default) | ssl | none
    COURTSIDE_SMTP_USER       the account, with COURTSIDE_SMTP_PASSWORD (an app password)
    COURTSIDE_SMTP_PASSWORD
    COURTSIDE_SMTP_TIMEOUT    seconds to wait for the server at each step (default 30)
    COURTSIDE_SMTP_CAFILE     CA certificates (PEM) to trust instead of the system's: for a
                              server with a private CA; verification is never turned off

The password is never printed, and never sent without TLS: `none` with a user is refused.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0
GUIDE = "docs/calendar-and-reminders.md"


class SettingsError(Exception):
    """A COURTSIDE_SMTP_* setting is missing or wrong: one line, exit 1."""


class SendFailed(Exception):
    """The server did not take a message (or could not be reached): one line, exit 1."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; the password is kept out of `repr`."""

    host: str
    port: int
    security: str  # one of SECURITIES
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(environ: Mapping[str, str]) -> SmtpSettings:
    """The settings from COURTSIDE_SMTP_*; SettingsError naming the variable that is wrong."""

    def setting(name: str) -> str | None:
        value = environ.get(f"COURTSIDE_SMTP_{name}", "").strip()
        return value or None

    host = setting("HOST")
    if host is None:
        raise SettingsError(
            "no SMTP host configured: set COURTSIDE_SMTP_HOST to your mail provider's SMTP server "
            f"(and COURTSIDE_SMTP_USER, COURTSIDE_SMTP_PASSWORD; see {GUIDE})"
        )
    security = (setting("SECURITY") or "starttls").lower()
    if security not in SECURITIES:
        raise SettingsError(f"COURTSIDE_SMTP_SECURITY: expected starttls, ssl or none, got {setting('SECURITY')!r}")
    port_text = setting("PORT")
    port = DEFAULT_PORTS[security]
    if port_text is not None:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise SettingsError(f"COURTSIDE_SMTP_PORT: expected a port number like 587 or 465, got {port_text!r}")
        port = int(port_text)
    user, password = setting("USER"), environ.get("COURTSIDE_SMTP_PASSWORD") or None
    if (user is None) != (password is None):
        given, missing = ("USER", "PASSWORD") if user else ("PASSWORD", "USER")
        raise SettingsError(f"COURTSIDE_SMTP_{given} is set but COURTSIDE_SMTP_{missing} is not: set both, or neither")
    if user is not None and security == "none":
        raise SettingsError(
            "COURTSIDE_SMTP_SECURITY=none would send the password unencrypted: use starttls or ssl with a user"
        )
    timeout = DEFAULT_TIMEOUT
    if (timeout_text := setting("TIMEOUT")) is not None:
        try:
            timeout = float(timeout_text)
        except ValueError:
            timeout = -1.0
        if not 0 < timeout <= 3600:
            raise SettingsError(f"COURTSIDE_SMTP_TIMEOUT: expected seconds, like 30, got {timeout_text!r}")
    cafile = setting("CAFILE")
    if cafile is not None and not Path(cafile).is_file():
        raise SettingsError(f"COURTSIDE_SMTP_CAFILE: no file {cafile!r}; expected a PEM file of CA certificates")
    return SmtpSettings(host, port, security, user, password, timeout, cafile)


def _said(exc: smtplib.SMTPResponseException | tuple[int, bytes]) -> str:
    """What the server answered, on one line: `550 5.1.1 no such user`."""
    code, text = (exc.smtp_code, exc.smtp_error) if isinstance(exc, smtplib.SMTPResponseException) else exc
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def failure(exc: BaseException, settings: SmtpSettings) -> str:
    """One line saying what went wrong and what to check (never the password)."""
    server = settings.server
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{address} ({_said(answer)})" for address, answer in exc.recipients.items())
        return f"the SMTP server refused the recipient {refused}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"the SMTP server refused the sender {exc.sender}: {_said(exc)}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"the SMTP server {server} refused the user name or password (COURTSIDE_SMTP_USER={settings.user}): "
            f"{_said(exc)}; check them, or the provider's app password"
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return f"the SMTP server refused the message: {_said(exc)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError):
        exc = exc.__context__  # smtplib reports a read that timed out as a lost connection
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"the SMTP server {server} closed the connection ({exc or 'no reason given'})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the SMTP server {server} answered {_said(exc)}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"the SMTP server {server}: {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"the certificate of {server} could not be verified ({exc.verify_message}); if your provider "
            "uses a private CA, set COURTSIDE_SMTP_CAFILE to its certificate"
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS with {server} failed ({exc.reason or exc}); check COURTSIDE_SMTP_SECURITY "
            "(ssl is usually port 465, starttls port 587)"
        )
    if isinstance(exc, socket.gaierror):
        return f"cannot find the SMTP server {settings.host!r} ({exc.strerror}); check COURTSIDE_SMTP_HOST"
    if isinstance(exc, ConnectionRefusedError):
        return f"the SMTP server {server} refused the connection; check COURTSIDE_SMTP_HOST and COURTSIDE_SMTP_PORT"
    if isinstance(exc, TimeoutError):
        return f"the SMTP server {server} did not answer within {settings.timeout:g} seconds (COURTSIDE_SMTP_TIMEOUT)"
    if isinstance(exc, OSError):
        return f"the SMTP server {server}: {exc.strerror or exc}"
    return f"the SMTP server {server}: {type(exc).__name__}: {exc}"


SMTP_ERRORS = (OSError,)  # smtplib's errors, ssl.SSLError and socket errors are all OSErrors


def envelope(message: EmailMessage, smtputf8: bool) -> tuple[str, list[str], bytes, tuple[str, ...]]:
    """The envelope (sender, recipients), the bytes and the MAIL options of a message.

    What `smtplib.SMTP.send_message` does, but for one thing: it writes the message with a
    generator that has no policy, which turns every body line starting with "From " into
    ">From " (the mbox convention, compat32's default), so a letter's "From May 1, 2026:"
    would reach the client as ">From May 1, 2026:". The message's own policy (`SMTP`) writes
    it as it is. An address outside ASCII needs the server's SMTPUTF8, as in send_message.
    """
    sender = message["From"].addresses[0].addr_spec
    recipients = [address.addr_spec for field in ("To", "Cc") for address in getattr(message[field], "addresses", ())]
    if (sender + "".join(recipients)).isascii():
        return sender, recipients, message.as_bytes(), ()
    if not smtputf8:
        raise smtplib.SMTPNotSupportedError(
            "an address outside ASCII needs SMTPUTF8, and the server does not offer it"
        )
    return sender, recipients, message.as_bytes(policy=message.policy.clone(utf8=True)), ("SMTPUTF8", "BODY=8BITMIME")


class Mailer:
    """One SMTP session for a run: connected at the first message, closed at the end."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def connect(self) -> None:
        """Connect, secure and log in; SendFailed with the reason."""
        settings = self.settings
        smtp: smtplib.SMTP | None = None
        try:
            if settings.security == "ssl":
                smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=self._tls())
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            smtp.ehlo()
            if settings.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SendFailed(
                        f"the SMTP server {settings.server} does not offer STARTTLS; check COURTSIDE_SMTP_PORT "
                        "(587 for starttls), or set COURTSIDE_SMTP_SECURITY=ssl for port 465"
                    )
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if settings.user is not None:
                if not smtp.has_extn("auth"):
                    raise SendFailed(f"the SMTP server {settings.server} offers no login (AUTH) for COURTSIDE_SMTP_USER")
                smtp.login(settings.user, settings.password or "")
        except SendFailed:
            self._drop(smtp)
            raise
        except SMTP_ERRORS as exc:
            self._drop(smtp)
            raise SendFailed(failure(exc, settings)) from None
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; returns once it is accepted, else SendFailed."""
        if self._smtp is None:
            self.connect()
        assert self._smtp is not None
        try:
            sender, recipients, data, options = envelope(message, self._smtp.has_extn("smtputf8"))
            self._smtp.sendmail(sender, recipients, data, options)
        except SMTP_ERRORS as exc:
            # After any failure the session is dropped: the next message connects again.
            self._drop(self._smtp)
            self._smtp = None
            raise SendFailed(failure(exc, self.settings)) from None

    def close(self) -> None:
        """Say goodbye to the server (quietly: every message is already accepted or not)."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except SMTP_ERRORS:
                self._drop(self._smtp)
            self._smtp = None

    @staticmethod
    def _drop(smtp: smtplib.SMTP | None) -> None:
        if smtp is not None:
            with suppress(OSError):
                smtp.close()

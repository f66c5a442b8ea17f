#!/usr/bin/env python3
"""A local SMTP server for the alert tests (Debian's python3-aiosmtpd): STARTTLS required
before anything else, then an AUTH LOGIN/PLAIN with the given user and password; each message
accepted is saved in FOLDER as NNNN.eml, its envelope recipients first
("X-Envelope-To: a, b"). Prints "listening PORT" once it takes connections, and runs until
it is sent SIGTERM."""
import argparse
import asyncio
import os
import pathlib
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = self.folder / f"{self.count:04d}.eml"
        text = b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n"
        text += envelope.original_content or envelope.content
        part = name.with_suffix(".part")
        part.write_bytes(text)
        os.rename(part, name)  # a reader never sees half a message
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    for option in ("--port", "--folder", "--cert", "--key", "--user", "--password"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == args.user.encode()
              and auth_data.password == args.password.encode())
        return AuthResult(success=ok)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    controller = Controller(Saver(args.folder), hostname="127.0.0.1", port=int(args.port),
                            tls_context=tls, require_starttls=True, auth_required=True,
                            auth_require_tls=True, authenticator=authenticate)
    controller.start()
    print(f"listening {args.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for stopping in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stopping, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

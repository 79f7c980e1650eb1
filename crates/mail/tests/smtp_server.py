#!/usr/bin/env python3
"""A real SMTP server for rapportino-mail's tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 (a free port chosen by the system), prints "READY <port>" on stdout once
it accepts connections, and stops when its standard input closes (the test dropped it) or on
SIGTERM.

  --security starttls   STARTTLS offered and required before MAIL; AUTH only after it
  --security implicit   TLS from the first byte (SMTPS)
  --security plain      no TLS at all
  --mode accept         every recipient accepted
  --mode greylist       451 the first time a recipient is seen, then accepted
  --mode reject         550 for every recipient
  --refuse ADDRESS      550 for this recipient whatever the mode (repeatable)

Every accepted message is written whole (the bytes after DATA) to DIR/new/<n>.eml, first to
DIR/tmp and then renamed, like a Maildir, before the server answers 250; its envelope's
recipients (one a line) to DIR/rcpt/<n>.txt just before.
"""

import argparse
import asyncio
import itertools
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, directory, mode, refuse):
        self.directory = directory
        self.mode = mode
        self.refuse = {a.lower() for a in refuse}
        self.seen = set()
        self.counter = itertools.count(1)
        os.makedirs(os.path.join(directory, "tmp"), exist_ok=True)
        os.makedirs(os.path.join(directory, "new"), exist_ok=True)
        os.makedirs(os.path.join(directory, "rcpt"), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject" or address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
        if self.mode == "greylist" and address.lower() not in self.seen:
            self.seen.add(address.lower())
            return f"451 4.7.1 <{address}>: Recipient address rejected: Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        name = f"{n:06d}.eml"
        with open(os.path.join(self.directory, "rcpt", f"{n:06d}.txt"), "w") as f:
            f.write("".join(a + "\n" for a in envelope.rcpt_tos))
        tmp = os.path.join(self.directory, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.directory, "new", name))
        return f"250 2.0.0 Ok: queued as TEST{n:06d}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--security", choices=["starttls", "implicit", "plain"], default="starttls")
    parser.add_argument("--mode", choices=["accept", "greylist", "reject"], default="accept")
    parser.add_argument("--user", default="tecnico@example.it")
    parser.add_argument("--password", default="segreta")
    parser.add_argument("--refuse", action="append", default=[])
    args = parser.parse_args()

    context = None
    if args.security != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == args.user.encode()
            and auth_data.password == args.password.encode()
        )
        # handled=False: aiosmtpd answers "535 5.7.8 Authentication credentials invalid".
        return AuthResult(success=ok, handled=False)

    handler = Handler(args.dir, args.mode, args.refuse)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        if args.security == "starttls":
            return SMTP(handler, hostname="mail.test", tls_context=context, require_starttls=True,
                        authenticator=authenticator, auth_require_tls=True, loop=loop)
        # Implicit TLS: the socket is already encrypted (aiosmtpd would ask for STARTTLS first).
        return SMTP(handler, hostname="mail.test", authenticator=authenticator,
                    auth_require_tls=args.security == "starttls", loop=loop)

    ssl_context = context if args.security == "implicit" else None
    server = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=0, ssl=ssl_context))
    port = server.sockets[0].getsockname()[1]

    def stop(*_):
        loop.stop()

    loop.add_signal_handler(signal.SIGTERM, stop)
    # The test holds our stdin: when it goes away (ends or crashes), so do we.
    loop.add_reader(sys.stdin.fileno(), lambda: stop() if not os.read(sys.stdin.fileno(), 1) else None)
    print(f"READY {port}", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()

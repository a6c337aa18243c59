#!/usr/bin/env python3
"""An SMTP server for the mail tests (python3-aiosmtpd): accepts every message on loopback.

Usage: smtp_sink.py FOLDER [--lifetime SECONDS]

Listens on 127.0.0.1 at a port the OS picks and prints one line "PORT PID" on startup. Each
message received is written to FOLDER as NNNN.eml (the data as received, dot-stuffing removed)
and NNNN.json: the envelope (mail_from, rcpt_tos) and the message as Python's email package
reads it (decoded subject, headers, text and html bodies), an independent decoder for the
tests to check the encodings against. Stops on SIGTERM, when its parent exits, or after the
lifetime (a guard against a test that dies without stopping it).
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class FolderHandler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.folder, f"{self.count:04d}")
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message["subject"]),
            "headers": {name: str(value) for name, value in message.items()},
            "content_type": message.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None and html is not text else None,
            "defects": [type(d).__name__ for d in message.defects],
        }
        with open(stem + ".eml", "wb") as out:
            out.write(raw)
        # written under another name first so that a reader never sees half a file
        with open(stem + ".json.tmp", "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.replace(stem + ".json.tmp", stem + ".json")
        return "250 OK"


async def watch_parent(parent, lifetime):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    while os.getppid() == parent and loop.time() < deadline:
        await asyncio.sleep(0.5)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    parent = os.getppid()
    handler = FolderHandler(args.folder)
    loop = asyncio.get_running_loop()
    # hostname given so that aiosmtpd does not look up the machine's FQDN
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="localhost"), host="127.0.0.1", port=0
    )
    port = server.sockets[0].getsockname()[1]
    print(f"{port} {os.getpid()}", flush=True)
    async with server:
        await watch_parent(parent, args.lifetime)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)

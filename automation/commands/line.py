"""`line-webhook` and `line-emulator`: finding the LINE group ids, and a loopback Messaging API
to try LINE delivery without an account."""

from __future__ import annotations

import argparse
import errno
import logging
import threading

from automation.cli import arguments, command
from automation.settings import ConfigError, Settings

log = logging.getLogger("automation.service")


def start_webhook(settings: Settings, port: int | None = None) -> object | None:
    """The webhook endpoint when the channel secret's variable is set; None otherwise."""
    from automation.line import channel_secret
    from automation.line_webhook import WebhookServer

    secret = channel_secret(settings)
    if not secret:
        return None
    try:
        return WebhookServer(settings, secret, port=port).start()
    except OSError as exc:
        where = f"--port {port}" if port is not None else f"[line] webhook_port {settings.line.webhook_port}"
        raise ConfigError(busy_port(where, settings.line.webhook_host, exc, settings.run.language,
                                    "webhook_port = 8089" if port is None else f"--port {port + 1}")) from None


def busy_port(where: str, host: str, exc: OSError, lang: str, example: str) -> str:
    """A port a server of the service cannot listen on (taken by another program, or not allowed)."""
    reason = exc.strerror or str(exc)
    if lang == "en":
        return f"{where}: cannot listen on {host} ({reason}); choose a free port"
    what = ("มีโปรแกรมอื่นใช้พอร์ตนี้อยู่" if exc.errno == errno.EADDRINUSE else
            "ใช้พอร์ตนี้ไม่ได้")
    return f"{where}: {what} ({host}: {reason}) — เลือกพอร์ตอื่นที่ว่าง เช่น {example} (cannot listen)"


def _webhook_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, help="port to listen on (default [line] webhook_port)")


@command("line-webhook", "Answer LINE's webhook: record the groups the bot joins, tell a group its id",
         "Listens on [line] webhook_host:webhook_port at /line/webhook (put an https reverse proxy or "
         "tunnel in front and give its URL to LINE). Checks X-Line-Signature with the channel secret from "
         "the variable named by [line] channel_secret_env. Type 'id' in a group with the bot: it answers "
         "with the group's id, to put in the unit's line_to. `serve` runs the same endpoint when the "
         "secret is set. Stops with Ctrl-C.", workbook=False, today=False)
@arguments(_webhook_args)
def cmd_line_webhook(args: argparse.Namespace, settings: Settings) -> int:
    from automation.line import channel_secret
    from automation.logs import setup_logging

    if not channel_secret(settings):
        env = settings.line.channel_secret_env
        raise ConfigError(f"the LINE channel secret is not set: put it (LINE Developers console, Basic settings) "
                          f"in the environment variable {env}" if settings.run.language == "en" else
                          f"{env}: ยังไม่ได้ตั้ง channel secret ของ LINE — คัดลอก Channel secret จาก LINE Developers "
                          f"console แท็บ Basic settings มาใส่ในตัวแปรสภาพแวดล้อมนี้ เช่น export {env}=\"…\" "
                          "(the LINE channel secret is not set)")
    logs = setup_logging(settings, verbose=args.verbose)
    server = start_webhook(settings, args.port)
    stop = threading.Event()
    try:
        print(f"LINE webhook on {server.url}  (Ctrl-C stops it)" if settings.run.language == "en" else  # type: ignore[attr-defined]
              f"รับ webhook ของ LINE ที่ {server.url}  (กด Ctrl-C เพื่อหยุด)", flush=True)  # type: ignore[attr-defined]
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()  # type: ignore[attr-defined]
        logs.close()
    return 0


def _emulator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8766, help="port to listen on (127.0.0.1, default 8766)")
    p.add_argument("--token", default="emulator-channel-access-token", help="the access token it accepts")


@command("line-emulator", "Run a loopback LINE Messaging API that prints the messages it receives",
         "For a trial of LINE delivery without an account: set [line] api_base_url to the URL it prints "
         "and the token variable to its token; `serve` then pushes to it. Checks the token, the "
         "request's schema and the retry key as LINE does. Stops with Ctrl-C.", workbook=False, today=False)
@arguments(_emulator_args)
def cmd_line_emulator(args: argparse.Namespace, settings: Settings) -> int:
    from automation.line_emulator import main

    try:
        return main(["--port", str(args.port), "--token", args.token])
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise ConfigError(busy_port(f"--port {args.port}", "127.0.0.1", exc, settings.run.language,
                                    f"--port {args.port + 1}")) from None

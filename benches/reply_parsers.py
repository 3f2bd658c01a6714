"""Times Python reply parsers on the same files as samskap's understand benchmark.

Reads file paths (one per line) on stdin; for each parser, takes every message apart with the
standard library's email package, gives the text (or HTML) part to the parser, and prints one JSON
object: {parser: messages per second of CPU time}. Run by benches/understand.rs; not a test.
"""
import email
import email.policy
import json
import sys
import time


def body_of(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return "", False
        return part.get_content(), part.get_content_type() == "text/html"
    except Exception:
        return raw.decode("utf-8", "replace"), False


def run(name, parse, raws, seconds=3.0):
    """Messages per second of CPU time: the median of passes over all files, timed by this
    thread's CPU time (the machine is shared; wall time would measure the neighbours too)."""
    rates = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(rates) < 3:
        cpu = time.thread_time()
        for raw in raws:
            text, html = body_of(raw)
            try:
                parse(text, html)
            except Exception:
                pass
        rates.append(len(raws) / (time.thread_time() - cpu))
    rates.sort()
    return rates[len(rates) // 2]


def main():
    paths = [line.strip() for line in sys.stdin if line.strip()]
    raws = []
    for path in paths:
        with open(path, "rb") as f:
            raws.append(f.read())
    results = {}

    from email_reply_parser import EmailReplyParser
    results["email-reply-parser"] = run("email-reply-parser", lambda t, h: EmailReplyParser.parse_reply(t), raws)

    from mailparser_reply import EmailReplyParser as MailParserReply
    languages = ["en", "de", "fr", "it", "nl", "pl", "sv", "da", "cz"]
    mpr = MailParserReply(languages=languages)
    results["mail-parser-reply"] = run("mail-parser-reply", lambda t, h: mpr.parse_reply(text=t), raws)

    import talon
    from talon import quotations
    talon.init()
    results["talon"] = run(
        "talon",
        lambda t, h: quotations.extract_from_html(t) if h else quotations.extract_from_plain(t),
        raws,
    )
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

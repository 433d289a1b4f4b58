"""Seeded generator for sms_spam_tokens: SMSSpamCollection, tab-separated, no header.

SMSSpamCollection: label<TAB>text   (label "ham" or "spam", ~14% spam; ~5% of the messages are forwarded
copies of an earlier one; texts carry phone numbers, prices in £ and $, URLs, shouting in capitals)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

HAM_OPEN = ["Hey", "Ok", "Hi", "Sorry,", "Yeah", "Lol", "Hmm", "Good morning!", "Babe", "Mum says"]
HAM_BODY = [
    "i'll be there in {n} mins", "are you coming to the match tonight", "can you pick up milk on the way home",
    "call me when you get this", "i'm at the station now", "did you see the game", "what time is dinner",
    "dont forget we have the meeting at {n}", "i'm so tired today", "lunch tomorrow?", "just finished work",
    "thanks for yesterday, it was great", "i left my keys at yours", "we need to talk about the weekend",
    "running late, traffic is bad", "are you free later", "we won the pub quiz lol",
    "i got the cash for the tickets", "did u see www.bbc.co.uk about the strike", "claim the seats near the window", "u free on saturday", "happy birthday!! have a good one", "ya ok see u then",
]
HAM_CLOSE = ["", "", " :)", " xx", " ;-)", " ok?", " see u", "..."]
SPAM_OPEN = ["WINNER!!", "URGENT!", "Congratulations!", "FREE entry", "You have been selected", "Dear customer,", "SIX chances to win CASH!"]
SPAM_BODY = [
    "you have won a {cur}{amt} prize. To claim call {phone} now", "claim your free ringtone, text WIN to {short}",
    "your mobile account is due a {cur}{amt} refund, call {phone}", "txt STOP to {short} to opt out of our weekly draw",
    "win a brand new phone! reply YES to {short}", "get {amt} free minutes at {url}", "you are awarded a {cur}{amt} bonus, visit {url}",
    "guaranteed cash or a holiday, call {phone} from a landline", "hot singles in your area, see {url}",
]
URLS = ["www.prizeclub.co.uk", "http://win-now.biz", "www.txt4free.com", "www.getcashfast.net"]


def _spam(rng) -> str:
    body = str(rng.choice(SPAM_BODY)).format(
        cur=str(rng.choice(["£", "$", "£"])), amt=int(rng.choice([100, 250, 500, 1000, 2000, 5000])),
        phone="0" + "".join(str(int(d)) for d in rng.integers(0, 10, 10)), short=int(rng.integers(80000, 89999)),
        url=str(rng.choice(URLS)))
    text = f"{rng.choice(SPAM_OPEN)} {body}"
    if rng.random() < 0.3:
        text = text.upper()
    if rng.random() < 0.25:          # some spam looks like a normal message
        text = f"{rng.choice(HAM_OPEN)} {body}"
    return text


def _ham(rng) -> str:
    parts = [str(rng.choice(HAM_BODY)).format(n=int(rng.integers(2, 12)))]
    if rng.random() < 0.4:
        parts.append(str(rng.choice(HAM_BODY)).format(n=int(rng.integers(2, 12))))
    text = f"{rng.choice(HAM_OPEN)} {', '.join(parts)}{rng.choice(HAM_CLOSE)}"
    if rng.random() < 0.05:
        text += f" call me on 07{int(rng.integers(100000000, 999999999))}"
    if rng.random() < 0.05:
        text = text.upper()
    return text


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    rows: list[list[str]] = []
    for _ in range(1300 * scale):
        if rows and rng.random() < 0.05:
            rows.append(list(rows[int(rng.integers(len(rows)))]))
        elif rng.random() < 0.14:
            rows.append(["spam", _spam(rng)])
        else:
            rows.append(["ham", _ham(rng)])
    _write_atomic(out_dir / "SMSSpamCollection", _lines(rows, sep="\t"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()

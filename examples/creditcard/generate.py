"""Seeded generator for the credit card running example.

Writes two CSV files without header rows into the output directory:

* ``customers.csv``: id, email, bank, country, level
* ``mails.csv``: id, email, date, subject, text

No field ever contains a comma, a double quote or a newline, so the files can be
parsed with a naive ``line.strip().split(',')`` (that is what ``messy.py`` does).
Generation is vectorized with NumPy; 1,000,000 customers (about 3,000,000 mails)
take seconds. The same ``--customers`` and ``--seed`` always give the same bytes.

Usage::

    python generate.py --customers 1000 [--seed 0] [--out DIR]

or from Python::

    from generate import generate
    generate(Path("data"), customers=1000, seed=0)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

MIN_CUSTOMERS = 10
MAX_CUSTOMERS = 1_000_000
MAILS_PER_CUSTOMER = 3  # on average: mails = 3 * customers
UNKNOWN_SENDER_SHARE = 0.05  # mails whose sender is no customer

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

DOMAINS = np.array(["example.com", "mail.de", "post.fr", "inbox.co.uk", "web.nl", "corp.com"])
BANKS = np.array(
    ["Commerzbank", "BNP Paribas", "Barclays", "ING", "Deutsche Bank", "Chase", "Santander"]
)
# DE, FR, UK and NL are the target countries of messy.py; US, ES and IT are not.
COUNTRIES = np.array(["DE", "FR", "UK", "NL", "US", "ES", "IT"])
COUNTRY_P = np.array([0.25, 0.20, 0.18, 0.10, 0.15, 0.07, 0.05])
LEVELS = np.array(["gold", "silver", "bronze"])
LEVEL_P = np.array([0.15, 0.35, 0.50])

# Subjects: prefix + topic + suffix. The use-case topics (credit card, loan, mortgage,
# account) appear in several casings; the other topics match no use case.
SUBJECT_PREFIXES = np.array(
    ["", "Re: ", "Fwd: ", "Question about my ", "Problem with my ", "About the ", "Urgent: "]
)
SUBJECT_TOPICS = np.array(
    [
        "credit card",
        "Credit Card",
        "CREDIT CARD",
        "credit card limit",
        "loan",
        "Loan application",
        "mortgage",
        "Mortgage rate",
        "account",
        "Account statement",
        "savings account",
        "gift card",
        "newsletter",
        "password reset",
        "app update",
        "branch visit",
        "event invitation",
        "office hours",
    ]
)
SUBJECT_SUFFIXES = np.array(["", "", "", "!", "?", " again", " (follow up)"])

POSITIVE_WORDS = [
    "good",
    "great",
    "happy",
    "thanks",
    "excellent",
    "love",
    "helpful",
    "fast",
    "easy",
    "satisfied",
]
NEGATIVE_WORDS = [
    "bad",
    "terrible",
    "angry",
    "slow",
    "problem",
    "fraud",
    "disappointed",
    "broken",
    "refund",
    "unhappy",
]
NEUTRAL_WORDS = [
    "i",
    "a",
    "my",
    "the",
    "to",
    "is",
    "was",
    "it",
    "this",
    "with",
    "and",
    "you",
    "we",
    "for",
    "on",
    "card",
    "account",
    "payment",
    "please",
    "today",
    "bank",
    "service",
    "order",
    "fee",
    "limit",
    "online",
    "branch",
    "statement",
    "transfer",
    "rate",
    "interest",
    "month",
    "week",
    "call",
    "app",
    "don't",
    "e-mail",
    "24",
    "2",
    "100",
    "euro",
    "pin",
    "cash",
    "atm",
    "contract",
    "team",
]
WORDS = np.array(POSITIVE_WORDS + NEGATIVE_WORDS + NEUTRAL_WORDS)
N_POS, N_NEG, N_NEU = len(POSITIVE_WORDS), len(NEGATIVE_WORDS), len(NEUTRAL_WORDS)

# Decorations that sanitization removes: casing, trailing punctuation, repeated spaces.
CASE_P = np.array([0.75, 0.18, 0.07])  # lower, Capitalized, UPPER
PUNCT = ["", ".", "!", "?", "...", "!!", ":"]
PUNCT_P = np.array([0.82, 0.06, 0.05, 0.03, 0.02, 0.01, 0.01])
SEPS = np.array([" ", "  ", "   "])
SEP_P = np.array([0.9, 0.07, 0.03])
MIN_WORDS, MAX_WORDS = 5, 18

DATE_START = np.datetime64("2020-01-01")
DATE_END = np.datetime64("2024-12-31")


def _decorated_vocabulary() -> np.ndarray:
    """All (word, case, punctuation) variants, indexed word * 21 + case * 7 + punct."""
    out = []
    for w in WORDS:
        for cased in (w, w.capitalize(), w.upper()):
            for p in PUNCT:
                out.append(cased + p)
    return np.array(out, dtype=object)


def _draw(rng: np.random.Generator, p: np.ndarray, size) -> np.ndarray:
    """Vectorized categorical draw: index i with probability p[i]."""
    return np.searchsorted(np.cumsum(p)[:-1], rng.random(size), side="right")


def _body_tokens(rng: np.random.Generator, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Mail bodies as index arrays: (tokens, separators), each (m, MAX_WORDS).

    tokens index ``_decorated_vocabulary()`` plus one trailing "" entry for unused
    positions; separators index SEPS plus one trailing "" (no separator before the
    first word or after the last one). Each body has MIN_WORDS..MAX_WORDS words,
    mostly neutral, with 1-3 sentiment words by mood (positive, negative, neutral)
    and, in a quarter of the mails, one word of the opposite sentiment.
    """
    width = MAX_WORDS
    n_words = rng.integers(MIN_WORDS, MAX_WORDS + 1, size=m)
    word = (N_POS + N_NEG + rng.integers(0, N_NEU, size=(m, width))).astype(np.int32)
    mood = _draw(rng, np.array([0.46, 0.42, 0.12]), m)
    n_sent = rng.integers(1, 4, size=m)
    rows = np.arange(m)
    # Up to three sentiment words of the mail's mood at random live positions
    # (positions may coincide), then maybe one word of the opposite sentiment.
    pos_word = rng.integers(0, N_POS, size=(4, m))
    neg_word = N_POS + rng.integers(0, N_NEG, size=(4, m))
    where = (rng.random((4, m)) * n_words).astype(np.int64)
    opposite = rng.random(m) < 0.25
    for k in range(4):
        if k < 3:
            use = (k < n_sent) & (mood < 2)
            choice = np.where(mood == 0, pos_word[k], neg_word[k])
        else:
            use = opposite & (mood < 2)
            choice = np.where(mood == 0, neg_word[k], pos_word[k])
        word[rows[use], where[k, use]] = choice[use]
    col = np.arange(width)[None, :]
    live = col < n_words[:, None]

    # Case and punctuation in one draw: variant = case * len(PUNCT) + punct.
    n_variants = 3 * len(PUNCT)
    variant = _draw(rng, np.outer(CASE_P, PUNCT_P).ravel(), (m, width))
    tokens = word * n_variants + variant
    tokens = np.where(live, tokens, len(WORDS) * n_variants)  # "" when unused
    seps = _draw(rng, SEP_P, (m, width))
    seps = np.where(live & (col > 0), seps, len(SEPS))  # "" before the first word and when unused
    return tokens, seps


def _obj(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _write_atomic(path: Path, n_rows: int, row_pieces, chunk: int = 100_000) -> None:
    """Write ``n_rows`` lines to ``path``: temp file in the same directory, then os.replace.

    ``row_pieces(start, stop)`` returns an object array (stop - start, k) of strings
    whose concatenation per row is one line (including its "\n").
    """
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            for start in range(0, n_rows, chunk):
                stop = min(start + chunk, n_rows)
                f.write("".join(row_pieces(start, stop).ravel().tolist()))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _check_customers(customers: int) -> None:
    if isinstance(customers, bool) or not isinstance(customers, (int, np.integer)):
        raise ValueError(f"customers must be an integer, got {customers!r}")
    if not MIN_CUSTOMERS <= customers <= MAX_CUSTOMERS:
        raise ValueError(
            f"customers must be between {MIN_CUSTOMERS:,} and {MAX_CUSTOMERS:,}, got {customers:,}"
        )


def generate(out_dir: Path, customers: int, seed: int = 0) -> None:
    """Write customers.csv and mails.csv (no headers) for ``customers`` customers into ``out_dir``."""
    _check_customers(customers)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n = int(customers)

    # Customers: id, email c{id}@{domain}, bank, country, level.
    domain = rng.integers(0, len(DOMAINS), size=n)
    bank = rng.integers(0, len(BANKS), size=n)
    country = _draw(rng, COUNTRY_P, n)
    level = _draw(rng, LEVEL_P, n)

    # Mails, in chronological order (ties keep generation order): about 3 per
    # customer, some from unknown senders u{k}@unknown.org.
    m = MAILS_PER_CUSTOMER * n
    span = int((DATE_END - DATE_START).astype(int)) + 1
    day = np.sort(rng.integers(0, span, size=m))
    sender = rng.integers(0, n, size=m)
    unknown = rng.random(m) < UNKNOWN_SENDER_SHARE
    unknown_no = rng.integers(0, 10 * n, size=m)
    prefix = rng.integers(0, len(SUBJECT_PREFIXES), size=m)
    topic = rng.integers(0, len(SUBJECT_TOPICS), size=m)
    suffix = rng.integers(0, len(SUBJECT_SUFFIXES), size=m)
    chunk = 100_000
    body_seeds = np.random.SeedSequence(seed).spawn(-(-m // chunk))

    domains, banks, countries, levels = (
        _obj(a.tolist()) for a in (DOMAINS, BANKS, COUNTRIES, LEVELS)
    )
    dates = _obj((DATE_START + np.arange(span).astype("timedelta64[D]")).astype(str).tolist())
    sender_domains = _obj(domains.tolist() + ["unknown.org"])
    prefixes, topics, suffixes = (
        _obj(a.tolist()) for a in (SUBJECT_PREFIXES, SUBJECT_TOPICS, SUBJECT_SUFFIXES)
    )
    vocab = _obj(_decorated_vocabulary().tolist() + [""])
    sep_vocab = _obj(SEPS.tolist() + [""])

    def const(value: str, rows: int) -> np.ndarray:
        return np.full((rows, 1), value, dtype=object)

    def customer_rows(a: int, b: int) -> np.ndarray:
        r = b - a
        ids = _obj(np.arange(a, b).astype(str).tolist())[:, None]
        comma = const(",", r)
        return np.hstack(
            [
                ids,
                comma,
                const("c", r),
                ids,
                const("@", r),
                domains[domain[a:b]][:, None],
                comma,
                banks[bank[a:b]][:, None],
                comma,
                countries[country[a:b]][:, None],
                comma,
                levels[level[a:b]][:, None],
                const("\n", r),
            ]
        )

    def mail_rows(a: int, b: int) -> np.ndarray:
        r = b - a
        ids = _obj(np.arange(a, b).astype(str).tolist())[:, None]
        unk = unknown[a:b]
        who = _obj(np.where(unk, unknown_no[a:b], sender[a:b]).astype(str).tolist())[:, None]
        letter = np.where(unk, "u", "c").astype(object)[:, None]
        dom = sender_domains[np.where(unk, len(DOMAINS), domain[sender[a:b]])][:, None]
        comma = const(",", r)
        tokens, seps = _body_tokens(np.random.default_rng(body_seeds[a // chunk]), r)
        body = np.empty((r, 2 * MAX_WORDS), dtype=object)
        body[:, 0::2] = sep_vocab[seps]
        body[:, 1::2] = vocab[tokens]
        return np.hstack(
            [
                ids,
                comma,
                letter,
                who,
                const("@", r),
                dom,
                comma,
                dates[day[a:b]][:, None],
                comma,
                prefixes[prefix[a:b]][:, None],
                topics[topic[a:b]][:, None],
                suffixes[suffix[a:b]][:, None],
                comma,
                body,
                const("\n", r),
            ]
        )

    _write_atomic(out_dir / "customers.csv", n, customer_rows, chunk)
    _write_atomic(out_dir / "mails.csv", m, mail_rows, chunk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate the credit card example data (customers.csv and mails.csv, no headers).",
    )
    parser.add_argument(
        "--customers",
        type=int,
        required=True,
        metavar="N",
        help=f"number of customers, {MIN_CUSTOMERS:,} to {MAX_CUSTOMERS:,} (about {MAILS_PER_CUSTOMER} mails each)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: data/ beside this script)",
    )
    args = parser.parse_args(argv)
    try:
        _check_customers(args.customers)
    except ValueError as e:
        parser.error(str(e))  # exits with status 2
    if args.seed < 0:
        parser.error(f"seed must be a non-negative integer, got {args.seed}")
    generate(args.out, args.customers, args.seed)
    print(
        f"wrote {args.out / 'customers.csv'} and {args.out / 'mails.csv'} "
        f"({args.customers:,} customers, {MAILS_PER_CUSTOMER * args.customers:,} mails, seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seeded generator for hotel_stays_merge_dedup: bookings.csv and guests.csv of a small hotel group.

bookings.csv: booking_id,guest_id,hotel,room_type,nights,adults,children,lead_days,rate,channel,canceled
  ~4% of bookings are exported twice (the same row again, sometimes with a later rate); channel is a
  free-text source with many rare values ("travel agent", "tripx", "corporate desk"...).
guests.csv: guest_id,country,loyalty_level,past_stays  (loyalty_level empty for new guests)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

HOTELS = ["city", "resort", "airport"]
ROOMS = ["standard", "deluxe", "suite", "family"]
CHANNELS = ["online ta", "direct", "offline ta", "corporate", "groups", "tripx", "gds", "complementary",
            "aviation crew", "event desk"]
CHANNEL_P = [0.42, 0.22, 0.14, 0.07, 0.06, 0.03, 0.025, 0.015, 0.01, 0.01]
COUNTRIES = ["PRT", "GBR", "FRA", "ESP", "DEU", "ITA", "IRL", "BRA", "USA", "NLD"]
LEVELS = ["bronze", "silver", "gold", "platinum"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_guests = 500 * scale
    guests = [["guest_id", "country", "loyalty_level", "past_stays"]]
    past = {}
    for g in range(n_guests):
        stays = int(rng.poisson(1.5))
        past[g] = stays
        level = "" if stays == 0 else LEVELS[min(3, stays // 2)]
        guests.append([f"G{g:05d}", COUNTRIES[int(rng.integers(len(COUNTRIES)))], level, stays])
    rows = [["booking_id", "guest_id", "hotel", "room_type", "nights", "adults", "children", "lead_days",
             "rate", "channel", "canceled"]]
    for b in range(1000 * scale):
        g = int(rng.integers(n_guests))
        hotel = HOTELS[int(rng.integers(3))]
        room = ROOMS[int(rng.choice(4, p=[0.5, 0.25, 0.1, 0.15]))]
        nights = int(rng.integers(1, 10))
        adults = int(rng.integers(1, 4))
        children = int(rng.poisson(0.3))
        lead = int(rng.exponential(60))
        rate = rng.normal(110, 30) * (1.6 if room == "suite" else 1.0)
        channel = CHANNELS[int(rng.choice(len(CHANNELS), p=CHANNEL_P))]
        score = 0.012 * lead - 0.35 * past[g] + (0.7 if channel == "online ta" else 0) - 0.9 + rng.normal(0, 0.8)
        row = [f"B{b:06d}", f"G{g:05d}", hotel, room, nights, adults, children, lead, f"{rate:.2f}", channel,
               int(score > 0)]
        rows.append(row)
        if rng.random() < 0.04:
            rows.append(row)
    _write_atomic(out_dir / "bookings.csv", _lines(rows))
    _write_atomic(out_dir / "guests.csv", _lines(guests))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()

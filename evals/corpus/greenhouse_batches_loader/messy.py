import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.utils import shuffle


class BatchSource(ABC):
    """Something that hands out (train, test) pairs of greenhouse batches."""

    @abstractmethod
    def load(self, max_rows: int = None):
        pass


@dataclass
class GreenhouseBatches(BatchSource):
    log: logging.Logger
    data_dir: str = "data"
    holdout: float = field(default=0.25, init=False)
    seed: int = field(default=11, init=False)

    def _encode(self, frame: pd.DataFrame):
        warm_seasons = ("spring", "summer")
        light_cuts = (10000, 25000, 40000)

        def light_band(row):
            band = 0
            for cut in light_cuts:
                if row["lux"] >= cut:
                    band += 1
            return band

        def pest_flag(row):
            note = row["notes"]
            return 1 if isinstance(note, str) and "aphid" in note else 0

        encoded = []
        for _, row in frame.iterrows():
            if row["season"] in warm_seasons:
                warm = 1
            else:
                warm = 0
            heat_gap = abs(row["temp_c"] - 23.0)
            encoded.append([
                light_band(row),
                row["humidity"],
                heat_gap,
                row["water_ml"] / 100.0,
                warm,
                pest_flag(row),
            ])
        return encoded

    def load(self, max_rows: int = None):
        self.log.info("reading batches from %s", self.data_dir)
        frame = pd.read_csv(self.data_dir + "/batches.csv")
        labels = np.array(frame["thrived"], dtype=np.int64)
        frame.drop(columns=["batch_id"], inplace=True)
        rows = np.array(self._encode(frame), dtype=float)
        rows, labels = shuffle(rows, labels, random_state=self.seed)
        cut = int(len(rows) * (1 - self.holdout))
        if max_rows is not None:
            cut = min(cut, max_rows)
        return (rows[:cut], labels[:cut]), (rows[cut:], labels[cut:])


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    source = GreenhouseBatches(logging.getLogger("greenhouse"))
    (X_train, y_train), (X_test, y_test) = source.load()
    clf = LogisticRegression(max_iter=500)
    clf.fit(X_train, y_train)
    print("train accuracy", clf.score(X_train, y_train))
    print("test accuracy", clf.score(X_test, y_test))

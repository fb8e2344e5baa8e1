"""scikit-learn side of bench/learner-core.ts: SGDClassifier.partial_fit over the same batches.

Usage: python bench/sklearn_partial_fit.py <batches.bin> <repeats>
The file holds int32 rows, cols, n_batches, then n_batches int32 batch sizes, then rows×cols float64
features (row-major, little-endian), then rows int32 labels. Prints one JSON line: the best
records/s over the repeats and the final coef_ / intercept_ (to check parity with our learner).
"""

import json
import sys
import time

import numpy as np
from sklearn.linear_model import SGDClassifier


def load(path):
    raw = open(path, "rb").read()
    rows, cols, n_batches = np.frombuffer(raw, dtype="<i4", count=3)
    offset = 12
    sizes = np.frombuffer(raw, dtype="<i4", count=n_batches, offset=offset)
    offset += 4 * n_batches
    X = np.frombuffer(raw, dtype="<f8", count=rows * cols, offset=offset).reshape(rows, cols)
    offset += 8 * rows * cols
    y = np.frombuffer(raw, dtype="<i4", count=rows, offset=offset).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return [(np.ascontiguousarray(X[s:s + n]), y[s:s + n]) for s, n in zip(starts, sizes)]


def main():
    batches = load(sys.argv[1])
    repeats = int(sys.argv[2])
    rows = sum(len(y) for _, y in batches)
    classes = np.array([0, 1])
    best = float("inf")
    for _ in range(repeats):
        # the seed's model: log_loss, no penalty, constant rate 0.001, intercept; shuffle off for parity
        model = SGDClassifier(loss="log_loss", penalty=None, learning_rate="constant", eta0=0.001, shuffle=False)
        start = time.perf_counter()
        for X, y in batches:
            model.partial_fit(X, y, classes=classes)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({
        "recordsPerSecond": rows / best,
        "seconds": best,
        "coef": model.coef_.ravel().tolist(),
        "intercept": model.intercept_.tolist(),
    }))


if __name__ == "__main__":
    main()

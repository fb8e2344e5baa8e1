"""Learner core, the Python side of bench/run.ts: one learner over the same batches as ours.

Usage: python bench/learner_core.py <sklearn|river-many|river-one> <learner data file> <repeats>

The data file is described in bench/harness/learner-data.ts. Each system learns every batch in
order (one partial_fit / learn_many per batch, or learn_one per row), best of `repeats` passes;
the first pass stops its clock at the holdout split to score the model on the last 20% of rows.
Only the learner's own calls are timed: turning a batch into a DataFrame or into dicts (what
River needs) happens off the clock. Prints one line `BENCH-RESULT <json>`.
"""

import json
import resource
import sys
import time

import numpy as np

FEATURE_NAMES = [f"x{j}" for j in range(10)]


def load(path):
    raw = open(path, "rb").read()
    rows, cols, n_batches, train_rows = (int(v) for v in np.frombuffer(raw, dtype="<i4", count=4))
    offset = 16
    sizes = np.frombuffer(raw, dtype="<i4", count=n_batches, offset=offset)
    offset += 4 * n_batches
    X = np.frombuffer(raw, dtype="<f8", count=rows * cols, offset=offset).reshape(rows, cols)
    offset += 8 * rows * cols
    y = np.frombuffer(raw, dtype="<i4", count=rows, offset=offset).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return X, y, list(zip(starts.tolist(), sizes.tolist())), train_rows


def quality(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    accuracy = float(np.mean(y_true == y_pred))
    f1 = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn > 0 else 0.0
    return accuracy, f1


class Sklearn:
    name = "scikit-learn 1.7.2 SGDClassifier.partial_fit"

    def __init__(self):
        from sklearn.linear_model import SGDClassifier

        # The seed's model; shuffle off so that the weights can be checked against ours.
        self.model = SGDClassifier(loss="log_loss", penalty=None, learning_rate="constant", eta0=0.001, shuffle=False)
        # Required on the first call only, as documented. Passed again, it is re-validated on every call
        # (type_of_target and unique_labels, about 30 % of a 105-row call), work a standard loop skips.
        self.classes = np.array([0, 1])

    def prepare(self, X, y):
        return X, y

    def learn(self, batch):
        if self.classes is None:
            self.model.partial_fit(batch[0], batch[1])
        else:
            self.model.partial_fit(batch[0], batch[1], classes=self.classes)
            self.classes = None

    def predict(self, X):
        return self.model.predict(X)

    def extra(self):
        return {"coef": self.model.coef_.ravel().tolist(), "intercept": self.model.intercept_.tolist()}


class River:
    def __init__(self):
        from river import linear_model, optim

        # The seed's hyperparameters in River's terms: plain SGD at 0.001 for weights and intercept, no L2.
        self.model = linear_model.LogisticRegression(optimizer=optim.SGD(0.001), l2=0.0, intercept_lr=0.001)

    def predict(self, X):
        import pandas as pd

        return self.model.predict_many(pd.DataFrame(X, columns=FEATURE_NAMES)).astype(np.int64).to_numpy()

    def extra(self):
        return {}


class RiverMany(River):
    name = "River 0.23.0 LogisticRegression.learn_many"

    def prepare(self, X, y):
        import pandas as pd

        return pd.DataFrame(X, columns=FEATURE_NAMES), pd.Series(y)

    def learn(self, batch):
        self.model.learn_many(batch[0], batch[1])


class RiverOne(River):
    name = "River 0.23.0 LogisticRegression.learn_one"

    def prepare(self, X, y):
        return [dict(zip(FEATURE_NAMES, row)) for row in X.tolist()], y.tolist()

    def learn(self, batch):
        learn_one = self.model.learn_one
        for x, label in zip(batch[0], batch[1]):
            learn_one(x, label)


SYSTEMS = {"sklearn": Sklearn, "river-many": RiverMany, "river-one": RiverOne}


def main():
    system, path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    X, y, batches, train_rows = load(path)
    X_test, y_test = X[train_rows:], y[train_rows:]
    best = float("inf")
    holdout = None
    learner = None
    for _ in range(repeats):
        learner = SYSTEMS[system]()
        seconds = 0.0
        for start, size in batches:
            batch = learner.prepare(X[start:start + size], y[start:start + size])
            began = time.perf_counter()
            learner.learn(batch)
            seconds += time.perf_counter() - began
            if start + size == train_rows and holdout is None:
                holdout = quality(y_test, learner.predict(X_test))
        best = min(best, seconds)
    result = {
        "system": learner.name,
        "records": int(len(y)),
        "batches": len(batches),
        "seconds": best,
        "recordsPerSecond": len(y) / best,
        "repeats": repeats,
        "accuracy": holdout[0] if holdout else None,
        "f1": holdout[1] if holdout else None,
        # ru_maxrss is in KiB on Linux.
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        **learner.extra(),
    }
    print("BENCH-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

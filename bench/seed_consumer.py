"""The seed's Kafka consumer (06.Blog_04_KafkaConsumer_Code_V2.0.py), rebuilt for bench/run.ts.

Kept as the seed wrote it: kafka-python, JSON messages {"X": [[...]], "y": [...]}, the end offset
read first with a throw-away consumer (assign, seek_to_end, position), a group-less consumer from
the earliest offset, per message an 80/20 train_test_split with random_state 2011,
SGDClassifier(loss log, no penalty, constant eta0 0.001, shuffle, random_state 2011).partial_fit
on the 80%, predict on the 20%, log loss / accuracy / F1 of the hard predictions, the gate (from
the second message on, keep the step if F1 > 0.95 × mean of the recorded F1s, where `clf_temp = clf`
aliases the model, so rejected updates stay in it), and an INFO log line per accepted step.

Changed on purpose: no sleeps and no plots (the issue asks for none); `loss='log'` and
`penalty='none'` are spelled as scikit-learn 1.7 needs them; and it stops after the message at
end offset - 1 (the seed's `counter == topic_offset` test stopped one message early), so it reads
the same records as the other systems.

It also keeps confusion counts over every test split (accepted step or not) for the bench's
cumulative accuracy and F1; that costs a few additions per message.

Usage: python bench/seed_consumer.py <bootstrap host:port> <topic> <log file>
Prints one line `BENCH-RESULT <json>`; the timed span runs from the first message received to the
last one processed.
"""

import json
import logging
import resource
import sys
import time
import warnings
from json import loads

import numpy as np
from kafka import KafkaConsumer, TopicPartition
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import train_test_split


def get_topic_offset(bootstrap, topic_name):
    consumer = KafkaConsumer(bootstrap_servers=[bootstrap], auto_offset_reset="earliest", enable_auto_commit=True,
                             value_deserializer=lambda x: loads(x.decode("utf-8")))
    tp = TopicPartition(topic_name, 0)
    consumer.assign([tp])
    consumer.seek_to_end(tp)
    last_offset = consumer.position(tp)
    consumer.close()
    return last_offset


def initial_model():
    return SGDClassifier(loss="log_loss", penalty=None, fit_intercept=True, shuffle=True, eta0=0.001,
                         learning_rate="constant", average=False, random_state=2011, verbose=0, max_iter=1000,
                         warm_start=False)


def consumer_train_model(logger, bootstrap, topic_name, topic_offset):
    row_list, ll_list, accuracy_list, f1_list = [], [], [], []
    selected_models = 0
    confusion = np.zeros(4, dtype=np.int64)  # bench only: tn, fp, fn, tp over every test split
    records = 0
    clf = initial_model()
    consumer = KafkaConsumer(topic_name, bootstrap_servers=[bootstrap], auto_offset_reset="earliest",
                             enable_auto_commit=True, value_deserializer=lambda x: loads(x.decode("utf-8")))
    counter = 1
    first_message_at = None
    for message in consumer:
        if first_message_at is None:
            first_message_at = time.perf_counter()
        offset = message.offset
        message = message.value
        X = np.array(message["X"])
        y = np.array(message["y"])
        records += len(y)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.20, random_state=2011, shuffle=True)
        if counter == 1:
            clf.partial_fit(X_train, y_train, classes=[0, 1])
            y_test_predict = clf.predict(X_test)
            clf_log_loss = log_loss(y_test, y_test_predict, labels=[0, 1])
            clf_acc_score = accuracy_score(y_test, y_test_predict)
            clf_f1_score = f1_score(y_test, y_test_predict)
            row_list.append(selected_models)
            ll_list.append(clf_log_loss)
            accuracy_list.append(clf_acc_score)
            f1_list.append(clf_f1_score)
        else:
            clf_temp = clf
            clf_temp.partial_fit(X_train, y_train, classes=[0, 1])
            y_test_predict = clf_temp.predict(X_test)
            clf_log_loss = log_loss(y_test, y_test_predict, labels=[0, 1])
            clf_acc_score = accuracy_score(y_test, y_test_predict)
            clf_f1_score = f1_score(y_test, y_test_predict)
            if clf_f1_score > (np.mean(f1_list) * 0.95):
                clf = clf_temp
                selected_models += 1
                logger.info(f'Log loss : {format(clf_log_loss, "10.3f")};\tAccuracy score : {format(clf_acc_score, "10.3f")};\tF1 score : {format(clf_f1_score, "10.3f")}')
                row_list.append(selected_models)
                ll_list.append(clf_log_loss)
                accuracy_list.append(clf_acc_score)
                f1_list.append(clf_f1_score)
        confusion += np.bincount(y_test * 2 + y_test_predict, minlength=4)
        counter += 1
        if offset + 1 >= topic_offset:
            break
    finished_at = time.perf_counter()
    consumer.close()
    tn, fp, fn, tp = (int(v) for v in confusion)
    return {
        "messages": counter - 1,
        "records": records,
        "seconds": finished_at - first_message_at,
        "recordsPerSecond": records / (finished_at - first_message_at),
        "accuracy": (tp + tn) / max(1, tp + tn + fp + fn),
        "f1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn > 0 else 0.0,
        "recordedMeanF1": float(np.mean(f1_list)),
        "acceptedSteps": selected_models,
    }


def main():
    bootstrap, topic, log_file = sys.argv[1], sys.argv[2], sys.argv[3]
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logger = logging.getLogger("seed_consumer")
    logger.setLevel(logging.DEBUG)
    handler = logging.FileHandler(filename=log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s - %(levelname)s - %(message)s", "%d/%m %H:%M:%S"))
    logger.addHandler(handler)
    topic_offset = get_topic_offset(bootstrap, topic)
    result = consumer_train_model(logger, bootstrap, topic, topic_offset)
    result["endOffset"] = topic_offset
    result["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("BENCH-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

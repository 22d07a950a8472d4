"""myelin train's defaults vs scikit-learn's default MLP, on the same split of public tables.

Run with Debian's python (it has sklearn): /usr/bin/python3 bench/defaults/compare.py [--seeds 3]
after `npm run build:ts`. For each table: a 75/25 split (stratified for classes, random_state = seed);
sklearn: MLPClassifier()/MLPRegressor() with random_state = seed, in a pipeline of SimpleImputer +
StandardScaler for numbers and SimpleImputer(most_frequent) + OneHotEncoder for text, fit on the 75 %;
myelin: `myelin train train.csv --target y --test-split 0 --seed S` with every other option at its
default (its own validation split, early stopping and refit come from the 75 %), then `myelin evaluate`
on the 25 %. Prints accuracy (classes) or R² (regression), mean over seeds, and the difference.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data'
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BIN = os.path.join(ROOT, 'dist', 'cli', 'main.js')


def sklearn_csv(name, skip=1, target=-1):
    """sklearn's bundled CSVs: a first line of counts/names, then rows; the target is the last column."""
    opener = gzip.open if name.endswith('.gz') else open
    with opener(os.path.join(DATA, name), 'rt') as f:
        lines = [l.strip() for l in f if l.strip()][skip:]
    rows = np.array([[float(v) for v in l.split(',')] for l in lines])
    y = rows[:, target]
    x = np.delete(rows, target if target >= 0 else rows.shape[1] + target, axis=1)
    return x, y


def diabetes():
    x = np.loadtxt(os.path.join(DATA, 'diabetes_data_raw.csv.gz'))
    y = np.loadtxt(os.path.join(DATA, 'diabetes_target.csv.gz'))
    return x, y


def tables():
    yield 'iris', 'class', *sklearn_csv('iris.csv')
    yield 'wine', 'class', *sklearn_csv('wine_data.csv')
    yield 'breast cancer', 'class', *sklearn_csv('breast_cancer.csv')
    x, y = sklearn_csv('digits.csv.gz', skip=0)
    yield 'digits', 'class', x, y
    yield 'diabetes', 'regression', *diabetes()
    yield 'boston', 'regression', *sklearn_csv('boston_house_prices.csv', skip=2)


def write_csv(path, x, y):
    names = [f'f{j}' for j in range(x.shape[1])]
    with open(path, 'w') as f:
        f.write(','.join(names + ['y']) + '\n')
        for row, t in zip(x, y):
            f.write(','.join(repr(float(v)) for v in row) + ',' + (str(int(t)) if float(t).is_integer() else repr(float(t))) + '\n')


def sklearn_score(task, xtr, ytr, xte, yte, seed):
    numeric = list(range(xtr.shape[1]))
    pre = ColumnTransformer([
        ('num', make_pipeline(SimpleImputer(), StandardScaler()), numeric),
        ('cat', make_pipeline(SimpleImputer(strategy='most_frequent'), OneHotEncoder(handle_unknown='ignore')), []),
    ])
    est = MLPClassifier(random_state=seed) if task == 'class' else MLPRegressor(random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', ConvergenceWarning)
        model = make_pipeline(pre, est).fit(xtr, ytr)
    p = model.predict(xte)
    return accuracy_score(yte, p) if task == 'class' else r2_score(yte, p)


def myelin_score(task, train, test, seed, extra):
    model = train.replace('.csv', '.myelin')
    task_opt = ['--task', 'classification' if task == 'class' else 'regression']
    run = subprocess.run(['node', BIN, 'train', train, '--target', 'y', '--test-split', '0', '--seed', str(seed), '-o', model, '--json', *task_opt, *extra],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f'myelin train failed: {run.stderr}')
    ev = subprocess.run(['node', BIN, 'evaluate', model, test, '--json'], capture_output=True, text=True)
    if ev.returncode != 0:
        sys.exit(f'myelin evaluate failed: {ev.stderr}')
    s = json.loads(ev.stdout)['scores']
    return s['accuracy'] if task == 'class' else s['r2']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--only', default=None, help='one table by name')
    ap.add_argument('myelin_options', nargs='*', help='extra options for myelin train (after --)')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='myelin-defaults-')
    print(f"{'table':<14} {'rows':>5} {'metric':<8} {'sklearn':>8} {'myelin':>8} {'diff':>7}")
    for name, task, x, y in tables():
        if a.only and name != a.only:
            continue
        sk, my = [], []
        for seed in range(a.seeds):
            xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y if task == 'class' else None)
            train, test = os.path.join(tmp, 'train.csv'), os.path.join(tmp, 'test.csv')
            write_csv(train, xtr, ytr)
            write_csv(test, xte, yte)
            sk.append(sklearn_score(task, xtr, ytr, xte, yte, seed))
            my.append(myelin_score(task, train, test, seed + 1, a.myelin_options))
        metric = 'accuracy' if task == 'class' else 'R2'
        s, m = float(np.mean(sk)), float(np.mean(my))
        print(f'{name:<14} {len(y):>5} {metric:<8} {s:>8.4f} {m:>8.4f} {m - s:>+7.4f}', flush=True)


if __name__ == '__main__':
    main()

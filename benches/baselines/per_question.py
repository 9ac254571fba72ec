#!/usr/bin/env python3
"""Per-question latency of a baseline, for benches/compare.sh.

usage: per_question.py METHOD QUESTIONS.yaml OUT.tsv [--content DIR] [--reps N]

Uses baseline.py's own load_units() and ranker() (the copy beside this file),
so the timed work is exactly what baseline.py times: rank(question), after the
corpus is loaded and embedded. Each question is ranked once to warm up, then
REPS times; OUT.tsv gets one line per question, in file order:
    index <TAB> median seconds <TAB> question
"""
import argparse, os, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import yaml  # noqa: E402
import baseline  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("method"); ap.add_argument("questions"); ap.add_argument("out")
    ap.add_argument("--content", default="content"); ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    units = baseline.load_units(a.content)
    rank = baseline.ranker(a.method, units)
    items = yaml.safe_load(open(a.questions, encoding="utf-8"))
    with open(a.out, "w", encoding="utf-8") as f:
        for i, it in enumerate(items):
            q = it["q"]
            rank(q)
            times = []
            for _ in range(a.reps):
                t0 = time.perf_counter(); rank(q); times.append(time.perf_counter() - t0)
            f.write(f"{i}\t{statistics.median(times):.9f}\t{q}\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the fixed, stratified split of the real development set (issue 17).

The surveillance-fight dataset (github.com/seymanurakti/fight-detection-surv-dataset) has 150
clips per class in fight/ and noFight/. Per class, the sorted file names are shuffled with
random.Random(SEED) and cut into 100 train, 20 val and 30 test. Standard library only.

Usage: /usr/bin/python3 make_split.py DATASET_DIR > fight-split.csv
"""
import os
import random
import sys

SEED = 17
COUNTS = (("train", 100), ("val", 20), ("test", 30))


def main():
    root = sys.argv[1]
    print("path,label,split")
    for label in ("fight", "noFight"):
        names = sorted(n for n in os.listdir(os.path.join(root, label)) if n.endswith(".mp4"))
        if len(names) != sum(c for _, c in COUNTS):
            sys.exit(f"{root}/{label}: expected 150 .mp4 clips, found {len(names)}")
        random.Random(f"{SEED}-{label}").shuffle(names)
        start = 0
        for split, count in COUNTS:
            for n in sorted(names[start:start + count]):
                print(f"{label}/{n},{label},{split}")
            start += count


if __name__ == "__main__":
    main()

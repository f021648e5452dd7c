#!/usr/bin/env python3
"""The right-hand edge of decoded frames from PyAV, for ecrl4j's test of the RGB conversion's last columns.

Usage:
    /usr/bin/python3 tools/parity/make_edge_pixels.py [--video V] [--frames 18,281] [--columns 8] [--out FILE.npy]

Decodes the video with PyAV (Debian's python3-av, FFmpeg's swscale), converts frames k (k-th frame in
presentation order) with frame.to_ndarray(format="rgb24") and saves their last C columns as uint8
(frames, height, C, 3). A width that is not a multiple of 8 (340 for the default H.264 fixture) is the
case where swscale's x86 code leaves a row's last pixels unwritten unless the row stride has room.
"""
import argparse

import av
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--video", default="src/test/resources/fixtures/videos/h264_340x256_300f.mp4")
p.add_argument("--frames", default="18,281")
p.add_argument("--columns", type=int, default=8)
p.add_argument("--out", default="src/test/resources/fixtures/parity/h264_340x256_edges.npy")
a = p.parse_args()
wanted = [int(x) for x in a.frames.split(",")]
got = {}
with av.open(a.video) as c:
    for i, f in enumerate(c.decode(video=0)):
        if i in wanted:
            got[i] = f.to_ndarray(format="rgb24")[:, -a.columns:, :]
        if len(got) == len(wanted):
            break
np.save(a.out, np.stack([got[i] for i in wanted]).astype(np.uint8))
print("wrote", a.out, "frames", wanted)

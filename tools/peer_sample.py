#!/usr/bin/env python3
"""The Python peer of `ecrl4j bench ingest --peer`: sampling T frames of a video with PyAV, as PyTorchVideo does.

Usage (driven by ecrl4j, one JSON request per line on stdin, one JSON answer per line on stdout):
    /usr/bin/python3 tools/peer_sample.py
    {"path": "V.mp4", "frames": 8, "threads": 2}            -> {"ms": ..., "cpu_ms": ..., "indices": [...], ...}
    {"path": "V.mp4", "frames": 8, "threads": 2, "digest": true, "rotation": 90}
                                                            -> the same, plus "md5": [...] per frame

Timed, from opening the file to the T frames as RGB24 arrays (one request = one timed sample):

1. open the file with PyAV (Debian's python3-av 10), video stream decoding with thread_type "AUTO"
   (frame and slice threads) and thread_count = the requested threads;
2. count the frames and get their presentation times by demuxing every packet without decoding it
   (as ecrl4j's probe does), sorted: frame k is the k-th in presentation order;
3. segment sampling, evaluation mode: frames floor((2i + 1) n / 2T), i = 0..T-1 (ecrl4j's default);
4. for each wanted frame in ascending order: seek to the keyframe at or before it
   (container.seek(pts, backward=True, any_frame=False, stream=...)) and decode forward until it
   comes out (the first frame at or after its time: "inexact" counts those whose time differs),
   converting it with frame.to_ndarray(format="rgb24"), as PyTorchVideo's PyAV decoder seeks and
   decodes each clip.

"cpu_ms" is the CPU time of the whole process (all its threads) over the same span. With "digest", after the timing, the MD5 of each frame's RGB bytes (rotated clockwise by "rotation"
degrees, the container's display matrix, which PyAV does not apply) so that ecrl4j can check that
both sides returned the same pixels.
"""
import hashlib
import json
import sys
import time

import av
import numpy as np


def sample(path, t, threads):
    t0 = time.perf_counter()
    c0 = time.process_time()
    decoded = 0
    inexact = 0
    with av.open(path) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        s.thread_count = threads
        pts = []
        for p in c.demux(s):
            if p.size > 0:
                if p.pts is None:
                    raise ValueError("%s: a packet without a presentation time" % path)
                pts.append(p.pts)
        pts.sort()
        n = len(pts)
        if n < 1:
            raise ValueError("%s: no video frames" % path)
        idx = [(2 * i + 1) * n // (2 * t) for i in range(t)]
        got = {}
        for i in sorted(set(idx)):
            target = pts[i]
            c.seek(target, backward=True, any_frame=False, stream=s)
            for f in c.decode(s):
                decoded += 1
                if f.pts is not None and f.pts >= target:
                    # the frame at the wanted time, or (where decoded times differ from the packets',
                    # as with Xvid's packed B-frames in AVI) the first one after it, as a time window would
                    got[i] = f.to_ndarray(format="rgb24")
                    inexact += f.pts != target
                    break
            if i not in got:
                raise ValueError("%s: frame %d not decoded" % (path, i))
        frames = [got[i] for i in idx]
    ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (time.process_time() - c0) * 1000
    return ms, cpu_ms, idx, frames, decoded, inexact


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            ms, cpu_ms, idx, frames, decoded, inexact = sample(req["path"], int(req["frames"]), int(req["threads"]))
            out = {"ms": ms, "cpu_ms": cpu_ms, "indices": idx, "decoded": decoded, "inexact": inexact, "av": av.__version__}
            if req.get("digest"):
                k = (int(req.get("rotation", 0)) // 90) % 4
                out["md5"] = [hashlib.md5(np.ascontiguousarray(np.rot90(f, -k)).tobytes()).hexdigest() for f in frames]
        except Exception as e:  # one answer per request, so the driver never waits forever
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()

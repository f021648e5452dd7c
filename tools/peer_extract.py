#!/usr/bin/env python3
"""The Python peer of `ecrl4j bench extract`: the extraction path in PyAV + torchvision + TorchScript.

Usage:
    python3 tools/peer_extract.py --model FILE.pt --videos LIST.txt [--frames T] [--size S]
                                  [--threads N] [--warmup 1] [--precision fp32|bf16] [--json]

LIST.txt holds one video path per line. For every video, timed from opening the file to the three
feature arrays:

1. decode with PyAV (threaded decoding, thread_type AUTO) every frame up to the last one sampled, in
   presentation order; the frame count n comes from a first pass over the packets (demux only, no
   decoding), as ecrl4j counts frames;
2. segment sampling, evaluation mode: frames floor((2i + 1) n / 2T), i = 0..T-1;
3. torchvision.transforms on the uint8 clip (T, 3, H, W): Resize(S, antialias=True), CenterCrop(S);
4. saliency, a simple frame-difference motion mask: per pixel, the largest channel difference d
   between the frame and the per-pixel median of the T frames; saliency 0 for d <= 12, 255 for
   d >= 40, linear between (no median filter or closing, which ecrl4j's motion saliency adds);
5. split: background C = frame with the pixels of saliency >= 128 set to zero; foreground S = the
   frame cropped to the bounding box of the pixels of saliency >= 128 (the whole frame less a
   1/8 border when none), resized back to S x S (bilinear, torch.nn.functional.interpolate);
6. the three clips V, S, C normalised with the sidecar's mean and std (FILE.json, else ecrl4j's
   reference values) and each run through the TorchScript module (batch of 1, torch.no_grad,
   eval mode), as ecrl4j's extract does. With --precision bf16 each forward runs under
   torch.autocast("cpu", dtype=torch.bfloat16) (the output cast back to float32), which is what a
   PyTorch user does to get bf16 on a CPU.

Prints the rate in videos per second (and with --json one line {"peer_videos_per_s": ...}).
"""
import argparse
import json
import os
import sys
import time

import av
import numpy as np
import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T

REFERENCE_MEAN = [0.486, 0.457, 0.407]
REFERENCE_STD = [0.229, 0.224, 0.225]


def frame_count(path):
    with av.open(path) as c:
        s = c.streams.video[0]
        return sum(1 for p in c.demux(s) if p.size > 0)


def sampled_frames(path, t):
    n = frame_count(path)
    if n < 1:
        raise ValueError("%s: no video frames" % path)
    idx = [(2 * i + 1) * n // (2 * t) for i in range(t)]
    wanted = set(idx)
    last = idx[-1]
    got = {}
    with av.open(path) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for k, frame in enumerate(c.decode(s)):
            if k in wanted:
                got[k] = frame.to_ndarray(format="rgb24")
            if k >= last:
                break
    return np.stack([got[i] for i in idx])  # (T, H, W, 3) uint8


def split(clip):
    """clip: (T, 3, S, S) uint8 -> V, S, C as float (T, 3, S, S) on [0, 255]."""
    v = clip.float()
    med = v.median(dim=0, keepdim=True).values
    d = (v - med).abs().amax(dim=1)  # (T, S, S)
    sal = ((d - 12) * (255.0 / 28)).clamp(0, 255)
    salient = sal >= 128
    c = v * (~salient).unsqueeze(1)
    size = v.shape[-1]
    fg = []
    for t in range(v.shape[0]):
        ys, xs = torch.nonzero(salient[t], as_tuple=True)
        if ys.numel() == 0:
            b = size // 8
            y0, y1, x0, x1 = b, size - b, b, size - b
        else:
            y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
        box = v[t:t + 1, :, y0:y1, x0:x1]
        fg.append(F.interpolate(box, size=(size, size), mode="bilinear", align_corners=False))
    return v, torch.cat(fg), c


def extract(path, model, t, size, mean, std, bf16=False):
    frames = torch.from_numpy(sampled_frames(path, t)).permute(0, 3, 1, 2)
    clip = T.CenterCrop(size)(T.Resize(size, antialias=True)(frames))
    out = []
    for stream in split(clip):
        x = ((stream / 255.0 - mean) / std).permute(1, 0, 2, 3).unsqueeze(0).contiguous()  # (1, 3, T, S, S)
        if bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out.append(model(x).float().numpy())
        else:
            out.append(model(x).numpy())
    return out


def main():
    p = argparse.ArgumentParser(description="The Python peer of ecrl4j bench extract.")
    p.add_argument("--model", required=True)
    p.add_argument("--videos", required=True)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=1, help="untimed videos first (default 1)")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                   help="bf16: forwards under torch.autocast('cpu', dtype=torch.bfloat16) (default fp32)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.set_grad_enabled(False)
    with open(a.videos) as f:
        videos = [line.strip() for line in f if line.strip()]
    if not videos:
        print("peer_extract.py: %s lists no video" % a.videos, file=sys.stderr)
        return 2
    sidecar = os.path.splitext(a.model)[0] + ".json"
    mean, std = REFERENCE_MEAN, REFERENCE_STD
    if os.path.isfile(sidecar):
        with open(sidecar) as f:
            meta = json.load(f)
        mean, std = meta["mean"], meta["std"]
    mean = torch.tensor(mean).view(1, 3, 1, 1)
    std = torch.tensor(std).view(1, 3, 1, 1)
    model = torch.jit.load(a.model).eval()
    for v in videos[:a.warmup]:
        extract(v, model, a.frames, a.size, mean, std, a.precision == "bf16")
    t0 = time.perf_counter()
    for v in videos:
        extract(v, model, a.frames, a.size, mean, std, a.precision == "bf16")
    seconds = time.perf_counter() - t0
    rate = len(videos) / seconds
    if a.json:
        print(json.dumps({"peer_videos_per_s": rate, "videos": len(videos), "seconds": seconds, "threads": a.threads, "precision": a.precision,
                          "torch": torch.__version__, "torchvision": torchvision.__version__, "av": av.__version__}))
    else:
        print("%d videos in %.2f s: %.3f videos/s (torch %s, %d threads)" % (len(videos), seconds, rate,
                                                                           torch.__version__, a.threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())

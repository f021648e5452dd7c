#!/usr/bin/env python3
"""Reference clip tensors of the fixture videos from PyAV + torchvision, for ecrl4j's parity test.

Usage:
    python3 tools/parity/make_parity_arrays.py --out src/test/resources/fixtures/parity [--frames 8] [--size 112]
                                               [VIDEO ...]

For each video (default: the fixture videos H.264, MPEG-4, rotated and VFR) it writes NAME.npy, the
normalised clip (3, T, S, S) as float16 (float32 values rounded; error <= 0.001 at |x| < 4), and adds
the frame indices to parity.json. The pipeline, in the ecosystem's usual way:

1. decode every frame with PyAV in presentation order (frame k = k-th decoded frame), convert it
   with frame.to_ndarray(format="rgb24") (PyAV's default swscale conversion) and apply the display
   matrix's rotation (read with ffprobe; PyAV does not rotate);
2. pick T frames by segment sampling, evaluation mode: index floor((2i + 1) n / 2T) of the n frames
   (MODEL.md section 1.1, the same rule as TSN/MMAction2's test-mode sampling);
3. torchvision.transforms on the uint8 video tensor (T, 3, H, W), as torchvision.io.read_video gives
   it: Resize(S) (shorter side to S, bilinear, antialias=True; uint8 out), CenterCrop(S),
   ConvertImageDtype(float32) (/ 255) and Normalize(mean, std) with torchvision's Kinetics-400 mean
   and std (those in the sidecar of an exported r2plus1d_18).
"""
import argparse
import json
import os
import subprocess
import sys

import av
import numpy as np
import torch
import torchvision
import torchvision.transforms as T

MEAN = [0.43216, 0.394666, 0.37645]
STD = [0.22803, 0.22145, 0.216989]
FIXTURES = "src/test/resources/fixtures"
DEFAULT_VIDEOS = [FIXTURES + "/videos/h264_340x256_300f.mp4", FIXTURES + "/videos/xvid_320x240_164f.avi",
                  FIXTURES + "/videos/rotated_90.mov", FIXTURES + "/parity/vfr_200x150.mp4"]


def rotation(path):
    """Clockwise rotation (0, 90, 180, 270) that the display matrix asks for."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream_side_data=rotation", "-of", "json", path], capture_output=True, text=True, check=True)
    for s in json.loads(out.stdout).get("streams", []):
        for sd in s.get("side_data_list", []):
            if "rotation" in sd:
                return int(round(-float(sd["rotation"]) / 90.0)) % 4 * 90
    return 0


def decode_all(path):
    with av.open(path) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    k = rotation(path) // 90
    return [np.ascontiguousarray(np.rot90(f, k=-k)) for f in frames] if k else frames


def indices(n, t):
    return [(2 * i + 1) * n // (2 * t) for i in range(t)]


def clip(path, t, size):
    frames = decode_all(path)
    idx = indices(len(frames), t)
    x = torch.from_numpy(np.stack([frames[i] for i in idx])).permute(0, 3, 1, 2)  # (T, 3, H, W) uint8
    x = T.Resize(size, interpolation=T.InterpolationMode.BILINEAR, antialias=True)(x)  # uint8 in, uint8 out
    x = T.CenterCrop(size)(x)
    x = T.ConvertImageDtype(torch.float32)(x)  # / 255
    x = T.Normalize(MEAN, STD)(x)
    return x.permute(1, 0, 2, 3).contiguous(), idx, len(frames)  # (3, T, S, S)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("videos", nargs="*")
    a = p.parse_args()
    videos = a.videos or DEFAULT_VIDEOS
    os.makedirs(a.out, exist_ok=True)
    meta = {"frames": a.frames, "size": a.size, "mean": MEAN, "std": STD, "torch": torch.__version__,
            "torchvision": torchvision.__version__, "av": av.__version__, "videos": {}}
    for v in videos:
        x, idx, n = clip(v, a.frames, a.size)
        name = os.path.splitext(os.path.basename(v))[0]
        np.save(os.path.join(a.out, name + ".npy"), x.numpy().astype(np.float16))
        meta["videos"][name] = {"path": v, "decoded_frames": n, "indices": idx, "rotation": rotation(v)}
        print("%s: %d frames decoded, indices %s, clip %s" % (v, n, idx, tuple(x.shape)))
    with open(os.path.join(a.out, "parity.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

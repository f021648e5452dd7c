#!/usr/bin/env python3
"""Export a torchvision video model as an ecrl4j per-frame encoder (TorchScript) with its sidecar.

Usage:
    python3 tools/export_backbone.py MODEL --out FILE.pt [--weights PATH | --random]
                                     [--frames T] [--size S] [--seed N]
                                     [--check-input IN.npy --check-output OUT.npy]

MODEL is one of r3d_18, r2plus1d_18, s3d, mvit_v2_s (torchvision >= 0.14).

The exported module maps a normalised clip (B, 3, T, H, W) float32 to per-frame features (B, T, d):
the classifier and the temporal/spatial pooling are dropped, the last stage's activations are
averaged over space, and where the network downsamples time (T' < T) the features are brought back
to T by linear interpolation along time (align_corners=False). Beside FILE.pt it writes FILE.json,
the input contract that ecrl4j reads (T, size, mean, std, d, versions); ecrl4j then needs no
--frames/--size flags, and a flag that contradicts the sidecar is an error.

Weights: --weights PATH loads a state dict (a torchvision checkpoint, or {'state_dict': ...} /
{'model': ...} wrapping one; a 'module.' prefix from DataParallel is removed). Without --weights or
--random, torchvision's Kinetics-400 weights are used if they are in the torch hub cache
($TORCH_HOME/hub/checkpoints, default ~/.cache/torch/hub/checkpoints); nothing is downloaded.
--random keeps the seeded random initialisation (for tests).

Grad-CAM: besides forward(x), the module has two methods, activations(x) -> A (B, C, T', h, w), the
last stage's output, and from_activations(A) -> (B, T, d), with forward(x) == from_activations(
activations(x)). `ecrl4j` uses them for Grad-CAM on that layer.

--check-input/--check-output save a random normalised clip (B=2) and the exported module's output
for it, for `ecrl4j backbone --backbone torchscript:FILE.pt --input IN.npy --expected OUT.npy`.
"""
import argparse
import copy
import json
import os
import sys

MODELS = {
    # name: (builder, weights enum, default T, default size, d, mean, std, temporal stride of the last stage)
    "r3d_18": ("r3d_18", "R3D_18_Weights", 8, 112, 512),
    "r2plus1d_18": ("r2plus1d_18", "R2Plus1D_18_Weights", 8, 112, 512),
    "s3d": ("s3d", "S3D_Weights", 16, 224, 1024),
    "mvit_v2_s": ("mvit_v2_s", "MViT_V2_S_Weights", 16, 224, 768),
}


def fail(message):
    print("export_backbone.py: " + message, file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Export a torchvision video model as an ecrl4j per-frame encoder.")
    p.add_argument("model", choices=sorted(MODELS), help="torchvision video model")
    p.add_argument("--out", required=True, help="TorchScript file to write (the sidecar NAME.json goes beside it)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--weights", help="a state dict to load (else torchvision's cached weights)")
    g.add_argument("--random", action="store_true", help="random weights (seeded; for tests)")
    p.add_argument("--frames", type=int, help="T (default: the model's; mvit_v2_s needs 16)")
    p.add_argument("--size", type=int, help="square input side (default: the model's; mvit_v2_s needs 224)")
    p.add_argument("--seed", type=int, default=0, help="seed of --random weights and of the check clip")
    p.add_argument("--check-input", help="write a random normalised clip (2, 3, T, S, S) here (.npy)")
    p.add_argument("--check-output", help="write the exported module's output for --check-input here (.npy)")
    p.add_argument("--overwrite", action="store_true", help="replace --out and its sidecar if they exist")
    return p.parse_args(argv)


def load_state_dict(path, torch):
    if not os.path.isfile(path):
        fail("--weights %s: no such file; give a state dict saved with torch.save(model.state_dict(), PATH)" % path)
    try:
        sd = torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - one clear line
        fail("--weights %s: not a PyTorch file (%s)" % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))
    for key in ("state_dict", "model"):
        if isinstance(sd, dict) and key in sd and isinstance(sd[key], dict):
            sd = sd[key]
    if not isinstance(sd, dict):
        fail("--weights %s: holds a %s, not a state dict" % (path, type(sd).__name__))
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in sd.items()}


def build(args, torch, tv):
    """The torchvision model with its weights, and a description of where the weights came from."""
    import torchvision.models.video as video

    builder_name, weights_enum, _, _, _ = MODELS[args.model]
    builder = getattr(video, builder_name)
    weights_cls = getattr(video, weights_enum)
    default = weights_cls.DEFAULT
    torch.manual_seed(args.seed)
    model = builder(weights=None)
    if args.weights:
        sd = load_state_dict(args.weights, torch)
        missing, unexpected = model.load_state_dict(sd, strict=False)
        missing = [k for k in missing if not k.startswith(("fc.", "head.", "classifier."))]
        if missing:
            fail("--weights %s: does not fit %s: %d weights missing (first: %s); was it saved from this model?"
                 % (args.weights, args.model, len(missing), missing[0]))
        source = "file:" + os.path.abspath(args.weights)
        if unexpected and not all(k.startswith(("fc.", "head.", "classifier.")) for k in unexpected):
            print("export_backbone.py: ignored %d unexpected weights (first: %s)" % (len(unexpected), unexpected[0]),
                  file=sys.stderr)
    elif args.random:
        source = "random(seed=%d)" % args.seed
    else:
        hub = torch.hub.get_dir()
        cached = os.path.join(hub, "checkpoints", os.path.basename(default.url))
        if not os.path.isfile(cached):
            fail("no cached torchvision weights for %s (looked for %s); download %s there on a machine with"
                 " network access, or pass --weights PATH (a state dict) or --random" % (args.model, cached, default.url))
        model.load_state_dict(torch.load(cached, map_location="cpu"))
        source = "torchvision:%s (%s)" % (default, os.path.basename(default.url))
    model.eval()
    meta = default.transforms()
    return model, source, list(meta.mean), list(meta.std)


def split(model, name, torch):
    """(trunk, pool): trunk(x) is the last stage's activations (B, C, T', h, w); pool maps them to (B, T, d)."""
    nn = torch.nn

    class VideoResNetTrunk(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.stem, self.layer1, self.layer2, self.layer3, self.layer4 = (
                m.stem, m.layer1, m.layer2, m.layer3, m.layer4)

        def forward(self, x):
            return self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))

    class S3DTrunk(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.features = m.features

        def forward(self, x):
            return self.features(x)

    class MViTTrunk(nn.Module):
        """MViT's forward up to the final norm; the tokens (class token dropped) as (B, C, T', h, w)."""

        def __init__(self, m):
            super().__init__()
            self.conv_proj, self.pos_encoding, self.blocks, self.norm = m.conv_proj, m.pos_encoding, m.blocks, m.norm

        def forward(self, x):
            x = self.conv_proj(x)
            x = x.flatten(2).transpose(1, 2)
            x = self.pos_encoding(x)
            thw = (self.pos_encoding.temporal_size,) + self.pos_encoding.spatial_size
            for block in self.blocks:
                x, thw = block(x, thw)
            x = self.norm(x)[:, 1:]  # (B, T'h w, C) without the class token
            b, _, c = x.shape
            return x.transpose(1, 2).reshape(b, c, thw[0], thw[1], thw[2])

    trunk = {"r3d_18": VideoResNetTrunk, "r2plus1d_18": VideoResNetTrunk, "s3d": S3DTrunk,
             "mvit_v2_s": MViTTrunk}[name](model)
    return trunk.eval()


def make_pool(frames, torch):
    nn = torch.nn
    F = torch.nn.functional

    class FramePool(nn.Module):
        """(B, C, T', h, w) -> (B, T, C): mean over space, linear interpolation along time to T."""

        def __init__(self, t):
            super().__init__()
            self.t = t

        def forward(self, a):
            f = a.mean(dim=(3, 4))  # (B, C, T')
            if f.shape[2] != self.t:
                f = F.interpolate(f, size=self.t, mode="linear", align_corners=False)
            return f.transpose(1, 2).contiguous()

    return FramePool(frames).eval()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import torch
        import torchvision as tv
    except ImportError as e:
        fail("needs torch and torchvision (Debian: apt-get install python3-torch python3-torchvision): %s" % e)
    _, _, t0, s0, d = MODELS[args.model]
    frames = args.frames or t0
    size = args.size or s0
    if args.model == "mvit_v2_s" and (frames != 16 or size != 224):
        fail("mvit_v2_s has positional embeddings for T=16 and 224x224 only; drop --frames/--size")
    if frames < 1 or size < 32:
        fail("--frames must be >= 1 and --size >= 32, got %d and %d" % (frames, size))
    if bool(args.check_input) != bool(args.check_output):
        fail("--check-input and --check-output go together")
    out = args.out
    sidecar = os.path.splitext(out)[0] + ".json"
    for f in (out, sidecar):
        if os.path.exists(f) and not args.overwrite:
            fail("%s exists; pass --overwrite to replace it" % f)
    torch.set_grad_enabled(False)
    model, source, mean, std = build(args, torch, tv)
    trunk = split(model, args.model, torch)
    pool = make_pool(frames, torch)
    gen = torch.Generator().manual_seed(args.seed + 1)
    example = torch.randn(2, 3, frames, size, size, generator=gen)
    with torch.no_grad():
        a = trunk(example)
        traced_trunk = torch.jit.trace(trunk, example, check_trace=False)
        traced_pool = torch.jit.trace(pool, a)
        # forward_bf16 (ecrl4j --precision bf16): a bfloat16 copy of the trunk, traced on a bfloat16
        # clip; the clip is cast to bf16 on the way in and the activations back to float32 before the
        # temporal pooling. DJL cannot change a loaded module's parameter types, so the copy is made here.
        trunk_bf16 = copy.deepcopy(trunk).to(torch.bfloat16)
        traced_trunk_bf16 = torch.jit.trace(trunk_bf16, example.to(torch.bfloat16), check_trace=False)

    class PerFrameEncoder(torch.nn.Module):
        def __init__(self, trunk, pool, trunk_bf16):
            super().__init__()
            self.trunk = trunk
            self.pool = pool
            self.trunk_bf16 = trunk_bf16

        def forward(self, x):
            return self.pool(self.trunk(x))

        @torch.jit.export
        def forward_bf16(self, x):
            return self.pool(self.trunk_bf16(x.to(torch.bfloat16)).to(torch.float32))

        @torch.jit.export
        def activations(self, x):
            return self.trunk(x)

        @torch.jit.export
        def from_activations(self, a):
            return self.pool(a)

    scripted = torch.jit.script(PerFrameEncoder(traced_trunk, traced_pool, traced_trunk_bf16))
    with torch.no_grad():
        y = scripted(example)
        reference = pool(trunk(example))
        y16 = scripted.forward_bf16(example)
    cosine = torch.nn.functional.cosine_similarity(y16.flatten(1), y.flatten(1)).min().item()
    if tuple(y.shape) != (2, frames, d):
        fail("internal error: output shape %s, expected (2, %d, %d)" % (tuple(y.shape), frames, d))
    worst = (y - reference).abs().max().item()
    if worst > 1e-4:
        fail("internal error: the TorchScript module differs from eager PyTorch by %.3g" % worst)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    torch.jit.save(scripted, tmp)
    contract = {
        "format": "ecrl4j-backbone/1",
        "model": args.model,
        "weights": source,
        "frames": frames,
        "size": size,
        "mean": [float(v) for v in mean],
        "std": [float(v) for v in std],
        "width": d,
        "bf16": {"method": "forward_bf16", "min_cosine_to_fp32": round(cosine, 5),
                 "max_abs_diff": round((y16 - y).abs().max().item(), 5)},
        "layer": {"r3d_18": "layer4", "r2plus1d_18": "layer4", "s3d": "features", "mvit_v2_s": "norm"}[args.model],
        "activation_frames": int(a.shape[2]),
        "torch": torch.__version__,
        "torchvision": tv.__version__,
        "preprocessing": "RGB / 255, shorter side resized to size, centre size x size crop, (x - mean) / std",
    }
    with open(sidecar + ".tmp", "w") as f:
        json.dump(contract, f, indent=2)
        f.write("\n")
    os.replace(tmp, out)
    os.replace(sidecar + ".tmp", sidecar)
    if args.check_input:
        import numpy as np

        np.save(args.check_input, example.numpy().astype(np.float32))
        np.save(args.check_output, y.numpy().astype(np.float32))
    print("wrote %s and %s: %s %s -> (B, %d, %d), weights %s; activations (B, %d, %d, %d, %d)"
          % (out, sidecar, args.model, "(B, 3, %d, %d, %d)" % (frames, size, size), frames, d, source,
             a.shape[1], a.shape[2], a.shape[3], a.shape[4]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

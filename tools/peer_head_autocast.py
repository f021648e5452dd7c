"""Runs the head peer (../shared/peers/torch_ecrl_head.py, PyTorch eager) under
torch.autocast("cpu", dtype=torch.bfloat16): what a PyTorch user does to get bf16 on a CPU.
Autocast runs linear layers and matrix products in bfloat16 with float32 parameters; the peer's
training step (forward, loss, backward, Adam) and its inference loop are otherwise unchanged.
Usage: /usr/bin/python3 tools/peer_head_autocast.py PEER_SCRIPT [the peer's options]
Prints the peer's JSON line with "precision": "bf16" added."""
import contextlib
import io
import json
import runpy
import sys

import torch


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: peer_head_autocast.py PEER_SCRIPT [options of the peer]")
    script = sys.argv[1]
    sys.argv = [script] + sys.argv[2:]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), torch.autocast("cpu", dtype=torch.bfloat16):
        runpy.run_path(script, run_name="__main__")
    for line in buf.getvalue().splitlines():
        if line.startswith("{"):
            out = json.loads(line)
            out["precision"] = "bf16 (torch.autocast cpu)"
            print(json.dumps(out))
        else:
            print(line)


if __name__ == "__main__":
    main()

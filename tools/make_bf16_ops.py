"""Writes src/main/resources/org/ecrl4j/nn/bf16_ops.pt: a TorchScript module holding the few
bfloat16 products the ECRL head uses with --precision bf16. DJL 0.36's native layer has no code for
the bfloat16 type (NDArray.toType(BFLOAT16) aborts the process), so the head cannot cast in Java;
each method here takes float32 tensors, casts them to bfloat16 inside libtorch, runs the product
and returns float32, the way torch.autocast("cpu", dtype=torch.bfloat16) treats linear and matmul.
The casts are differentiable: run with autograd, gradients reach the float32 inputs and weights.
Usage: /usr/bin/python3 tools/make_bf16_ops.py [--out FILE]   (Debian's python3-torch)"""
import argparse
import os

import torch
import torch.nn.functional as F


class Bf16Ops(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def linear(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """F.linear(x, w, b) with bfloat16 operands, float32 result."""
        return F.linear(x.to(torch.bfloat16), w.to(torch.bfloat16), b.to(torch.bfloat16)).to(torch.float32)

    @torch.jit.export
    def linear_nobias(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """F.linear(x, w) with bfloat16 operands, float32 result."""
        return F.linear(x.to(torch.bfloat16), w.to(torch.bfloat16)).to(torch.float32)

    @torch.jit.export
    def matmul(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """a @ b with bfloat16 operands, float32 result."""
        return torch.matmul(a.to(torch.bfloat16), b.to(torch.bfloat16)).to(torch.float32)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "src", "main", "resources", "org", "ecrl4j", "nn",
                                                  "bf16_ops.pt"))
    a = ap.parse_args()
    scripted = torch.jit.script(Bf16Ops().eval())
    torch.jit.save(scripted, a.out)
    print("wrote", os.path.normpath(a.out), os.path.getsize(a.out), "bytes (torch", torch.__version__ + ")")


if __name__ == "__main__":
    main()

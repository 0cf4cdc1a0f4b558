#!/usr/bin/python3
"""Python PyTorch twin of `powersel bench-qat`: the same networks, fake quantisation,
optimizer, batch size and thread count, timed the same way. Prints one JSON line."""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE, CLASSES, INPUT_SCALE = 28, 10, 1.0 / 255.0

# (kind, out_channels, kernel, padding, relu) as in qat/architecture.cpp.
ARCHITECTURES = {
    "lenet5": [("conv", 6, 5, 2, True), ("pool", 0, 2, 0, False), ("conv", 16, 5, 0, True),
               ("pool", 0, 2, 0, False), ("flatten", 0, 1, 0, False),
               ("linear", 120, 1, 0, True), ("linear", 84, 1, 0, True),
               ("linear", CLASSES, 1, 0, False)],
    "vgg-small": [("conv", 32, 3, 1, True), ("conv", 32, 3, 1, True), ("pool", 0, 2, 0, False),
                  ("conv", 64, 3, 1, True), ("conv", 64, 3, 1, True), ("pool", 0, 2, 0, False),
                  ("flatten", 0, 1, 0, False), ("linear", 128, 1, 0, True),
                  ("linear", CLASSES, 1, 0, False)],
}


def round_straight_through(x):
    return x + (torch.round(x) - x).detach()


def weight_scales(weight):
    flat = weight.detach().abs().reshape(weight.size(0), -1)
    return flat.max(1).values.clamp_min(1e-8) / 127.0


class ActivationFakeQuant(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("running_max", torch.full((1,), -1.0))

    def scale(self):
        return max(self.running_max.item(), 1e-6) / 255.0

    def forward(self, x, quantize):
        if self.training:
            with torch.no_grad():
                batch_max, previous = x.max().item(), self.running_max.item()
                self.running_max.fill_(batch_max if previous < 0 else 0.9 * previous + 0.1 * batch_max)
        return torch.fake_quantize_per_tensor_affine(x, self.scale(), 0, 0, 255) if quantize else x


class QuantNet(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers, self.quantize = layers, False
        self.gemms, self.acts = nn.ModuleList(), nn.ModuleList()
        channels, side = 1, SIDE
        for kind, out, kernel, padding, _ in layers:
            if kind == "conv":
                self.gemms.append(nn.Conv2d(channels, out, kernel, padding=padding))
                self.acts.append(ActivationFakeQuant())
                channels, side = out, side + 2 * padding - kernel + 1
            elif kind == "pool":
                side //= kernel
            elif kind == "flatten":
                channels, side = channels * side * side, 1
            else:
                self.gemms.append(nn.Linear(channels, out))
                self.acts.append(ActivationFakeQuant())
                channels = out

    def forward(self, x):
        scale, gemm = INPUT_SCALE, 0
        for kind, _, kernel, padding, relu in self.layers:
            if kind == "pool":
                x = F.max_pool2d(x, kernel)
                continue
            if kind == "flatten":
                x = x.flatten(1)
                continue
            module, act = self.gemms[gemm], self.acts[gemm]
            gemm += 1
            weight, bias = module.weight, module.bias
            if self.quantize:
                scales = weight_scales(weight)
                bias_scales = scales * scale
                bias = round_straight_through(bias / bias_scales) * bias_scales
                shaped = scales.reshape([-1] + [1] * (weight.dim() - 1))
                weight = torch.clamp(round_straight_through(weight / shaped), -127, 127) * shaped
            x = F.conv2d(x, weight, bias, padding=padding) if kind == "conv" else F.linear(x, weight, bias)
            if relu:
                x = act(F.relu(x), self.quantize)
                scale = act.scale()
        return x


def time_steps(model, optimizer, images, labels, steps, warmup):
    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * images.size(0) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", choices=sorted(ARCHITECTURES), default="lenet5")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = QuantNet(ARCHITECTURES[args.model]).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.rand(args.batch, 1, SIDE, SIDE)
    labels = torch.randint(0, CLASSES, (args.batch,))
    float_rate = time_steps(model, optimizer, images, labels, args.steps, args.warmup)
    model.quantize = True
    qat_rate = time_steps(model, optimizer, images, labels, args.steps, args.warmup)
    print(json.dumps({"model": args.model, "batch": args.batch, "threads": args.threads,
                      "torch": torch.__version__, "float_images_per_s": float_rate,
                      "qat_images_per_s": qat_rate}))


if __name__ == "__main__":
    main()

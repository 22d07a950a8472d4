#!/usr/bin/python3
"""The k loop of every GEMM micro-kernel in a built object: its instruction mix, its stack references
(spills: none expected), and with --mca CPU,... llvm-mca's estimate of cycles per k step on each
CPU model (the data behind the shapes in native/core/gemm_config.cc; docs/contributing.md).
Usage: scripts/kernel-loops.py OBJECT [--mca skylake-avx512,icelake-server,znver3] [--objdump aarch64-linux-gnu-objdump]
Exits 1 when a k loop the driver runs touches the stack (on arm64 the driver packs A instead of
running ukr_rows: GemmKernels::rows_in_place)."""
import argparse
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("obj")
ap.add_argument("--mca", default="")
ap.add_argument("--objdump", default="objdump")
ap.add_argument("--mca-bin", default="llvm-mca")
args = ap.parse_args()
arm = "aarch64" in args.objdump
dis = subprocess.run([args.objdump, "-d", "--no-show-raw-insn", "-C", args.obj], capture_output=True, text=True,
                     check=True).stdout
status = 0
for func in re.split(r"\n(?=[0-9a-f]+ <)", dis):
    head = func.split("\n", 1)[0]
    shape = re.search(r"Gemm<(\d+), (\d+)>::(ukr_\w+)\(", head)
    if not shape:
        continue
    mr, nr, which = int(shape.group(1)), int(shape.group(2)), shape.group(3)
    ins = []
    for line in func.split("\n")[1:]:
        m = re.match(r"\s+([0-9a-f]+):\s+(.*)", line)
        if m:
            ins.append((int(m.group(1), 16), re.sub(r"\s*//.*|\s*<.*>", "", m.group(2)).strip()))
    fma_op = "fmla" if arm else "vfmadd"
    branch = r"(b\.\w+|cbn?z\s+\w+,|j\w+)\s+([0-9a-f]+)$"
    loops = []  # innermost backward branches whose body has fused multiply-adds: the k loop
    for addr, text in ins:
        m = re.search(branch, text)
        if not m or int(m.group(2), 16) >= addr:
            continue
        body = [t for a, t in ins if int(m.group(2), 16) <= a <= addr]
        fmas = sum(t.startswith(fma_op) for t in body)
        if fmas >= mr * 2 and not any(re.search(branch, t) for t in body[:-1]):
            loops.append(body)
    for body in loops:
        fmas = sum(t.startswith(fma_op) for t in body)
        steps = fmas // (mr * max(1, nr // (4 if arm else 16 if "zmm" in " ".join(body) else 8)))
        stack = [t for t in body if re.search(r"\(%rsp|\(%rbp|\[sp|x29", t)]
        unused = arm and which == "ukr_rows"
        status |= bool(stack) and not unused
        spills = ": " + "; ".join(stack[:4]) if stack else ""
        print(f"{which} {mr}x{nr}{' (not run: A is packed)' if unused else ''}: k loop of {len(body)} instructions "
              f"for {steps} k steps, {fmas} FMAs, {len(stack)} stack references{spills}")
        for cpu in filter(None, args.mca.split(",")):
            asm = "\n".join(["1:"] + [re.sub(branch, r"\1 1b", t) for t in body])
            triple = "aarch64" if arm else "x86_64"
            out = subprocess.run([args.mca_bin, f"-mcpu={cpu}", f"-mtriple={triple}", "-iterations=200",
                                  "-bottleneck-analysis"], input=asm, capture_output=True, text=True)
            cycles = re.search(r"Total Cycles:\s+(\d+)", out.stdout)
            if not cycles:
                print(f"  {cpu}: llvm-mca failed: {out.stderr.strip()[:200]}")
                continue
            per_step = int(cycles.group(1)) / 200 / steps
            ideal = mr * nr / (4 if arm else 16 if "zmm" in asm else 8) / 2  # two FMA pipes
            busy = [p for p, v in re.findall(r"- (\w+)\s+\[ ([\d.]+)% \]", out.stdout) if float(v) > 50]
            print(f"  {cpu}: {per_step:.2f} cycles per k step (2-pipe FMA bound {ideal:.1f}: "
                  f"{100 * ideal / per_step:.0f} %){'; busiest: ' + ' '.join(busy) if busy else ''}")
sys.exit(status)

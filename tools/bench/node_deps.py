"""The npm package the benchmarks compare against, installed under build/bench-node when
missing (never into the repository). Shared by compare_parsers and hub_bench."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_DIR = os.path.join(ROOT, "build", "bench-node")
MEDPLUM = "@medplum/hl7@5.0.10"


def node_env():
    """Environment for `node` with @medplum/hl7 resolvable, installing it first if needed."""
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "@medplum", "hl7")):
        os.makedirs(NODE_DIR, exist_ok=True)
        print(f"installing {MEDPLUM} into {NODE_DIR}", file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", NODE_DIR, "--no-audit", "--no-fund",
                        "--silent", MEDPLUM], check=True)
    return dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules"))

"""Runs README.md's Serve block in a scratch folder on a free port; checks the refusal, then the
accepted step, and that the server drained and exited."""
import re
import socket
import subprocess
import sys
import tempfile

readme, bin_dir = sys.argv[1], sys.argv[2]
block = re.search(r"## Serve\n.*?```sh\n(.*?)```", open(readme).read(), re.S).group(1)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
script = block.replace("127.0.0.1:8080", "127.0.0.1:%d" % port).replace("$PWD/build/bin", bin_dir)
with tempfile.TemporaryDirectory() as scratch:
    done = subprocess.run(["bash", "-e", "-c", script + "\nwait %1\n"], cwd=scratch, capture_output=True,
                          text=True, timeout=120)
    print(done.stdout)
    print(done.stderr, file=sys.stderr)
    assert done.returncode == 0, done.returncode
    out = done.stdout
    refused = out.find('"code":"refused"')
    accepted = out.find('"outcome":"accepted"')
    assert refused != -1 and '"task":"referral_decision"' in out, "no refusal naming referral_decision"
    assert accepted > refused, "no accepted step after the refusal"
print("ok")

#!/usr/bin/env bash
# Checks the OCI tarball built by `./mvnw -Pimage package`: a valid OCI layout whose config runs
# `java ... io.coffer.server.cli.CofferCli serve --host 0.0.0.0` as a non-root user, with /data as the store.
set -euo pipefail
tar_file="${1:-coffer-server/target/jib-image.tar}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar xf "$tar_file" -C "$work" index.json oci-layout 2>/dev/null || tar xf "$tar_file" -C "$work"
python3 - "$tar_file" "$work" <<'PY'
import json, sys, tarfile
tar_path, work = sys.argv[1], sys.argv[2]
index = json.load(open(work + "/index.json"))
t = tarfile.open(tar_path)
def blob(d):
    return json.load(t.extractfile("blobs/sha256/" + d.split(":")[1]))
manifest = blob(index["manifests"][0]["digest"])
assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json", manifest["mediaType"]
cfg = blob(manifest["config"]["digest"])["config"]
ep, cmd = cfg.get("Entrypoint"), cfg.get("Cmd")
assert ep[0] == "java" and ep[-1] == "io.coffer.server.cli.CofferCli", ep
assert cmd == ["serve", "--host", "0.0.0.0"], cmd
assert cfg.get("User") == "10001", cfg.get("User")
env = dict(e.split("=", 1) for e in cfg.get("Env", []))
assert env.get("COFFER_STORE_URL") == "/data" and "/opt/java/bin" in env.get("PATH", ""), env
assert "8080/tcp" in cfg.get("ExposedPorts", {}), cfg.get("ExposedPorts")
print("image ok:", " ".join(ep + cmd), "| layers:", len(manifest["layers"]))
PY

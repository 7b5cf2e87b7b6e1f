"""The rules on what an importer may read, which `archatlas import` reports."""

from __future__ import annotations

from ..examples import Example, File
from ..findings import E, Rule, declare

_BASE = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - web.yaml
  - {entry}
"""
_WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
"""
_COMMAND = ("import", "kubernetes", "deploy", "--out", "architecture")
_WROTE = """\
read 1 file: 1 environment, 1 service, 1 system, 0 relations
to decide by hand (marked TODO): 2 owners, 0 data classifications
wrote 2 files to architecture: default.yaml, deploy.yaml
"""

INPUT_OUTSIDE_FOLDER = Rule(
    "input-outside-folder",
    E,
    "a Kustomize resource or Backstage Location outside the folder given",
    "imports",
    doc="""
A Kustomize base lists a resource, or a Backstage Location a target, that
lies outside the folder given to `archatlas import` (or `archatlas drift`):
`../other/app.yaml`, an absolute path, or a link that leads out. Importers
read only what you point them at, so that a descriptor from a pull request
cannot make them read other files of the machine: the target is not read,
and the rest is imported.

Import the parent folder instead, or give the target's folder as another
`PATH`.
""",
    examples=(
        Example(
            files=(
                File("deploy/kustomization.yaml", _BASE.format(entry="../../etc/passwd")),
                File("deploy/web.yaml", _WEB),
            ),
            command=_COMMAND,
            exit=1,
            output="deploy/kustomization.yaml:5:5: error[input-outside-folder]: "
            "'../../etc/passwd' is outside the folder given: not read\n"
            "    hint: import the folder that holds it, or give it as another PATH\n" + _WROTE,
        ),
    ),
)

INPUT_ON_NETWORK = Rule(
    "input-on-network",
    E,
    "a Kustomize resource or Backstage Location on the network",
    "imports",
    doc="""
A Kustomize base lists a remote resource (`https://...`, `github.com/...`),
or a Backstage Location a `url` target. archatlas never fetches anything
from the network while importing: the result would depend on what a server
answers that day, and a descriptor could make CI contact any address. The
target is not read, and the rest is imported.

Download the files into the folder you import (and review them) instead.
""",
    examples=(
        Example(
            files=(
                File(
                    "deploy/kustomization.yaml",
                    _BASE.format(entry="https://example.com/app.yaml"),
                ),
                File("deploy/web.yaml", _WEB),
            ),
            command=_COMMAND,
            exit=1,
            output="deploy/kustomization.yaml:5:5: error[input-on-network]: "
            "'https://example.com/app.yaml' is on the network: never fetched\n"
            "    hint: download it into the folder you import, and review it\n" + _WROTE,
        ),
    ),
)

RULES = declare(INPUT_OUTSIDE_FOLDER, INPUT_ON_NETWORK)
OUTSIDE_HINT = "import the folder that holds it, or give it as another PATH"
NETWORK_HINT = "download it into the folder you import, and review it"

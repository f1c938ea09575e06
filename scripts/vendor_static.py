"""Fetch the front-end libraries yizhan serves itself (no CDN: pages work offline and in tests)
from the npm registry, by exact version, into maps/static/maps/vendor/. Run by hand when a
version changes; the files are committed with their licences, so nothing downloads at run time.

    python scripts/vendor_static.py
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "maps" / "static" / "maps" / "vendor"
# npm package, version, files to keep (paths inside the package), target folder
PACKAGES = [
    (
        "leaflet",
        "1.9.4",
        ["LICENSE", "dist/leaflet.js", "dist/leaflet.css", "dist/images/"],
        "leaflet",
    ),
]


def vendor(package: str, version: str, keep: list[str], target: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["npm", "pack", f"{package}@{version}"], cwd=work, check=True, capture_output=True
        )
        (tarball,) = Path(work).glob("*.tgz")
        destination = VENDOR / target
        shutil.rmtree(destination, ignore_errors=True)
        with tarfile.open(tarball) as archive:
            for member in archive.getmembers():
                inside = member.name.removeprefix("package/")
                wanted = any(
                    inside == k or (k.endswith("/") and inside.startswith(k)) for k in keep
                )
                if member.isfile() and wanted:
                    path = destination / inside.removeprefix("dist/")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(archive.extractfile(member).read())
        (destination / "VERSION").write_text(f"{package}@{version} (npm registry)\n")


def main() -> None:
    for package, version, keep, target in PACKAGES:
        vendor(package, version, keep, target)
        print(f"{package}@{version} → {VENDOR / target}")


if __name__ == "__main__":
    main()

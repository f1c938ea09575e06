"""Fetch the front-end libraries yizhan serves itself (no CDN: pages work offline and in tests)
from the npm registry, by exact version, into maps/static/maps/vendor/. Run by hand when a
version changes; the files are committed with their licences, so nothing downloads at run time.

    python scripts/vendor_static.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "maps" / "static" / "maps" / "vendor"
# Only the browser tests use these (never served): the accessibility checker.
TEST_VENDOR = ROOT / "tests" / "e2e" / "vendor"
TEST_PACKAGES = [("axe-core", "4.11.0", ["LICENSE", "axe.min.js"], "axe-core")]
# npm package, version, files to keep (paths inside the package), target folder
PACKAGES = [
    ("leaflet", "1.9.4", ["LICENSE", "dist/leaflet.js", "dist/leaflet.css", "dist/images/"],
     "leaflet"),
    ("leaflet.heat", "0.2.0", ["LICENSE", "dist/leaflet-heat.js"], "leaflet.heat"),
    # The admin's map widget (django.contrib.gis OpenLayersWidget asks for this version).
    ("ol", "7.2.2", ["LICENSE.md", "dist/ol.js", "ol.css"], "ol"),
]  # fmt: skip


def without_source_map(content: bytes) -> bytes:
    """Source maps are not shipped, so their comment goes too (whitenoise's manifest storage
    would otherwise look for the missing file and fail ``collectstatic``)."""
    return re.sub(rb"\n?//# sourceMappingURL=\S+\s*$", b"\n", content)


def vendor(package: str, version: str, keep: list[str], target: str, base: Path = VENDOR) -> None:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["npm", "pack", f"{package}@{version}"], cwd=work, check=True, capture_output=True
        )
        (tarball,) = Path(work).glob("*.tgz")
        destination = base / target
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
                    path.write_bytes(without_source_map(archive.extractfile(member).read()))
        (destination / "VERSION").write_text(f"{package}@{version} (npm registry)\n")


def main() -> None:
    for base, packages in ((VENDOR, PACKAGES), (TEST_VENDOR, TEST_PACKAGES)):
        for package, version, keep, target in packages:
            vendor(package, version, keep, target, base)
            print(f"{package}@{version} → {base / target}")


if __name__ == "__main__":
    main()

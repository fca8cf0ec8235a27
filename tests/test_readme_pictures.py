"""tools/readme_pictures.py: the README's lab and twin-lab pictures come from the package (tiny runs here)."""
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_lab_and_twin_pictures_are_written(tmp_path, capsys):
    """Check that --fast writes lab.png and twin.png (PNG files) and reports both runs of the twin."""
    spec = importlib.util.spec_from_file_location("readme_pictures", REPO / "tools" / "readme_pictures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["lab", "twin", "--fast", "--out", str(tmp_path)]) == 0
    for name in ("lab.png", "twin.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "twin.png: boundary_seeking" in out and "non_saturating" in out

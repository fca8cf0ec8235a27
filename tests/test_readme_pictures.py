"""tools/readme_pictures.py: the README's lab and twin-lab pictures come from the package (tiny runs here)."""
from scripts import load_script


def test_lab_and_twin_pictures_are_written(tmp_path, capsys):
    """Check that --fast writes lab.png and twin.png (PNG files) and reports both runs of the twin."""
    mod = load_script("tools/readme_pictures.py")
    assert mod.main(["lab", "twin", "--fast", "--out", str(tmp_path)]) == 0
    for name in ("lab.png", "twin.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "twin.png: boundary_seeking" in out and "non_saturating" in out

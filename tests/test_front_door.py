"""The front door: every README command is a valid call, and the Makefile's install copes with a new machine.

Everything here runs `make` in a temporary copy of the Makefile (and pyproject.toml), either as a dry run
(`make -n`, which prints the recipe without running it) or against a fake `python3` whose fake `.venv`
logs each call, so no test downloads anything, touches the real `.venv` or starts JupyterLab.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def makefile_value(name: str) -> str:
    """The right-hand side of `NAME := value` in the Makefile."""
    match = re.search(rf"^{name}\s*:=\s*(.+?)\s*$", MAKEFILE, re.MULTILINE)
    assert match, f"Makefile has no `{name} := ...`"
    return match.group(1)


def readme_make_commands(text: str) -> list[list[str]]:
    """Every `make ...` call in README.md: lines of fenced code blocks and inline `make ...` code in prose."""
    snippets, in_block = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_block = not in_block
        elif in_block:
            snippets.append(line.split(" #")[0])
        else:
            snippets += re.findall(r"`(make\b[^`]*)`", line)
    commands = []
    for snippet in snippets:
        for part in re.split(r"&&|;|\|\|", snippet):
            part = part.strip().removeprefix("$ ")
            if part == "make" or part.startswith("make "):
                commands.append(shlex.split(part))
    return commands


def copy_makefile(tmp_path: Path) -> Path:
    """A directory with only the Makefile and pyproject.toml (so no .venv: the full install recipe shows)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def make(directory: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run make in `directory` with `args`, capturing text output."""
    return subprocess.run(["make", "--no-print-directory", *args], cwd=directory, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})})


def dry_run_problem(directory: Path, words: list[str]) -> str | None:
    """Why `make -n <args>` is not a valid call (None when it is)."""
    proc = make(directory, "-n", *words[1:])
    output = proc.stdout + proc.stderr
    for bad in ("No rule to make target", "invalid option", "unrecognized option", "***"):
        if bad in output:
            return f"{shlex.join(words)}: {bad!r} in\n{output}"
    return None if proc.returncode == 0 else f"{shlex.join(words)}: exit {proc.returncode}\n{output}"


def torch_install_line(dry_run: str) -> str:
    """The one recipe line that pip-installs torch."""
    lines = [line for line in dry_run.splitlines() if "pip install" in line and "torch==" in line]
    assert len(lines) == 1, dry_run
    return lines[0]


def test_readme_make_commands_are_valid_calls(tmp_path):
    """Check that every `make ...` command shown in README.md is accepted by `make -n` as written."""
    directory = copy_makefile(tmp_path)
    commands = readme_make_commands(README)
    shown = {shlex.join(words) for words in commands}
    for expected in ("make lab", "make test", "make clean-venv", "make bench ARGS=--quick", "make lab TORCH=cpu"):
        assert expected in shown, f"README.md no longer shows `{expected}`; found {sorted(shown)}"
    problems = [p for p in (dry_run_problem(directory, words) for words in commands) if p]
    assert not problems, "\n\n".join(problems)


def test_dry_run_check_rejects_invalid_calls(tmp_path):
    """Check that the validity check itself fails on `make bench --quick` and on an unknown target."""
    directory = copy_makefile(tmp_path)
    assert readme_make_commands("run `make bench --quick` now") == [["make", "bench", "--quick"]]
    assert dry_run_problem(directory, ["make", "bench", "--quick"]) is not None
    assert dry_run_problem(directory, ["make", "no-such-target"]) is not None


def test_default_torch_install_is_the_plain_pin_with_progress_and_a_size_note(tmp_path):
    """Check that without TORCH the torch line is exactly `pip install torch==2.13.0` (not quiet), announced."""
    out = make(copy_makefile(tmp_path), "-n", "lab").stdout
    line = torch_install_line(out)
    assert line.split() == [".venv/bin/python", "-m", "pip", "install", "torch==2.13.0"]
    before = out.splitlines()[out.splitlines().index(line) - 1]
    assert before.startswith("echo") and "installing torch==2.13.0" in before
    assert "MB" in before or "GB" in before


def test_torch_cpu_uses_the_pytorch_cpu_index(tmp_path):
    """Check that `make lab TORCH=cpu` installs the same pin from PyTorch's CPU-only index, saying ~200 MB."""
    out = make(copy_makefile(tmp_path), "-n", "lab", "TORCH=cpu").stdout
    line = torch_install_line(out)
    assert "torch==2.13.0" in line.split() and f"--index-url {CPU_INDEX}" in line and "--quiet" not in line
    assert "200 MB" in out


def test_unknown_torch_value_is_refused(tmp_path):
    """Check that TORCH=gpu stops before any work with a message naming TORCH, the value and TORCH=cpu."""
    proc = make(copy_makefile(tmp_path), "-n", "lab", "TORCH=gpu")
    assert proc.returncode != 0
    assert "TORCH=gpu" in proc.stderr and "TORCH=cpu" in proc.stderr and "pip install" not in proc.stdout


@pytest.mark.parametrize("uid, lab_args, expected", [
    ("0", "", ["--allow-root"]),
    ("1000", "", []),
    ("0", "--port 8890", ["--allow-root", "--port", "8890"]),
    ("1000", "--port 8890 --no-browser", ["--port", "8890", "--no-browser"]),
    ("0", "--allow-root", ["--allow-root"]),
])
def test_lab_passes_options_and_allow_root(tmp_path, uid, lab_args, expected):
    """Check that `make lab` adds --allow-root only as uid 0 (once) and passes LAB_ARGS to JupyterLab."""
    out = make(copy_makefile(tmp_path), "-n", "lab", f"USER_ID={uid}", f"LAB_ARGS={lab_args}").stdout
    jupyter = [line for line in out.splitlines() if line.startswith(".venv/bin/jupyter lab")]
    assert len(jupyter) == 1, out
    assert jupyter[0].split()[3:] == expected


def test_bench_passes_args(tmp_path):
    """Check that `make bench ARGS=--quick` hands --quick to benchmarks/run_all.py (and no ARGS hands nothing)."""
    directory = copy_makefile(tmp_path)
    quick = make(directory, "-n", "bench", "ARGS=--quick").stdout.splitlines()[-1]
    plain = make(directory, "-n", "bench").stdout.splitlines()[-1]
    assert quick.split() == [".venv/bin/python", "benchmarks/run_all.py", "--quick"]
    assert plain.split() == [".venv/bin/python", "benchmarks/run_all.py"]


# A fake `python3` (creates a fake .venv) and the fake .venv's python and jupyter. The venv python logs
# every call; `-m pip` works only if the venv has a `pip-ok` marker; an editable install leaves an
# `installed` marker; `-c` (the Makefile's health check) succeeds only with both markers.
FAKE_PYTHON3 = r"""#!/bin/bash
case "$1" in
  --version) echo "Python 3.11.0" ;;
  -c) exit 0 ;;
  -m) [ "$2" = venv ] || exit 2
      mkdir -p "$3/bin"; cp "$FAKE_DIR/venv-python" "$3/bin/python"; cp "$FAKE_DIR/venv-jupyter" "$3/bin/jupyter"
      [ -n "$FAKE_VENV_NO_PIP" ] && { echo "ensurepip is not available" >&2; exit 1; }
      touch "$3/pip-ok" ;;
  *) exit 2 ;;
esac
"""
FAKE_VENV_PYTHON = r"""#!/bin/bash
venv="$(dirname "$0")/.."
echo "python $*" >> "$FAKE_DIR/calls.log"
case "$1" in
  -c) [ -e "$venv/pip-ok" ] && [ -e "$venv/installed" ] ;;
  -m) [ "$2" = pip ] || exit 2
      [ -e "$venv/pip-ok" ] || { echo "No module named pip" >&2; exit 1; }
      [ "$3" = install ] && [ "$5" = "-e" ] && touch "$venv/installed"
      exit 0 ;;
  *) exit 2 ;;
esac
"""
FAKE_VENV_JUPYTER = r"""#!/bin/bash
echo "jupyter $*" >> "$FAKE_DIR/calls.log"
"""


@pytest.fixture
def fake(tmp_path):
    """A Makefile copy plus fake python3/.venv tools; returns (project dir, runner, call log path)."""
    project = tmp_path / "project"
    project.mkdir()
    copy_makefile(project)
    tools = tmp_path / "tools"
    tools.mkdir()
    for name, text in (("python3", FAKE_PYTHON3), ("venv-python", FAKE_VENV_PYTHON),
                       ("venv-jupyter", FAKE_VENV_JUPYTER)):
        (tools / name).write_text(text)
        (tools / name).chmod(0o755)
    log = tools / "calls.log"

    def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return make(project, f"PYTHON={tools / 'python3'}", "USER_ID=1000", *args,
                    env={"FAKE_DIR": str(tools), **(env or {})})

    return project, run, log


def calls(log: Path) -> list[str]:
    """The fake tools' call log, one call a line (empty when nothing was called)."""
    return log.read_text().splitlines() if log.exists() else []


def make_fake_venv(project: Path, pip: bool, installed: bool) -> None:
    """A .venv with the fake python and a stamp newer than pyproject.toml, with or without pip / packages."""
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    tools = project.parent / "tools"
    shutil.copy(tools / "venv-python", bin_dir / "python")
    shutil.copy(tools / "venv-jupyter", bin_dir / "jupyter")
    for marker, present in (("pip-ok", pip), ("installed", installed), (".installed-stamp", True)):
        if present:
            (project / ".venv" / marker).touch()
    os.utime(project / "pyproject.toml", (1, 1))


def install_calls(log: Path) -> list[str]:
    """The pip install calls in the log."""
    return [c for c in calls(log) if c.startswith("python -m pip install")]


EXPECTED_INSTALL = ["python -m pip install --quiet --upgrade pip",
                    "python -m pip install torch==2.13.0",
                    "python -m pip install --quiet -e .[notebooks,test]"]


def test_fresh_install_then_lab(fake):
    """Check that a first `make lab` creates .venv, installs pip, torch, the package, then starts JupyterLab."""
    project, run, log = fake
    proc = run("lab", "LAB_ARGS=--port 8890")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert install_calls(log) == EXPECTED_INSTALL
    assert calls(log)[-1] == "jupyter lab notebooks/ --port 8890"
    assert "creating .venv" in proc.stdout and "installing torch==2.13.0" in proc.stdout
    assert (project / ".venv" / ".installed-stamp").exists()


def test_healthy_venv_is_not_reinstalled(fake):
    """Check that with a working .venv and a fresh stamp `make lab` only starts JupyterLab."""
    project, run, log = fake
    make_fake_venv(project, pip=True, installed=True)
    proc = run("lab")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert install_calls(log) == [] and calls(log)[-1] == "jupyter lab notebooks/"


def test_venv_without_pip_is_rebuilt_with_a_message(fake):
    """Check that a stamped .venv whose python has no pip is removed, recreated and installed, saying why."""
    project, run, log = fake
    make_fake_venv(project, pip=False, installed=False)
    proc = run("lab")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "has no working python or pip (Debian/Ubuntu: apt install python3-venv); rebuilding it" in proc.stdout
    assert "creating .venv" in proc.stdout
    assert install_calls(log) == EXPECTED_INSTALL and calls(log)[-1] == "jupyter lab notebooks/"


def test_interrupted_install_is_completed(fake):
    """Check that a stamp over a .venv with pip but without the packages triggers the install again."""
    project, run, log = fake
    make_fake_venv(project, pip=True, installed=False)
    proc = run("lab")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "some packages are missing" in proc.stdout, proc.stdout + proc.stderr
    assert install_calls(log) == EXPECTED_INSTALL
    assert "creating .venv" not in proc.stdout


def test_venv_module_without_pip_fails_clearly(fake):
    """Check that when `python3 -m venv` cannot give pip (no python3-venv), make fails naming the fix."""
    project, run, log = fake
    proc = run("lab", env={"FAKE_VENV_NO_PIP": "1"})
    assert proc.returncode != 0
    assert "without pip" in proc.stderr and "apt install python3-venv" in proc.stderr
    assert install_calls(log) == [] and not (project / ".venv").exists()
    again = run("lab")                                   # once python3-venv is there, the next call just works
    assert again.returncode == 0 and install_calls(log) == EXPECTED_INSTALL


def test_missing_python_fails_clearly(fake):
    """Check that PYTHON naming no program stops with a message naming it and PYTHON=."""
    project, run, log = fake
    proc = run("lab", "PYTHON=/nonexistent/python3.99")
    assert proc.returncode != 0 and "/nonexistent/python3.99 not found" in proc.stderr and "PYTHON=" in proc.stderr


def test_environment_yml_matches_the_makefile():
    """Check that environment.yml parses and pins the Makefile's torch, extras and CPU index, torch first."""
    yaml = pytest.importorskip("yaml")
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "bgan-teach"
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    torch_pin, extras = makefile_value("TORCH_PIN"), makefile_value("EXTRAS")
    assert pip_section == [torch_pin, f"-e .[{extras}]"]
    assert "pip" in env["dependencies"]
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert tuple(int(v) for v in python.split("=")[1].split(".")) >= (3, 10)
    assert makefile_value("CPU_INDEX") == CPU_INDEX and CPU_INDEX in (REPO / "environment.yml").read_text()
    assert f"pip install $(TORCH_PIN)" in MAKEFILE and f'-e ".[$(EXTRAS)]"' in MAKEFILE


def test_readme_conda_route_has_its_next_step():
    """Check that the README's conda route goes on to activate the environment and open the notebooks."""
    assert "conda env create -f environment.yml" in README
    assert "conda activate bgan-teach" in README and "jupyter lab notebooks/" in README

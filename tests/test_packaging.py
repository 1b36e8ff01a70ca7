"""An operator installs JCM from its wheel, not from a checkout, and it works: the build carries the templates, the
migrations, the compiled translations, the static files and the bundled MOU inside the package."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent
# What a source distribution holds (MANIFEST.in and the package data): no compiled catalogs, no caches.
SOURCE = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "jcm", "templates", "migrations")

# The installed wheel is run on an SQLite file of its own, whatever database the suite is on: the run on SQLite shows
# it, and a run on PostgreSQL would only build and run the same wheel again.
pytestmark = [pytest.mark.packaging,
              pytest.mark.skipif(os.environ.get("JCM_DATABASE_URL", "").startswith("postgres"),
                                 reason="the wheel runs on SQLite whatever the suite's database: shown by the SQLite run")]


def run(command: list, cwd: Path, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, input=stdin, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, language: str = "en") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with JCM installed from a wheel built from a copy of the sources. It sees the
    test environment's packages (the dependencies) but not its JCM, which is an editable install of the checkout."""
    assert find_spec("setuptools.command.bdist_wheel") or find_spec("wheel"), (
        "building a wheel offline needs setuptools>=70.1 in this environment: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    for name in SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("JCM_")}
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", work / "dist", source], cwd=work, env=env)
    [wheel] = (work / "dist").glob("jcm-*.whl")

    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work, env=env)
    purelib = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    dependencies = [entry for entry in sys.path if Path(entry).name == "site-packages"]  # never the checkout
    (purelib / "dependencies.pth").write_text("".join(entry + "\n" for entry in dependencies))
    run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps",
         "--no-index", wheel], cwd=work, env=env)
    return venv


def test_an_installed_wheel_initialises_its_database_and_serves_the_sign_in_page(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"  # not the checkout, so nothing can be read from it
    elsewhere.mkdir()
    instance = tmp_path / "instance"
    database = tmp_path / "jcm.sqlite3"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("JCM_")}
    env |= {"JCM_INSTANCE_PATH": str(instance), "JCM_DATABASE_URL": f"sqlite:///{database}"}
    jcm = installed / "bin" / "jcm"

    where = run([installed / "bin" / "python", "-c", "import jcm; print(jcm.__file__)"], cwd=elsewhere, env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed)

    init = run([jcm, "init"], cwd=elsewhere, env=env)
    assert "Database is at the newest schema." in init.stdout
    assert "Loaded the MOU" in init.stdout
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        assert connection.execute("SELECT count(*) FROM focus_area").fetchone()[0] > 0
    connection.close()
    again = run([jcm, "init"], cwd=elsewhere, env=env)
    assert "An MOU is already loaded." in again.stdout

    run([jcm, "users", "create", "--email", "admin@example.gov", "--name", "Pat Admin", "--side", "US", "--role",
         "admin", "--password-stdin"], cwd=elsewhere, env=env, stdin="a long enough password\n")

    port = free_port()
    server = subprocess.Popen([jcm, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, page = get(f"http://127.0.0.1:{port}/login")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, f"jcm run stopped:\n{server.stderr.read()}"
                assert time.monotonic() < deadline, "jcm run did not answer within 30 seconds"
                time.sleep(0.2)
        assert status == 200
        assert "<h1>Sign in</h1>" in page and 'name="password"' in page
        status, page = get(f"http://127.0.0.1:{port}/login", language="ko")
        assert status == 200 and "<h1>로그인</h1>" in page  # the compiled Korean catalog is in the wheel
        for asset in ("css/jcm.css", "js/jcm.js", "favicon.svg"):
            status, _ = get(f"http://127.0.0.1:{port}/static/{asset}")
            assert status == 200, asset
    finally:
        server.terminate()
        server.communicate(timeout=10)  # and closes its stderr

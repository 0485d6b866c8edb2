"""CLI conventions: examples in every command's --help, --json summaries, exit codes documented in one place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geoexplore.cli import EXAMPLES, JSON_COMMANDS, _leaf_parsers, build_parser, main
from geoexplore.core import errors

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_has_examples_in_its_help():
    commands = dict(_leaf_parsers(build_parser()))
    assert len(commands) >= 20
    assert set(commands) == set(EXAMPLES), set(commands) ^ set(EXAMPLES)
    for name, p in commands.items():
        text = p.format_help()
        assert "examples:\n" in text, name
        shown = [ln.strip() for ln in text.split("examples:\n", 1)[1].splitlines() if ln.startswith("  geoexplore") or "geoexplore " in ln]
        assert shown, name
        for ex in shown:  # every example names this command and only options it has
            assert re.search(rf"\bgeoexplore (-v )?{re.escape(name)}\b", ex), (name, ex)
            opts = set(re.findall(r"(?<=\s)(--[a-z][a-z0-9-]*|-v)\b", ex.split("#")[0]))
            known = {o for a in p._actions for o in a.option_strings}
            assert opts <= known, (name, opts - known)


def test_json_commands_print_only_json(capsys, siping_dir, repo_root):
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["geoexplore"] and info["packages"]["numpy"] and info["cpus"] >= 1 and "cjk_font" in info
    assert main(["validate", str(repo_root / "workflows" / "siping-segment.yaml"), "--json"]) == 0
    wf = json.loads(capsys.readouterr().out)
    assert wf["valid"] and wf["name"] == "siping-segment" and any(s["id"] == "report" for s in wf["steps"])
    assert main(["steps", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert any(s["name"] == "report.build" and "languages" in s["settings"] for s in steps)
    assert main(["validate", str(repo_root / "no-such-workflow.yaml"), "--json"]) == errors.EXIT_ERROR
    failed = capsys.readouterr()
    assert json.loads(failed.out)["exit_code"] == errors.EXIT_ERROR and failed.err.startswith("geoexplore: ")
    for name in JSON_COMMANDS:
        p = dict(_leaf_parsers(build_parser()))[name]
        assert any("--json" in a.option_strings for a in p._actions), name


def test_exit_codes_are_documented_in_one_table():
    doc = (ROOT / "docs" / "first-run.md").read_text()
    table = doc[doc.index("## Exit codes"):]
    for name in ("EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_PARTIAL"):
        code = getattr(errors, name)
        assert re.search(rf"^\| {code} \|", table, re.M), name
    assert re.search(r"^\| 130 \|", table, re.M)  # interrupted
    with pytest.raises(SystemExit) as e:
        main(["run"])  # a usage error
    assert e.value.code == errors.EXIT_USAGE

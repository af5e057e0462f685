"""One naming rule for the files under tests/, checked on the tree itself.

A test file is `tests/<layer>/[<package>/]test_<module or behaviour>.py`: its folder mirrors
a package under `src/gigcity`, and its name does not repeat a folder it sits in
(`tests/rules/test_pricing.py`, not `tests/rules/test_rules_pricing.py` nor
`tests/api/test_pay_api.py`). A test file directly in `tests/` names a top-level module of
`src/gigcity` (`test_config.py`) or is one of the few about the whole repository. Helpers
are `conftest.py` or `<something>_support.py`. pytest imports with `--import-mode=importlib`,
so equal file names in different folders (`tests/api/test_pay.py`,
`tests/services/demo/test_pay.py`) do not clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src" / "gigcity"

# Test files directly in tests/ that are about the whole repository, not one module.
CROSS_CUTTING = {
    "test_architecture.py": "the imports of every module under src/gigcity",
    "test_docs.py": "the README, docs/ and their links",
    "test_readme_examples.py": "the README's examples, run against the demo",
    "test_deploy.py": "the Dockerfile and compose.yaml",
    "test_layout.py": "this rule, over tests/ itself",
}
# Helpers that do not follow `<something>_support.py`.
SHARED_HELPERS = {
    "support.py": "the helpers every folder shares (`from support import World`)",
}


def layout_faults(
    files: Iterable[PurePosixPath], packages: set[str], modules: set[str]
) -> list[str]:
    """What breaks the rule among `files` (paths relative to tests/, `.py` files only).

    `packages` are the package folders under src/gigcity (`"geo/streets"`), `modules` the
    names a top-level test file may take (`"config"`, `"geo"`).
    """
    faults: list[str] = []
    for path in files:
        name, folders = path.name, path.parent.parts
        if not name.startswith("test_"):
            if name not in {"conftest.py", *SHARED_HELPERS} and not name.endswith("_support.py"):
                faults.append(f"{path}: a helper is conftest.py or <something>_support.py")
            continue
        subject = name.removeprefix("test_").removesuffix(".py")
        for folder in folders:
            if subject.startswith(f"{folder}_") or subject.endswith(f"_{folder}"):
                faults.append(f"{path}: the name repeats its folder {folder!r}")
        if folders and path.parent.as_posix() not in packages:
            faults.append(f"{path}: no package src/gigcity/{path.parent} to mirror")
        if not folders and name not in CROSS_CUTTING and subject not in modules:
            faults.append(f"{path}: no module gigcity.{subject} (or list it in CROSS_CUTTING)")
    return faults


def source_packages() -> set[str]:
    return {init.parent.relative_to(SRC).as_posix() for init in SRC.rglob("__init__.py")}


def source_modules() -> set[str]:
    return {p.stem for p in SRC.glob("*.py") if not p.stem.startswith("_")} | {
        p.parent.name for p in SRC.glob("*/__init__.py")
    }


def files_under_tests() -> list[PurePosixPath]:
    return sorted(PurePosixPath(p.relative_to(TESTS).as_posix()) for p in TESTS.rglob("*.py"))


def test_every_file_under_tests_follows_the_rule() -> None:
    assert layout_faults(files_under_tests(), source_packages(), source_modules()) == []


def test_the_rule_catches_bad_names_and_folders() -> None:
    packages, modules = {"rules", "sim", "sim/mdrp"}, {"config", "rules", "sim"}
    good = [
        "rules/test_pricing.py",
        "rules/conftest.py",
        "rules/rules_support.py",
        "sim/mdrp/test_validate.py",
        "sim/test_simulator.py",  # "simulator" is not the folder "sim" repeated
        "test_config.py",
        "test_architecture.py",
        "support.py",
    ]
    assert layout_faults(map(PurePosixPath, good), packages, modules) == []

    bad = {
        "rules/test_rules_pricing.py": "repeats its folder 'rules'",
        "rules/test_pricing_rules.py": "repeats its folder 'rules'",
        "sim/mdrp/test_sim_validate.py": "repeats its folder 'sim'",
        "sim/mdrp/test_mdrp_validate.py": "repeats its folder 'mdrp'",
        "streets/test_route.py": "no package src/gigcity/streets",
        "test_everything.py": "no module gigcity.everything",
        "rules/helpers.py": "a helper is conftest.py",
    }
    for path, fault in bad.items():
        found = layout_faults([PurePosixPath(path)], packages, modules)
        assert len(found) == 1, (path, found)
        assert fault in found[0], (path, found)


def test_every_package_under_src_is_one_tests_may_mirror() -> None:
    # The sources of truth are not empty: the check above would pass vacuously otherwise.
    assert {"rules", "geo/streets", "services/accounts", "sim/mdrp"} <= source_packages()
    assert {"config", "i18n", "rules", "services"} <= source_modules()

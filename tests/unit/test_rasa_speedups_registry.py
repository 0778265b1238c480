"""The registry of Rasa patches (bot/rasa_speedups/registry.py): installing refuses on
another Rasa version, installs once however often called, and uninstalling gives back the
very attributes that were there. The real registry holds every fix of the package, and
each attribute it replaces is still where it names it in the installed Rasa."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
import rasa.version

import bot.rasa_speedups as rasa_speedups
from bot.rasa_speedups.registry import (
    Patch,
    Replacement,
    WrongRasaVersion,
    found_rasa_version,
    install,
    is_installed,
    uninstall,
)

MODULE = "parley_registry_test_target"


class Base:
    def greet(self) -> str:
        return "hello"

    @staticmethod
    def shout(text: str) -> str:
        return text.upper()

    @classmethod
    def make(cls) -> Base:
        return cls()


class Child(Base):
    """Inherits everything: a replacement on it is its own, and goes away on uninstall."""


def greet(self: Base) -> str:
    return "patched"


def shout(text: str) -> str:
    return text


def make(cls: type[Base]) -> Base:
    return Base()


@pytest.fixture
def target_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """A module holding `Base` and `Child` as Rasa's modules hold its classes; their
    methods are put back at the end."""
    module = types.ModuleType(MODULE)
    module.Base, module.Child = Base, Child  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, MODULE, module)
    originals = dict(vars(Base))
    yield module
    for name in ("greet", "shout", "make"):
        setattr(Base, name, originals[name])
        if name in vars(Child):
            delattr(Child, name)


def patch_of(version: str | None = None) -> Patch:
    return Patch(
        name="test_patch",
        rasa_version=version or found_rasa_version(),
        replacements=(
            Replacement(f"{MODULE}:Base.greet", greet),
            Replacement(f"{MODULE}:Base.shout", staticmethod(shout)),
            Replacement(f"{MODULE}:Base.make", classmethod(make)),
            Replacement(f"{MODULE}:Child.shout", staticmethod(shout)),
        ),
    )


def own(owner: type, name: str) -> Any:
    return vars(owner).get(name)


def test_installing_on_another_rasa_version_is_refused(
    target_module: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    written_for = found_rasa_version()
    patch = patch_of(written_for)
    before = dict(vars(Base))
    monkeypatch.setattr(rasa.version, "__version__", "3.7.0")

    with pytest.raises(WrongRasaVersion) as refused:
        install([patch])

    message = str(refused.value)
    assert "test_patch" in message and written_for in message and "3.7.0" in message
    assert dict(vars(Base)) == before and "shout" not in vars(Child)


def test_one_patch_on_another_version_stops_them_all(target_module: types.ModuleType) -> None:
    good = Patch("good", found_rasa_version(), (Replacement(f"{MODULE}:Base.greet", greet),))

    with pytest.raises(WrongRasaVersion, match=r"old was written for Rasa 3\.5\.0"):
        install([good, Patch("old", "3.5.0", (Replacement(f"{MODULE}:Base.shout", shout),))])

    assert Base().greet() == "hello"


def test_the_real_install_refuses_on_another_version(monkeypatch: pytest.MonkeyPatch) -> None:
    places = [r.owner_and_name() for p in rasa_speedups.PATCHES for r in p.replacements]
    before = [vars(owner).get(name) for owner, name in places]
    monkeypatch.setattr(rasa.version, "__version__", "4.0.0")

    with pytest.raises(WrongRasaVersion, match=r"rasa_speedups\.\w+ was written for Rasa"):
        rasa_speedups.install()

    assert all(vars(o).get(n) is b for (o, n), b in zip(places, before, strict=True))


def test_installing_twice_installs_once(target_module: types.ModuleType) -> None:
    rasas = own(Base, "greet")
    patch = patch_of()

    install([patch])
    install([patch])

    assert own(Base, "greet") is greet and Base().greet() == "patched"
    assert is_installed(patch)
    uninstall([patch])  # one uninstall undoes both: the second install recorded nothing
    assert own(Base, "greet") is rasas and Base().greet() == "hello"
    assert not is_installed(patch)


def test_uninstalling_restores_the_very_originals(target_module: types.ModuleType) -> None:
    originals = {name: own(Base, name) for name in ("greet", "shout", "make")}
    patch = patch_of()

    install([patch])
    assert Base.shout("hi") == Child.shout("hi") == "hi" and type(Base.make()) is Base
    assert own(Base, "shout").__func__ is shout and own(Child, "shout").__func__ is shout
    uninstall([patch])

    assert {name: own(Base, name) for name in originals} == originals
    for name, original in originals.items():
        assert own(Base, name) is original
    assert "shout" not in vars(Child) and Child.shout("hi") == "HI"


def test_installing_works_again_after_uninstalling(target_module: types.ModuleType) -> None:
    rasas = own(Base, "greet")
    patch = patch_of()

    install([patch])
    uninstall([patch])
    install([patch])

    assert own(Base, "greet") is greet
    uninstall([patch])
    assert own(Base, "greet") is rasas


def test_uninstalling_leaves_a_later_replacement(target_module: types.ModuleType) -> None:
    patch = patch_of()
    install([patch])

    def later(self: Base) -> str:
        return "later"

    Base.greet = later  # type: ignore[method-assign]
    uninstall([patch])

    assert own(Base, "greet") is later
    assert Base.shout("hi") == "HI"  # the rest of the patch did come out


def test_uninstalling_what_was_never_installed_changes_nothing(
    target_module: types.ModuleType,
) -> None:
    before = dict(vars(Base))

    uninstall([patch_of()])

    assert dict(vars(Base)) == before and "shout" not in vars(Child)


def test_a_target_that_is_gone_is_named(target_module: types.ModuleType) -> None:
    moved = Patch("moved", found_rasa_version(), (Replacement(f"{MODULE}:Base.gone", greet),))

    with pytest.raises(AttributeError, match=f"{MODULE}:Base.gone"):
        install([patch_of(), moved])
    assert Base().greet() == "hello"  # nothing of the first went in either


def speedup_modules() -> list[str]:
    return [
        f"{rasa_speedups.__name__}.{module.name}"
        for module in pkgutil.iter_modules(rasa_speedups.__path__)
        if module.name != "registry"
    ]


def test_the_registry_holds_every_fix_of_the_package() -> None:
    declared = [importlib.import_module(name).PATCH for name in speedup_modules()]

    assert len(declared) >= 5
    assert sorted(declared, key=lambda p: p.name) == sorted(
        rasa_speedups.PATCHES, key=lambda p: p.name
    )
    assert [p.name for p in declared] == speedup_modules()


def test_every_fix_was_written_for_the_installed_rasa() -> None:
    for patch in rasa_speedups.PATCHES:
        assert patch.rasa_version == rasa.version.__version__, patch.name


def test_every_target_is_where_it_is_named_in_the_installed_rasa() -> None:
    """A Rasa that moved or renamed what a fix replaces fails here, naming it."""
    targets = [target for patch in rasa_speedups.PATCHES for target in patch.targets]
    assert len(targets) == len(set(targets)), "two fixes replace the same attribute"
    gone: list[str] = []
    for patch in rasa_speedups.PATCHES:
        for replacement in patch.replacements:
            assert replacement.target.startswith("rasa."), replacement.target
            try:
                owner, name = replacement.owner_and_name()
            except (ImportError, AttributeError) as error:
                gone.append(f"{patch.name}: {error}")
                continue
            assert callable(getattr(owner, name)), replacement.target
    assert gone == [], "\n".join(gone)


def test_the_real_patches_go_in_once_and_come_out() -> None:
    was_installed = all(is_installed(patch) for patch in rasa_speedups.PATCHES)
    rasa_speedups.uninstall()  # Rasa's own, whatever an earlier test installed
    places = [r.owner_and_name() for p in rasa_speedups.PATCHES for r in p.replacements]
    values = [r.value for p in rasa_speedups.PATCHES for r in p.replacements]
    rasas = [vars(owner).get(name) for owner, name in places]
    try:
        assert not any(rasa is value for rasa, value in zip(rasas, values, strict=True))

        rasa_speedups.install()
        rasa_speedups.install()
        assert all(
            vars(owner).get(name) is value
            for (owner, name), value in zip(places, values, strict=True)
        )
        rasa_speedups.uninstall()

        for (owner, name), rasa in zip(places, rasas, strict=True):
            assert vars(owner).get(name) is rasa, f"{owner.__name__}.{name}"
    finally:
        if was_installed:
            rasa_speedups.install()

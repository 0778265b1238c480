"""The Rasa attributes Parley replaces, each declared once, and the one way they are put in
and taken out.

A fix in this package replaces one or a few attributes of Rasa's classes. It declares them
as a `Patch`: which attributes (`"module:Class.attribute"`), by what, and the Rasa version
whose code it was written against. `install` puts patches in, `uninstall` takes them out:

- On any other Rasa version, installing refuses before it replaces anything: the code a
  patch replaces may have changed there, and the patch would quietly bring the old back.
- Installing twice is installing once: an attribute that already holds its replacement is
  left as it is, so the attribute Rasa had is never lost behind a second copy of the patch.
- Uninstalling puts back exactly what was there (the same object, a static or class
  method's own descriptor included), or removes the replacement where the class had only
  inherited the attribute. After that, installing works again.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import rasa.version


class WrongRasaVersion(RuntimeError):
    """A patch was about to be installed on a Rasa version it was not written for."""


@dataclass(frozen=True)
class Replacement:
    """`target` (`"module:Class.attribute"`) becomes `value`: a function, or the
    `staticmethod` or `classmethod` around one when Rasa's attribute is one."""

    target: str
    value: Any

    def owner_and_name(self) -> tuple[Any, str]:
        """The class that holds the attribute, and the attribute's name; an error naming
        the target if either is gone."""
        owner_path, _, name = self.target.rpartition(".")
        owner = pkgutil.resolve_name(owner_path)
        if not hasattr(owner, name):
            raise AttributeError(f"{self.target}: {owner_path} has no attribute {name!r}")
        return owner, name


@dataclass(frozen=True)
class Patch:
    """One fix: the attributes it replaces, and the Rasa version it was written for."""

    name: str
    rasa_version: str
    replacements: tuple[Replacement, ...]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(replacement.target for replacement in self.replacements)


@dataclass(frozen=True)
class _Original:
    """What an attribute was before its replacement went in: the class's own value, or
    nothing of its own (inherited)."""

    own: bool
    value: Any = None


_MISSING = object()
# By target: what was there before the replacement that is there now.
_originals: dict[str, _Original] = {}


def found_rasa_version() -> str:
    return rasa.version.__version__


def check_version(patch: Patch) -> None:
    found = found_rasa_version()
    if found != patch.rasa_version:
        raise WrongRasaVersion(
            f"{patch.name} was written for Rasa {patch.rasa_version}, and this is Rasa "
            f"{found}: check that what it replaces ({', '.join(patch.targets)}) is unchanged "
            f"in Rasa {found}, then update its rasa_version"
        )


def is_installed(patch: Patch) -> bool:
    """Whether every attribute of `patch` holds its replacement."""
    return all(_current(*r.owner_and_name()) is r.value for r in patch.replacements)


def install(patches: Iterable[Patch]) -> None:
    """Puts `patches` in; those already in are left as they are. Nothing is replaced if
    any patch was written for another Rasa version, or names an attribute Rasa lacks."""
    patches = list(patches)
    for patch in patches:
        check_version(patch)
    places = [(r, *r.owner_and_name()) for patch in patches for r in patch.replacements]
    for replacement, owner, name in places:
        current = _current(owner, name)
        if current is replacement.value:
            continue
        _originals[replacement.target] = _Original(current is not _MISSING, current)
        setattr(owner, name, replacement.value)


def uninstall(patches: Iterable[Patch]) -> None:
    """Puts back what each attribute of `patches` was before it was installed. An attribute
    that something else has replaced since is left to it."""
    for patch in patches:
        for replacement in patch.replacements:
            original = _originals.pop(replacement.target, None)
            owner, name = replacement.owner_and_name()
            if original is None or _current(owner, name) is not replacement.value:
                continue
            if original.own:
                setattr(owner, name, original.value)
            else:
                delattr(owner, name)


def _current(owner: Any, name: str) -> Any:
    """The class's own value of the attribute (a descriptor as it is stored, not what
    reading it through the class gives), or `_MISSING` if it only inherits it."""
    return vars(owner).get(name, _MISSING)

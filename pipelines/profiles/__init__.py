"""The registry of site profiles: spider name -> profile module.

Adding a site is one profile module (:mod:`pipelines.profiles.base`), its saved pages
with their expected records, and one line below. Modules are imported on first use.
"""

from __future__ import annotations

import importlib
from functools import cache

from pipelines.profiles.base import Profile
from pipelines.urls import urlsplit

SITES: dict[str, str] = {
    "baocantho": "pipelines.profiles.baocantho",
    "baochinhphu": "pipelines.profiles.baochinhphu",
    "baodanang": "pipelines.profiles.baodanang",
    "baodautu": "pipelines.profiles.baodautu",
    "baohaiphong": "pipelines.profiles.baohaiphong",
    "baolaocai": "pipelines.profiles.baolaocai",
    "baonghean": "pipelines.profiles.baonghean",
    "cafebiz": "pipelines.profiles.cafebiz",
    "cafef": "pipelines.profiles.cafef",
    "dantri": "pipelines.profiles.dantri",
    "diendandoanhnghiep": "pipelines.profiles.diendandoanhnghiep",
    "laodong": "pipelines.profiles.laodong",
    "nguoiquansat": "pipelines.profiles.nguoiquansat",
    "nhandan": "pipelines.profiles.nhandan",
    "nld": "pipelines.profiles.nld",
    "thanhnien": "pipelines.profiles.thanhnien",
    "tuoitre": "pipelines.profiles.tuoitre",
    "vietnamnet": "pipelines.profiles.vietnamnet",
    "vietnamplus": "pipelines.profiles.vietnamplus",
    "vnexpress": "pipelines.profiles.vnexpress",
    "vtcnews": "pipelines.profiles.vtcnews",
    "znews": "pipelines.profiles.znews",
}
"""Spider name -> module holding its ``PROFILE``."""


class UnknownSite(KeyError):
    """No profile has this name; the message lists the known names."""

    def __str__(self) -> str:
        return str(self.args[0])


def names() -> list[str]:
    """Every profiled site's spider name, sorted."""
    return sorted(SITES)


def profile(name: str) -> Profile:
    """The profile named ``name``, or :class:`UnknownSite`."""
    if name not in SITES:
        raise UnknownSite(f"no site profile named {name!r} (known: {', '.join(names())})")
    return _load(name)


@cache
def _load(name: str) -> Profile:
    found: Profile = importlib.import_module(SITES[name]).PROFILE
    if found.name != name:
        raise ValueError(f"{SITES[name]}.PROFILE is named {found.name!r}, registered as {name!r}")
    return found


def profiles() -> list[Profile]:
    """Every profile, in name order."""
    return [profile(name) for name in names()]


@cache
def _by_host() -> dict[str, Profile]:
    return {host: found for found in profiles() for host in found.hosts}


def for_host(host: str | None) -> Profile | None:
    """The profile owning ``host`` (``www.`` and case aside), if any."""
    if not host:
        return None
    return _by_host().get(host.lower().removeprefix("www."))


def for_url(url: str) -> Profile | None:
    """The profile owning the URL's host, if any (never raises)."""
    try:
        return for_host(urlsplit(url.strip()).hostname)
    except ValueError:
        return None

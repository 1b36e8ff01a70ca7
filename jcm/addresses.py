"""Addresses of records on a page that links to hundreds of them (the minutes' editor: a check button for each text,
a link for each action item raised, a form for each section): each endpoint's address built by url_for once for the
request, with a stand-in for each record's id, and the ids put in its place — the same address url_for gives, for a
fraction of what building it from its rule each time costs."""

from __future__ import annotations

from flask import g, url_for

# Stand-ins for the ids of an address: numbers no address holds otherwise, none a part of another.
_STAND_INS = tuple(str(7_391_046_280 + n) for n in range(1, 5))


def address(endpoint: str, **values: str | int) -> str:
    """url_for(endpoint, **values), each whole number among the values (a record's id) put into an address made
    once for the request; the other values (a kind, a field, a language) are part of what the address is made for."""
    key = (endpoint, *((name, None if type(value) is int else value) for name, value in values.items()))
    made = g.setdefault("addresses", {})
    found = made.get(key)
    if found is None:
        ids = [name for name, value in values.items() if type(value) is int]
        if len(ids) > len(_STAND_INS):
            return url_for(endpoint, **values)
        found = made[key] = url_for(endpoint, **{**values, **dict(zip(ids, map(int, _STAND_INS)))})
    stand_ins = iter(_STAND_INS)
    for value in values.values():
        if type(value) is int:
            found = found.replace(next(stand_ins), str(value))
    return found

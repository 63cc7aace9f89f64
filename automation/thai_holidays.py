"""Thai public and government holidays for the years an office works in, from a shipped table.

The `holidays` package computes the same days (tests/test_workdays.py holds the table equal
to the installed package, year by year, in both languages), but importing it loads every
country's calendar (~0.1 s, a tibetan one among them) and working a year out costs ms more:
a fifth of a Sheets run's own imports. Years outside the table come from the package.

The table is `thai_holidays.json` beside this module; regenerate it after upgrading the
package with `python -m automation.thai_holidays`."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("thai_holidays.json")
FIRST_YEAR, LAST_YEAR = 2000, 2045
CATEGORIES = ("public", "government")
LANGUAGES = ("th", "en_US")  # the package's language codes


def from_package(year: int, language: str) -> dict[dt.date, str]:
    """The package's holidays of one year (the definition the table copies)."""
    import holidays

    return dict(holidays.country_holidays("TH", categories=CATEGORIES, language=language, years=year).items())


@cache
def _table() -> tuple[dict[str, list[str]], dict[str, list[list[int]]]]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    return data["names"], data["years"]


def thai_holidays(year: int, language: str) -> dict[dt.date, str]:
    """Date -> name of `year`'s Thai public and government holidays, in `language` (th or en_US)."""
    names, years = _table()
    days = years.get(str(year))
    if days is None or language not in names:
        return from_package(year, language)
    which = LANGUAGES.index(language) + 2
    return {dt.date(year, day[0], day[1]): names[language][day[which]] for day in days}


def write_table(path: Path = TABLE) -> None:
    """The table: each year's days as [month, day, Thai name's index, English name's index]."""
    names: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    years: dict[str, list[list[int]]] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        found = [from_package(year, lang) for lang in LANGUAGES]
        assert all(list(f) == list(found[0]) for f in found)  # the same days in each language
        rows = []
        for day in sorted(found[0]):
            row = [day.month, day.day]
            for lang, days in zip(LANGUAGES, found, strict=True):
                if days[day] not in names[lang]:
                    names[lang].append(days[day])
                row.append(names[lang].index(days[day]))
            rows.append(row)
        years[str(year)] = rows
    text = json.dumps({"names": names, "years": years}, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_table()

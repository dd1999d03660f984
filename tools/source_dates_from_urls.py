"""Print the publication dates that the cases' source URLs themselves carry, as CSV rows.

Reads the URLs of data/cases.csv (``source_urls``) and data/second_coding.csv
(``sources_used``) and prints, for each, ``url,published_date,date_precision,date_basis,
date_note`` on stdout: the date a URL's path spells (``/2017/03/17/``, ``20170317``, ``la-xpm-
2002-sep-12``, RFA's ``-03192012...``), with ``date_basis`` ``url``, or an empty date with
precision and basis ``unknown``. The unknown ones were then looked up by hand with the
``search`` tool and data/source_dates.csv records what was found (``page``) or keeps them
unknown. Nothing is written to data/: redirect the output, then review it.

Run: ``.venv/bin/python tools/source_dates_from_urls.py > /tmp/source_dates.csv``
"""

from __future__ import annotations

import calendar
import csv
import datetime
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
YEAR = r"(?P<y>(?:19|20)\d\d)"
MONTH = r"(?P<m>0[1-9]|1[0-2])"
DAY = r"(?P<d>0[1-9]|[12]\d|3[01])"
NAMED = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
# (pattern, precision, what the note says), most specific first; the first match wins.
RULES: tuple[tuple[str, str, str], ...] = (
    (rf"/{YEAR}/{MONTH}/{DAY}(?:/|$)", "day", "path /YYYY/MM/DD"),
    (rf"/{YEAR}-{MONTH}[/-]{DAY}(?:/|-|$)", "day", "path YYYY-MM-DD"),
    (rf"{YEAR}-{NAMED}-{DAY}", "day", "path YYYY-mon-DD"),
    (rf"/{YEAR}/{NAMED}/{DAY}/", "day", "path /YYYY/mon/DD/"),
    (rf"/{YEAR}/{MONTH}{DAY}/", "day", "path /YYYY/MMDD/"),
    (rf"[-_/]{MONTH}{DAY}{YEAR}\d{{6}}\.html", "day", "RFA's MMDDYYYY stamp"),
    (rf"-{YEAR}{MONTH}{DAY}\.html", "day", "path -YYYYMMDD.html"),
    (rf"(?:/|=|AEN|AKR|biid=|ud=){YEAR}{MONTH}{DAY}\d*", "day", "YYYYMMDD stamp"),
    (rf"/{YEAR}{MONTH}{DAY}(?:/|-|\d)", "day", "path /YYYYMMDD"),
    (rf"D={YEAR}-{MONTH}-{DAY}", "day", "query D=YYYY-MM-DD"),
    (rf"-{YEAR}-{MONTH}-{DAY}-", "day", "VOA's a-NN-YYYY-MM-DD id"),
    (rf"/{YEAR}/{MONTH}(?:/|$)", "month", "path /YYYY/MM"),
    (rf"/asa\d\d/\d+/{YEAR}/", "year", "Amnesty index number's year"),
    (rf"/{YEAR}/{NAMED}/", "month", "path /YYYY/Mon/"),
    (rf"/{YEAR}/\d{{4}}-(?P<monthname>[A-Za-z]+)/", "month", "mail archive /YYYY/YYYY-Month/"),
)


def source_urls() -> list[str]:
    """Every distinct URL of cases.csv's source_urls and second_coding.csv's sources_used."""
    urls: dict[str, None] = {}
    for table, column in (("cases.csv", "source_urls"), ("second_coding.csv", "sources_used")):
        with open(DATA / table, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                urls |= dict.fromkeys(u.strip() for u in row[column].split(";") if u.strip())
    return sorted(urls)


def url_date(url: str) -> tuple[str, str, str]:
    """(ISO date, precision, note) that ``url`` spells, or ("", "unknown", "") when none."""
    for pattern, precision, note in RULES:
        match = re.search(pattern, url, flags=re.IGNORECASE)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["y"])
        named = parts.get("mon") or parts.get("monthname")
        month = MONTHS.get(named.lower()) if named else int(parts.get("m") or 0)
        if named and month is None:
            continue
        month = month or 1
        day = int(parts["d"]) if parts.get("d") else 1
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            continue
        return date.isoformat(), precision, f"from the URL ({note})"
    return "", "unknown", ""


def main() -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(("url", "published_date", "date_precision", "date_basis", "date_note"))
    for url in source_urls():
        date, precision, note = url_date(url)
        writer.writerow((url, date, precision, "url" if date else "unknown", note))
    return 0


if __name__ == "__main__":
    sys.exit(main())

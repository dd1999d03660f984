"""The index page's parts: the bottom line, base rates, source links, the static what-if, and
notebook pages that need no network."""

from __future__ import annotations

import copy
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.engine import whatif
from analysis.engine.headline import Headline, Signpost
from analysis.pages import index_page, notebook_html

# Every field differs from every other, so a field shown in another's place is seen.
HEADLINE = Headline(
    question="Will the test group be released?",
    as_of="2019-03-02",
    p_release=0.23,
    low=0.11,
    high=0.47,
    spec_low=0.19,
    spec_high=0.31,
    n_specifications=1280,
    rule="pooled by equal weights",
    base_cases=17,
    base_releases=2,
    reference_class="past detentions in the test country",
    backtest_verdict="it beat the base rate in 9 of 12 held-out cases.",
    outcome_status="The group's fate is not on record.",
    signposts=(
        Signpost("A public campaign", "towards release", 0.06, "the pressure weight"),
        Signpost("A leaders' summit", "towards return", None, "no model for it"),
    ),
    weighting="equal",
    weighting_reason="Equal weights: one outcome only.",
    effective_specifications=640.0,
    grid_low=0.04,
    grid_high=0.73,
    n_grid=6400,
)


def test_bottom_line_is_plain_words_with_the_technical_matter_one_click_down() -> None:
    text = index_page.render_bottom_line(HEADLINE, "test group")
    flat = " ".join(text.split())
    # 0.23: 1 / 0.23 = 4.35, so "about 1 in 4"; 23%; below 0.33, "unlikely" (by hand).
    assert (
        '<p class="headline-number" id="quotable">As of 2 March 2019, the chance that China lets '
        "the test group reach South Korea or a third country rather than return them to North "
        "Korea is about 1 in 4 (23%): unlikely. The estimate rests on the 17 earlier past "
        "detentions in the test country whose outcome was known by then; 2 of them ended in "
        "release.</p>"
    ) in flat
    # 0.47 - 0.11 = 0.36 is wider than 0.25: "not very".
    assert "How sure: not very. The chance could be anywhere from 11% to 47%" in flat
    assert "only 17 comparable past cases are on record." in flat
    assert "The group&#x27;s fate is not on record." in text
    assert "A public campaign: towards release (in the article's model, +6 percentage" in (flat)
    assert "A leaders&#x27; summit: towards return <span" in text
    assert '<a href="#method">' in text
    # The jargon is not on the first screen: it is in the method section.
    for jargon in ("specifications", "uniform prior", "Backtest", "pooled by equal weights"):
        assert jargon not in text
    assert "Will the test group be released?" not in text  # the question is stated once, below


def test_method_states_the_technical_fields_each_in_its_place() -> None:
    flat = " ".join(index_page.render_method(HEADLINE).split())
    assert "As of 2 March 2019: a 0.23 chance of release</strong>, and so 0.77 of a return" in flat
    assert "80% interval 0.11 to 0.47" in flat
    assert "the question's 1,280 specifications (effective number 640)" in flat
    assert "weighted 1-99% range of their central estimates is 0.19 to 0.31" in flat
    assert "Equal weights: one outcome only." in flat
    # The grid's min-max appears only labelled as such.
    assert "The whole grid of 6,400 specifications" in flat
    assert "spans 0.04 to 0.73: the grid's min-max, not the answer's range" in flat
    assert "How the number is chosen: pooled by equal weights" in flat
    # 2 of 17 with a uniform prior: (2 + 1) / (17 + 2) = 0.157..., by hand.
    assert "past detentions in the test country: 2 of 17 releases; with a uniform prior, 0.16" in (
        flat
    )
    assert "Backtest: it beat the base rate in 9 of 12 held-out cases." in flat


@pytest.mark.parametrize(
    ("p", "words", "word"),
    [
        (0.13, "about 1 in 8", "unlikely"),
        (0.05, "about 1 in 20", "very unlikely"),
        (0.5, "about 5 in 10", "about as likely as not"),
        (0.72, "about 7 in 10", "likely"),
        (0.004, "less than 1 in 100", "very unlikely"),
        (0.995, "more than 99 in 100", "very likely"),
    ],
)
def test_chances_read_as_odds_and_words(p: float, words: str, word: str) -> None:
    assert index_page.chance_in_words(p) == words
    assert index_page.likelihood_word(p) == word


def test_how_sure_follows_the_width_of_the_interval() -> None:
    def sure(low: float, high: float) -> str:
        line = index_page.how_sure(Headline(**{**HEADLINE.__dict__, "low": low, "high": high}))
        return line.split(".")[0]

    assert sure(0.10, 0.40) == "How sure: not very"  # 0.30 wide
    assert sure(0.10, 0.30) == "How sure: fairly"  # 0.20
    assert sure(0.10, 0.15) == "How sure: quite"  # 0.05


def test_bottom_line_escapes_its_text() -> None:
    hostile = Headline(**{**HEADLINE.__dict__, "outcome_status": "<script>x</script>"})
    assert "<script>x" not in index_page.render_bottom_line(hostile, "<b>group</b>")
    assert "<b>group" not in index_page.render_bottom_line(hostile, "<b>group</b>")
    assert "<script>x" not in index_page.render_method(
        Headline(**{**HEADLINE.__dict__, "rule": "<script>x</script>"})
    )


@pytest.mark.parametrize(
    ("releases", "cases", "expected"),
    [
        (2, 17, "2 of 17 releases; with a uniform prior, 0.16"),
        (0, 11, "0 of 11 releases; with a uniform prior, 0.08"),
        (1, 1, "1 of 1 release; with a uniform prior, 0.67"),
    ],
)
def test_base_rate_reads_as_counts_and_the_prior_mean(
    releases: int, cases: int, expected: str
) -> None:
    assert index_page.base_rate_text(releases, cases) == expected


def test_sources_link_only_http_and_https_with_noopener() -> None:
    links = index_page.source_links(
        ("https://a.example/x?y=1&z=2", "javascript:alert(1)", "http://b.example"),
        ("A <News>", "Evil", "B"),
    )
    assert (
        '<a href="https://a.example/x?y=1&amp;z=2" rel="noopener noreferrer">A &lt;News&gt;</a>'
        in links
    )
    assert '<a href="http://b.example" rel="noopener noreferrer">B</a>' in links
    assert 'href="javascript' not in links and "Evil (javascript:alert(1))" in links


def test_whatif_grid_holds_the_closed_form_at_every_point() -> None:
    model = SimpleNamespace(base_rate=0.2, w_pressure=0.5, w_tension=0.4)
    row = {"pressure": 0.62, "tension": 0.68}
    grid = whatif.whatif_grid(SimpleNamespace(case_model=model, case_scenario=row))
    levels, weights = grid["levels"], grid["weights"]
    # Start: the nearest grid point to (0.62, 0.68, 0.5, 0.4).
    assert [levels[grid["start"][0]], levels[grid["start"][1]]] == [0.6, 0.7]
    assert [weights[grid["start"][2]], weights[grid["start"][3]]] == [0.5, 0.4]
    # By hand at pressure 0.3, tension 0.9, weights 1.2 and -0.2:
    # log-odds = ln(0.2 / 0.8) + 1.2 * 0.3 - 0.2 * 0.9 = -1.2063; P = 0.2304 -> 23%.
    point = (levels.index(0.3), levels.index(0.9), weights.index(1.2), weights.index(-0.2))
    value = grid["percent_release"][point[0]][point[1]][point[2]][point[3]]
    by_hand = 1 / (1 + math.exp(-(math.log(0.25) + 1.2 * 0.3 - 0.2 * 0.9)))
    assert value == round(100 * by_hand) == 23


def test_whatif_embeds_its_data_and_script_inline() -> None:
    model = SimpleNamespace(base_rate=0.2, w_pressure=0.5, w_tension=0.4)
    grid = whatif.whatif_grid(
        SimpleNamespace(case_model=model, case_scenario={"pressure": 0.1, "tension": 0.2})
    )
    page = index_page.render_whatif(grid)
    assert page.count('<input type="range"') == 4
    data = re.search(r'<script type="application/json" id="whatif-data">(.*?)</script>', page)
    assert json.loads(data.group(1)) == grid
    assert "src=" not in page


def test_a_range_index_is_dropped_and_a_meaningful_one_kept() -> None:
    numbered = (
        '<table class="dataframe"><thead><tr><th></th><th>a</th></tr></thead>'
        "<tbody><tr><th>0</th><td>x</td></tr><tr><th>1</th><td>y</td></tr></tbody></table>"
    )
    assert notebook_html.drop_range_index(numbered) == (
        '<table class="dataframe"><thead><tr><th>a</th></tr></thead>'
        "<tbody><tr><td>x</td></tr><tr><td>y</td></tr></tbody></table>"
    )
    years = numbered.replace("<th>0</th>", "<th>2016</th>").replace("<th>1</th>", "<th>2017</th>")
    assert notebook_html.drop_range_index(years) == years


# --- nothing from the network ---------------------------------------------------------------

EXTERNAL = [
    re.compile(r"<script\b[^>]*\bsrc\s*=", re.I),  # any script file: pages inline theirs
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),  # fonts and images from CSS
    re.compile(r"<(?:img|iframe|embed|source)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I),
]


def external_references(text: str) -> list[str]:
    """Every place ``text`` would load a script, style, font or image from the network."""
    return [match.group(0) for pattern in EXTERNAL for match in pattern.finditer(text)]


def test_the_check_sees_each_kind_of_external_reference() -> None:
    for page in (
        '<script src="https://cdn.example/require.js"></script>',
        '<link rel="stylesheet" href="//fonts.example/css">',
        "<style>@import url('https://x.example/a.css');</style>",
        "<style>@font-face { src: url(https://fonts.example/f.woff2); }</style>",
    ):
        assert external_references(page), page
    assert not external_references('<a href="https://example.org" rel="noopener">x</a>')
    assert not external_references("<style>.i { background: url(data:image/svg+xml;a) }</style>")


def test_a_notebook_page_loads_nothing_from_the_network() -> None:
    import nbformat

    from analysis import paths

    notebook = nbformat.read(paths.NOTEBOOKS_DIR / "04_scenarios.ipynb", as_version=4)
    page = notebook_html.render_html(notebook)
    assert external_references(page) == []
    assert "need a running Jupyter kernel" in page.replace("\n", " ")


def test_codes_in_table_cells_are_written_as_words() -> None:
    from analysis import paths

    codes = notebook_html.codebook_codes(paths.DATA_DIR)
    assert "foreign_mission_entry" in codes and "pressure_level" in codes
    table = (
        "<table><tr><th>pressure_level</th></tr><tr><td>onset: foreign_mission_entry</td>"
        "<td>2017_shenyang_eight</td><td>report.foreign_mission_entry.x</td></tr></table>"
    )
    assert notebook_html.human_codes(table, codes) == (
        "<table><tr><th>pressure level</th></tr><tr><td>onset: foreign mission entry</td>"
        "<td>2017_shenyang_eight</td><td>report.foreign_mission_entry.x</td></tr></table>"
    )


def test_two_questions_pages_never_name_each_others_case() -> None:
    from analysis.data.dataset import load_dataset
    from analysis.engine.headline import headline
    from analysis.engine.whatif import question_whatif
    from analysis.record import timeline
    from analysis.record.case import case_facts

    data = load_dataset()
    names = {"2017_shenyang_eight": ("Shenyang eight", "the eight"),
             "2012_shenyang_31": ("Shenyang 31", "2012 Shenyang sweep")}  # fmt: skip
    pages = {}
    for question in names:
        facts = case_facts(data, question)
        view = question_whatif(data, question, draws=500)
        rows = index_page.scenario_rows(whatif.question_rows(view.scenario_table, facts))
        key = timeline.marker_key(timeline.case_chart(data.events, data.actors, facts))
        # The whole front page as the report renders it, every figure's caption and alt text
        # included (the figures and notebook pages are files with tests of their own).
        figures = [Path("figures") / f"{stem}.svg" for stem in index_page.FIGURE_ALT]
        answer = headline(data, question)
        pages[question] = index_page.render_index(
            data, facts, rows, figures, {}, answer, whatif.whatif_grid(view), key, ""
        )
    assert "Shenyang eight" in pages["2017_shenyang_eight"]
    # Whole words: a year inside a source's address, or "weight", is no mention of a case.
    for other in ("2017_shenyang_eight", "Shenyang eight", "the eight", "2017"):
        assert not re.search(rf"\b{other}\b", pages["2012_shenyang_31"]), other
    for other in ("2012_shenyang_31", "Shenyang 31", "Shenyang sweep", "2012"):
        assert not re.search(rf"\b{other}\b", pages["2017_shenyang_eight"]), other
    # Every scenario row of the page names its model.
    assert "what-if (the article&#x27;s argument)" in pages["2012_shenyang_31"]


def test_a_page_left_out_is_listed_without_a_link(fixture_data) -> None:
    from analysis.engine.headline import headline
    from analysis.engine.whatif import question_whatif
    from analysis.record import timeline
    from analysis.record.case import case_facts

    facts = case_facts(fixture_data, "fixture_case")
    view = question_whatif(fixture_data, "fixture_case", draws=500)
    key = timeline.marker_key(timeline.case_chart(fixture_data.events, fixture_data.actors, facts))
    pages = {index_page.NO_LINK + "01.html": "01 · Record", "notebooks/02.html": "02 · Question"}
    page = index_page.render_index(
        fixture_data,
        facts,
        pd.DataFrame(),
        [],
        pages,
        headline(fixture_data, "fixture_case"),
        whatif.whatif_grid(view),
        key,
        "",
    )
    assert "<li>01 · Record</li>" in page and "01.html" not in page
    assert '<li><a href="notebooks/02.html">02 · Question</a></li>' in page


def test_a_notebook_link_to_a_project_file_names_the_file_on_the_report_page() -> None:
    from nbformat.v4 import new_markdown_cell, new_notebook

    notebook = new_notebook(
        cells=[
            new_markdown_cell(
                "See [data/README.md](../data/README.md), [the log](../docs/sweep.md) and "
                "[the what-if](../index.html#whatif)."
            )
        ]
    )
    page = notebook_html.render_html(notebook)
    assert "<code>data/README.md</code> (in the project folder)" in page
    assert "the log (<code>docs/sweep.md</code> in the project folder)" in page
    assert 'href="../data' not in page and 'href="../docs' not in page
    assert '<a href="../index.html#whatif">the what-if</a>' in page


class _Elements(HTMLParser):
    """A page as its elements, attributes and text, the way a browser reads it: entities
    decoded, a class list as its set of names, attributes in any order, void elements with or
    without a closing slash, and whitespace between tags insignificant outside <pre>."""

    VOID = frozenset({"meta", "link", "img", "br", "hr", "input", "col", "area", "base", "wbr"})

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []
        self._pre = 0
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._pre += tag == "pre"
        named = {k: " ".join(sorted((v or "").split())) if k == "class" else v for k, v in attrs}
        self.items.append(("<", tag, tuple(sorted(named.items()))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self._pre -= tag == "pre"
        if tag not in self.VOID:
            self.items.append((">", tag))

    def handle_data(self, data: str) -> None:
        text = data if self._pre else " ".join(data.split())
        if text:
            self.items.append(("text", text))


def test_a_notebook_page_holds_what_nbconvert_s_own_exporter_writes() -> None:
    """The page skips nbconvert's BeautifulSoup pass and bleach over code (two thirds of a
    page's time): it must read, element by element, as the stock exporter's page does."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

    from analysis import paths

    notebook = nbformat.read(paths.NOTEBOOKS_DIR / "04_scenarios.ipynb", as_version=4)
    # Text that bleach or a parser would treat differently if the page mis-escaped it.
    notebook.cells += [
        new_markdown_cell('A <img src="data:image/png;base64,AAAA"> and &amp; "quotes" &nbsp;x'),
        new_code_cell(
            'print("</pre><script>alert(1)</script> & <b>")',
            outputs=[new_output("stream", name="stdout", text="<i>not italic</i> &amp;\n")],
        ),
        new_code_cell(
            "plt.show()",
            outputs=[
                new_output(
                    "display_data",
                    data={"image/png": "AAAA", "text/plain": 'Chart: "a" <b>title</b> & more'},
                )
            ],
        ),
    ]
    # Stock but for the template's own blocks (FIGURE_ALT, the charts' words, stays in both).
    stock_template = notebook_html.OFFLINE_TEMPLATE.replace(notebook_html.CODE_INPUT, "")
    assert stock_template != notebook_html.OFFLINE_TEMPLATE
    stock = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"stock.html.j2": stock_template})],
        template_file="stock.html.j2",
    )

    def numbered(page: str) -> str:  # each run's uuid4 output ids, numbered in order of use
        ids: dict[str, str] = {}
        return notebook_html.UUID.sub(lambda m: ids.setdefault(m.group(0), str(len(ids))), page)

    ours = numbered(notebook_html._exporter().from_notebook_node(copy.deepcopy(notebook))[0])
    theirs = numbered(stock.from_notebook_node(copy.deepcopy(notebook))[0])
    assert _Elements(ours).items == _Elements(theirs).items
    assert ours.count('tabindex="0"') > 50
    # Each of notebook 04's ten charts says what it shows; the markdown's image has no words.
    assert ours.count('<img alt="Chart: ') == 11 and ours.count(notebook_html.IMAGE_ALT) == 1
    assert '<img alt="Chart: &quot;a&quot; &lt;b&gt;title&lt;/b&gt; &amp; more"' in ours
    assert "<script>alert(1)</script>" not in ours

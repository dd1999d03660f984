"""A notebook as a self-contained HTML page: no external script, style or font; tables left-
aligned and wrapped, without a meaningless 0..n index, with codebook codes in words.

Returns text only; ``analysis.pages.report`` writes the pages.
"""

from __future__ import annotations

import copy
import re
import threading
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from analysis.data.dataset import load_codebook
from analysis.pages.provenance import PROVENANCE_CSS

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
NOTEBOOK_CSS = (
    """
body .jp-Cell .jp-RenderedHTMLCommon td, body .jp-Cell .jp-RenderedHTMLCommon th,
body .jp-Cell .jp-RenderedHTMLCommon tr {
  text-align: left; vertical-align: top; white-space: normal; max-width: 36rem; }
.kernel-note { border: 1px solid #ccc; background: #f7f7f7; padding: 0.5rem 0.8rem; }
"""
    + PROVENANCE_CSS
)
# A code cell's input as lab's template writes it, without bleach's pass over it (a tenth of a
# page's time): what Pygments gives is the cell's source escaped, in <div>, <pre> and <span>.
CODE_INPUT = (
    "{% block input %}\n"
    '<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">\n'
    '     <div class="cm-editor cm-s-jupyter">\n'
    "{{ cell.source | highlight_code(metadata=cell.metadata) }}\n"
    "     </div>\n"
    "</div>\n"
    "{%- endblock input %}\n"
)
# A chart's image takes its alt text from the output's text, the chart in words
# (``style.describe_figure``); an image whose text is a repr (``<Figure size ...>``) keeps
# nbconvert's placeholder (IMAGE_ALT).
FIGURE_ALT = (
    "{%- block data_png scoped -%}\n"
    "{%- set words = output.data.get('text/plain', '') -%}\n"
    "{%- if words and not words.startswith('<') -%}\n"
    "{{ super() | replace('<img', '<img alt=\"' ~ (words | escape_html) ~ '\"', 1) }}\n"
    "{%- else -%}{{ super() }}{%- endif -%}\n"
    "{%- endblock data_png -%}\n"
)
# The notebook pages' template: JupyterLab's, minus everything it loads from the internet
# (require.js, MathJax, mermaid, the widget manager), so a page works offline, whole. Widget
# outputs need a running kernel: the page says so and points to the index page's what-if.
OFFLINE_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}\n"
    "{%- block html_head_js -%}{%- endblock html_head_js -%}\n"
    "{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block extra_css -%}<style>" + NOTEBOOK_CSS + "</style>{%- endblock extra_css -%}\n"
    "{%- block data_widget_view -%}\n"
    '<div class="jp-OutputArea-output kernel-note"><p>The sliders of this what-if need a '
    "running Jupyter kernel (<code>make lab</code>). Offline, use the "
    '<a href="../index.html#whatif">what-if on the report\'s front page</a>, which reads a '
    "precomputed grid of the same model.</p></div>\n"
    "{%- endblock data_widget_view -%}\n"
    + CODE_INPUT
    + FIGURE_ALT
    + "{%- block footer -%}{{ super() }}{%- endblock footer -%}\n"
)
RANGE_INDEX_ROW = re.compile(r"(<tr[^>]*>)\s*<th>(\d+)</th>")


def drop_range_index(table: str) -> str:
    """A pandas HTML table without its index when the index is only 0, 1, 2, ... (it means
    nothing to a reader); any other table is returned as it is."""
    numbers = [int(n) for _, n in RANGE_INDEX_ROW.findall(table.split("<tbody>", 1)[-1])]
    if not numbers or numbers != list(range(len(numbers))) or "<tbody>" not in table:
        return table
    head, body = table.split("<tbody>", 1)
    head = re.sub(r"(<tr[^>]*>)\s*<th></th>", r"\1", head, count=1)
    return head + "<tbody>" + RANGE_INDEX_ROW.sub(r"\1", body)


def codebook_codes(data_dir: Path) -> frozenset[str]:
    """The codes a reader should see in words: the codebook's column names and allowed
    values that join words with underscores (``foreign_mission_entry``)."""
    codebook = load_codebook(data_dir)  # checked like every table: no link, no bad bytes
    words = set(codebook["column"])
    words |= {value for values in codebook["allowed_values"] for value in values.split(";")}
    return frozenset(word for word in words if re.fullmatch(r"[a-z]+(?:_[a-z]+)+", word))


def human_codes(table: str, codes: frozenset[str]) -> str:
    """``table`` (HTML) with every cell's codes from ``codes`` written as words."""
    if not codes:
        return table
    word = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, codes))) + r")(?![\w.])")

    def cell(match: re.Match[str]) -> str:
        return match.group(1) + word.sub(lambda m: m.group(1).replace("_", " "), match.group(2))

    return re.sub(r"(<t[dh][^>]*>)([^<]*)", cell, table)


def _readable_tables(
    notebook: nbformat.NotebookNode, codes: frozenset[str]
) -> nbformat.NotebookNode:
    """Each HTML table output left-aligned (no pandas right-align style), its 0..n index
    dropped and its codes in words."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html")
            if isinstance(text, str) and 'class="dataframe"' in text:
                text = text.replace(' style="text-align: right;"', "")
                output["data"]["text/html"] = human_codes(drop_range_index(text), codes)
    return notebook


# What nbconvert's HTMLExporter adds in a last pass, by parsing and writing out the whole page
# with BeautifulSoup (half of a page's time): a placeholder alt text on every image without
# one, and tabindex="0" on every cell's input and output, so that a keyboard can reach them.
IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
IMAGE_ALT = ' alt="No description has been provided for this image"'
FOCUSABLE = re.compile(
    r'<div class="(?:[^"]* )?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?: [^"]*)?"[^>]*'
)


class _PageExporter(HTMLExporter):
    """JupyterLab's HTML exporter with its BeautifulSoup pass done by two patterns: the same
    page, read element by element. The filters are set up as nbconvert's exporter does."""

    def from_notebook_node(
        self, nb: nbformat.NotebookNode, resources: dict | None = None, **kw
    ) -> tuple[str, dict]:
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight)
        self.register_filter("filter_data_type", data_types)
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        page = IMAGE_WITHOUT_ALT.sub("<img" + IMAGE_ALT, page)
        return FOCUSABLE.sub(lambda match: match.group(0) + ' tabindex="0"', page), resources


_EXPORTERS = threading.local()


def _exporter() -> HTMLExporter:
    """This thread's HTML exporter: made once, since making one compiles its templates (0.3 s
    a page); one per thread, since the report renders two notebooks at a time."""
    if not hasattr(_EXPORTERS, "html"):
        _EXPORTERS.html = _PageExporter(
            template_name="lab",
            extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
            template_file="offline.html.j2",
        )
    return _EXPORTERS.html


BODY_TAG = re.compile(r"<body[^>]*>")
# A link from a notebook to a file of the project beside it (``../data/README.md``): right in
# JupyterLab, where the notebook sits in notebooks/, but pointing nowhere from the report's
# pages, which may be written anywhere. The page names the file instead.
PROJECT_FILE_LINK = re.compile(r'<a href="\.\./(?!index\.html)([^"#?]+)">(.*?)</a>')


def _project_file(match: re.Match[str]) -> str:
    path, text = match.groups()
    if text in (path, f"<code>{path}</code>"):
        return f"<code>{path}</code> (in the project folder)"
    return f"{text} (<code>{path}</code> in the project folder)"


def render_html(
    notebook: nbformat.NotebookNode,
    codes: frozenset[str] = frozenset(),
    banner: str = "",
    footer: str = "",
) -> str:
    """A notebook with its outputs as a standalone HTML page that needs no network, the same
    bytes on every run; tables show ``codes`` (``codebook_codes``) as words; ``banner`` opens
    the body and ``footer`` closes it (the provenance, ``analysis.pages.provenance``).

    The exporter gives each output a fresh uuid4 as its element id; those become sequential
    ids, renamed consistently wherever they appear. A link to a project file outside the
    report (``../docs/...``) becomes the file's name (``PROJECT_FILE_LINK``).
    """
    body, _ = _exporter().from_notebook_node(_readable_tables(copy.deepcopy(notebook), codes))
    renames: dict[str, str] = {}

    def stable(match: re.Match[str]) -> str:
        return renames.setdefault(match.group(0), f"output-{len(renames) + 1:04d}")

    body = PROJECT_FILE_LINK.sub(_project_file, UUID.sub(stable, body))
    if banner:
        body = BODY_TAG.sub(lambda match: match.group(0) + banner, body, count=1)
    if footer:
        body = body.replace("</body>", footer + "</body>", 1)
    return body


def notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback

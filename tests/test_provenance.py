"""The pages' provenance: the data folder's digest, the footer's fields, the banner's."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.pages import provenance
from analysis.pages.provenance import Provenance


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def test_data_digest_is_sha256_of_each_path_and_content_in_order(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", {"b.csv": b"x,y\n", "a.csv": b"1\n", "sub/c.md": b""})
    # By hand: length-prefixed names and contents, a.csv, b.csv, sub/c.md.
    expected = hashlib.sha256()
    for name, content in ((b"a.csv", b"1\n"), (b"b.csv", b"x,y\n"), (b"sub/c.md", b"")):
        expected.update(len(name).to_bytes(8, "big") + name)
        expected.update(len(content).to_bytes(8, "big") + content)
    assert provenance.data_digest(folder) == expected.hexdigest()


def test_data_digest_sees_an_edit_a_rename_and_a_moved_byte(tmp_path: Path) -> None:
    base = provenance.data_digest(_folder(tmp_path / "a", {"x.csv": b"ab", "y.csv": b"c"}))
    same = provenance.data_digest(_folder(tmp_path / "b", {"x.csv": b"ab", "y.csv": b"c"}))
    edited = provenance.data_digest(_folder(tmp_path / "c", {"x.csv": b"ab", "y.csv": b"d"}))
    renamed = provenance.data_digest(_folder(tmp_path / "e", {"x.csv": b"ab", "z.csv": b"c"}))
    moved = provenance.data_digest(_folder(tmp_path / "f", {"x.csv": b"a", "y.csv": b"bc"}))
    assert base == same
    assert len({base, edited, renamed, moved}) == 4


SOURCE = Provenance(
    commit="0123456789abcdef0123456789abcdef01234567",
    modified=False,
    data_sha256="f" * 64,
    python="3.11.7",
    packages=(("numpy", "2.4.6"), ("pandas", "2.2.3")),
    build_date="2026-12-01",
)


def test_footer_names_commit_data_versions_and_build_date() -> None:
    footer = provenance.footer_html(SOURCE)
    assert "commit <code>0123456789ab</code>;" in footer
    assert f"SHA-256 <code>{'f' * 64}</code>" in footer
    assert "Python 3.11.7, numpy 2.4.6, pandas 2.2.3;" in footer
    assert "build date 2026-12-01" in footer
    assert "modified" not in footer
    dirty = provenance.footer_html(Provenance(**{**SOURCE.__dict__, "modified": True}))
    assert "<code>0123456789ab</code> (modified: the working tree differed" in dirty


def test_banner_states_question_date_and_data_and_escapes_them() -> None:
    banner = provenance.banner_html("Will <b>it</b> go?", "2 March 2019", "to 1 May 2019.")
    assert "Will &lt;b&gt;it&lt;/b&gt; go?" in banner
    assert "Forecast as of:</strong> 2 March 2019." in banner
    assert "Data as of:</strong> to 1 May 2019." in banner


def test_collect_reads_this_checkout() -> None:
    found = provenance.collect(Path(__file__).parent / "fixtures")
    assert len(found.commit) == 40 and int(found.commit, 16) >= 0
    assert len(found.build_date) == 10 and found.build_date[4] == "-"
    assert dict(found.packages)["numpy"][0].isdigit()

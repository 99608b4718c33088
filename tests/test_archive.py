"""The whole archive (../shared/sources/excerpts) in the graph: every statistic an excerpt
lists is a figure or claim of the source that stores that excerpt, with its quote, or is listed
in data/README.md's "Left out" table with why; every disagreement INDEX.md names is linked in
the graph. Everything is parsed from the excerpts, INDEX.md and data/README.md: nothing typed in."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, QB, RDF

from powgraph.config import Settings
from powgraph.model.qualifiers import Unit, numerals
from powgraph.namespaces import OA, POW
from powgraph.records import Data

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "sources" / "excerpts"
INDEX = EXCERPTS / "INDEX.md"
# one statistic: "- number: **X** | unit: ... | reference date/period: ... | qualifier: ..."
_STATISTIC = re.compile(
    r"^\s*- number: \*\*(?P<number>[^*]+)\*\* \| unit: (?P<unit>.*?) \| "
    r"reference date/period: (?P<period>.*?) \| qualifier: (?P<qualifier>.*)$"
)
_QUOTE = re.compile(r"^(?P<n>\d+)\. > (?P<text>.*)$")
# a digit group separator between digits: "1,500", "1 500", "1.500" (Macedonian)
_SEPARATOR = re.compile(r"(?<=\d)[,.\u00a0\u202f ](?=\d{3}(?!\d))")

# without the archive (a checkout of the repository alone) there is nothing to compare, except
# in CI, where a missing archive fails as tests/web/test_w3c.py's missing runner does
pytestmark = pytest.mark.skipif(
    not INDEX.is_file() and os.environ.get("CI") != "true", reason=f"no archive at {EXCERPTS}"
)


@dataclass(frozen=True)
class Statistic:
    """One statistic of an excerpt: the number as the excerpt writes it, under its quote."""

    file: str
    quote_number: int
    quote: str
    number: str
    unit: str


def _statistics(path: Path) -> list[Statistic]:
    found: list[Statistic] = []
    quote: re.Match[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := _QUOTE.match(line):
            quote = m
        elif (m := _STATISTIC.match(line)) and quote is not None:
            found.append(
                Statistic(path.name, int(quote["n"]), quote["text"], m["number"], m["unit"])
            )
    return found


def _excerpt_files() -> list[Path]:
    return sorted(p for p in EXCERPTS.glob("*.md") if p.name != INDEX.name)


def _index_total() -> int:
    """The number of statistics INDEX.md's header states ("249 individual statistics")."""
    m = re.search(r"(\d+) individual statistics", INDEX.read_text(encoding="utf-8"))
    assert m, "INDEX.md states no total of statistics"
    return int(m[1])


def _flat(text: str) -> str:
    """Text compared across copies: one space for any run of white space, NFC."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _readme_table(settings: Settings, heading: str) -> list[list[str]]:
    """The rows of the first table under ``heading`` in data/README.md, cells stripped."""
    text = (settings.data_dir / "README.md").read_text(encoding="utf-8")
    _, found, rest = text.partition(f"\n{heading}\n")
    assert found, f"data/README.md has no section {heading.strip('# ')!r}"
    rows = []
    for line in rest.splitlines():
        if line.startswith("#"):
            break
        if line.startswith("|") and not re.match(r"^\|[\s|:-]+\|$", line):
            rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows[1:]  # the header row


def _left_out(settings: Settings) -> set[tuple[str, str]]:
    """(excerpt file, number) of each statistic data/README.md lists as left out."""
    return {(row[0], row[1]) for row in _readme_table(settings, "### Left out")}


def test_the_excerpts_count_the_statistics_index_states() -> None:
    """INDEX.md's total is the sum of the statistics the excerpt files list (the duplicate
    Opserver copy included: INDEX counts it, and the graph records it as a variant)."""
    assert sum(len(_statistics(p)) for p in _excerpt_files()) == _index_total()


def _index_rows() -> dict[str, tuple[int, str]]:
    """INDEX.md's table rows: excerpt file -> (its statistics, its reliability grade)."""
    rows = re.findall(
        r"^\| \[([^\]]+\.md)\]\([^)]*\) \|(?:[^|]*\|){4} (\d+) \| ([^|]*) \|$",
        INDEX.read_text(encoding="utf-8"),
        re.M,
    )
    return {name: (int(stats), grade.strip()) for name, stats, grade in rows}


def test_each_excerpt_lists_the_statistics_its_header_and_index_state() -> None:
    index = _index_rows()
    assert sorted(index) == [p.name for p in _excerpt_files()]
    for path in _excerpt_files():
        header = re.search(r"^statistics: (\d+)$", path.read_text(encoding="utf-8"), re.M)
        assert header, path.name
        assert len(_statistics(path)) == int(header[1]) == index[path.name][0], path.name


def _sources_of(data: Data, settings: Settings) -> dict[str, set[str]]:
    """Excerpt file -> keys of the sources that store it as their text, and of the datasets
    it describes (the excerpt's url is in the repository the dataset's mapping names)."""
    found: dict[str, set[str]] = {}
    for sf in data.sources:
        name = Path(sf.source.text_path).name
        found.setdefault(name, set()).add(sf.source.key)
    for mapping in settings.data_dir.glob("datasets/*/mapping.yaml"):
        spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        repository = spec["file"].get("repository")
        for path in _excerpt_files():
            url = re.search(r"^url: (\S+)", path.read_text(encoding="utf-8"), re.M)
            if repository and url and url[1].startswith(f"{repository}/"):
                found.setdefault(path.name, set()).add(spec["source"]["key"])
    return found


@dataclass(frozen=True)
class Item:
    """A figure or claim of the graph, as the matching reads it: its printed value (a claim:
    none), its quote and the quote's language, our translation, the ordinals of its exchange."""

    iri: URIRef
    printed: str | None
    quote: str
    language: str
    translation: str
    ordinals: frozenset[Decimal]


def _items(graph: Graph, base_iri: str, source_key: str) -> list[Item]:
    dataset = URIRef(f"{base_iri}id/dataset/{source_key}")
    found = []
    for iri in {*graph.subjects(QB.dataSet, dataset), *graph.subjects(DCTERMS.isPartOf, dataset)}:
        quote = graph.value(iri, PROV.wasDerivedFrom)
        exact = graph.value(graph.value(quote, OA.hasSelector), OA.exact)
        printed = graph.value(iri, POW.printedValue)
        translation = graph.value(graph.value(quote, POW.translation), RDF.value)
        ordinals = graph.objects(graph.value(iri, POW.event), POW.numbering / POW.ordinalNumber)
        found.append(
            Item(
                iri,  # type: ignore[arg-type]
                None if printed is None else str(printed),
                str(exact),
                exact.language or "en",  # type: ignore[union-attr]
                str(translation or ""),
                frozenset(Decimal(str(n)) for n in ordinals),
            )
        )
    return found


def _wanted(number: str) -> list[Decimal] | None:
    """The excerpt's number as values ("60-90": both ends); None for a magnitude word."""
    try:
        return [Decimal(part) for part in re.split(r"(?<=\d)-(?=\d)", number)]
    except InvalidOperation:
        return None


def _in_quote(text: str, wanted: list[Decimal]) -> bool:
    """Whether a quote prints each number in digits (thousands separators ignored)."""
    digits = _SEPARATOR.sub("", text)
    return all(re.search(rf"(?<![\d.]){re.escape(str(w))}(?!\d|[.,]\d)", digits) for w in wanted)


def _matches(item: Item, stat: Statistic) -> bool:
    """The item is the statistic: its quote is in the statistic's numbered quote, and its printed
    value (read as the loader reads it) or, for a claim, its quote holds the number; a magnitude
    word is found in the printed value or our translation of the quote; an ordinal is the
    number of the exchange the figure counts in."""
    if _flat(item.quote).strip("{} ") not in _flat(stat.quote):
        return False
    wanted = _wanted(stat.number)
    if wanted is None:
        return any(stat.number.lower() in t.lower() for t in (item.printed or "", item.translation))
    if "ordinal" in stat.unit and all(w in item.ordinals for w in wanted):
        return True
    if item.printed is None:
        return _in_quote(item.quote, wanted)
    values = {n.value for n in numerals(item.printed, Unit.COUNT, item.language)}
    return all(w in values for w in wanted)


def test_every_statistic_is_in_the_graph_or_left_out_with_why(
    real_data: Data, real_graph: Graph, settings: Settings
) -> None:
    sources = _sources_of(real_data, settings)
    left_out = _left_out(settings)
    missing = []
    for path in _excerpt_files():
        items = [
            i
            for key in sources.get(path.name, ())
            for i in _items(real_graph, settings.base_iri, key)
        ]
        for stat in _statistics(path):
            found = any(_matches(item, stat) for item in items)
            listed = (stat.file, stat.number) in left_out
            if not found and not listed:
                missing.append(f"{stat.file} #{stat.quote_number}: {stat.number} ({stat.unit})")
            assert not (found and listed), (
                f"{stat.file}: {stat.number} is in the graph and left out"
            )
    assert not missing, "\n".join(missing)


def test_the_stored_excerpts_are_the_archive_s_files_unchanged(settings: Settings) -> None:
    """The loader and VerbatimQuoteShape find every quote in its stored copy; the copy is the
    archived excerpt byte for byte, so every quote is verbatim in the archive's file."""
    stored = sorted((settings.data_dir / "texts" / "excerpts").glob("*.md"))
    assert stored
    for path in stored:
        assert path.read_bytes() == (EXCERPTS / path.name).read_bytes(), path.name


def _duplicates() -> set[str]:
    """Excerpt files INDEX.md grades as duplicates ("duplicate - do not count separately")."""
    return {name for name, (_, grade) in _index_rows().items() if grade.startswith("duplicate")}


def test_duplicates_are_variants_of_what_they_copy(
    real_data: Data, real_graph: Graph, settings: Settings
) -> None:
    """A duplicate's statistics are figures of the graph, each a variant of another source's
    figure: one statement, counted once."""
    duplicates = _duplicates()
    assert duplicates
    sources = _sources_of(real_data, settings)
    for name in duplicates:
        (key,) = sources[name]
        figures = [i for i in _items(real_graph, settings.base_iri, key) if i.printed]
        assert len(figures) == len(_statistics(EXCERPTS / name)), name
        for item in figures:
            others = {*real_graph.objects(item.iri, POW.variantOf)}
            others |= {*real_graph.subjects(POW.variantOf, item.iri)}
            sources_of_others = {real_graph.value(other, QB.dataSet) for other in others}
            assert sources_of_others - {real_graph.value(item.iri, QB.dataSet)}, item.iri


def _bullets() -> list[str]:
    """The bullets of INDEX.md's "Discrepancies and definitional traps found"."""
    text = INDEX.read_text(encoding="utf-8")
    _, found, rest = text.partition("\n## Discrepancies and definitional traps found\n")
    assert found, "INDEX.md has no section of discrepancies"
    section = rest.split("\n## ", 1)[0]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


DISAGREEMENTS = "### Disagreements the archive names"  # the heading of its table in data/README.md
# how each link kind of the table is read in the graph: a property between two figures
_LINKS = {"conflicts_with": POW.conflictsWith, "variant_of": POW.variantOf}


def _figure(graph: Graph, base_iri: str, ref: str) -> URIRef:
    """The observation or claim ``source-key/figure-key`` names, as the graph has it."""
    for kind in ("observation", "claim"):
        iri = URIRef(f"{base_iri}id/{kind}/{ref}")
        if (iri, PROV.wasDerivedFrom, None) in graph:
            return iri
    raise AssertionError(f"no figure or claim {ref} in the graph")


def test_every_disagreement_index_names_has_a_row(settings: Settings) -> None:
    openings = [row[0] for row in _readme_table(settings, DISAGREEMENTS)]
    bullets = _bullets()
    assert bullets
    for bullet in bullets:
        rows = [opening for opening in openings if bullet.startswith(opening)]
        assert len(rows) == 1, f"INDEX.md bullet without one row in data/README.md: {bullet}"
    for opening in openings:
        assert any(b.startswith(opening) for b in bullets), f"row for no bullet: {opening}"


def test_every_disagreement_is_linked_in_the_graph(real_graph: Graph, settings: Settings) -> None:
    """Figures of a conflict or variant row are linked pairwise (either direction); each figure
    of an ambiguity row carries its ambiguity note."""
    rows = _readme_table(settings, DISAGREEMENTS)
    assert rows
    for opening, refs, kind in rows:
        figures = [_figure(real_graph, settings.base_iri, r.strip(" `")) for r in refs.split(",")]
        if kind == "ambiguity":
            for figure in figures:
                assert real_graph.value(figure, POW.ambiguity), f"{opening}: {figure}"
            continue
        link = _LINKS[kind]
        assert len(figures) >= 2, opening
        for i, a in enumerate(figures):
            for b in figures[i + 1 :]:
                assert (a, link, b) in real_graph or (b, link, a) in real_graph, (opening, a, b)

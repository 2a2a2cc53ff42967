"""The national report format, loaded once from ``national.yaml``.

Everything that needs to know a label, an id, a row order or which rows a version has asks
this module; nothing else in the code base spells out the format.
"""

from __future__ import annotations

from functools import cached_property

from gongkai.records import field, record
from gongkai.shipped import shipped_data

VERSIONS = ("2019", "2021")


@record(frozen=True)
class Column:
    id: str
    label: str
    variants: tuple[str, ...] = ()
    decimal: bool = False
    group: str | None = None
    short: str = ""  # the narrow views' form of a long label ("" when the label is short)


@record(frozen=True)
class Row:
    id: str
    label: str
    core: str = ""
    group: str | None = None
    variants: tuple[str, ...] = ()
    short: str = ""  # the narrow views' form of a long label ("" when the label is short)


@record(frozen=True)
class Table2Group:
    id: str
    label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@record(frozen=True)
class SectionSpec:
    no: int
    title: str
    keywords: tuple[str, ...]
    variants: tuple[str, ...]


@record(frozen=True)
class Table4Group:
    id: str
    label: str
    parent: str | None = None


def _column(d: dict) -> Column:
    return Column(d["id"], d["label"], tuple(d.get("variants", ())), bool(d.get("decimal")), d.get("group"),
                  d.get("short", ""))


def _row(d: dict) -> Row:
    return Row(d["id"], d["label"], d.get("core", d["label"]), d.get("group"), tuple(d.get("variants", ())),
               d.get("short", ""))


@record(frozen=True)
class NationalFormat:
    tables: dict[str, tuple[str, str]]  # table2 -> (表二, 主动公开政府信息情况)
    sections: tuple[SectionSpec, ...]
    table2: dict[str, tuple[Table2Group, ...]]
    table2_version_markers: dict[str, tuple[str, ...]]
    table3_note: str
    table3_columns: tuple[Column, ...]
    table3_rows: dict[str, Row]
    table3_layouts: dict[str, tuple[str, ...]]
    table3_outcome_rows: tuple[str, ...]
    table3_outcome_group_label: str
    table3_header_markers: tuple[str, ...]
    table4_groups: tuple[Table4Group, ...]
    table4_columns: tuple[Column, ...]
    table4_header_markers: tuple[str, ...]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # -- table 2 -----------------------------------------------------------------------
    def table2_group(self, version: str, group_id: str) -> Table2Group:
        for group in self.table2[version]:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def table2_rows(self, version: str) -> list[tuple[Table2Group, Row]]:
        """Every data row of table 2 in printed order, with its group."""
        return [(g, r) for g in self.table2[version] for r in g.rows]

    def table2_columns(self, version: str, row_key: str) -> tuple[Column, ...]:
        """Columns of a table-2 row, by its key ``art20_1.rules``."""
        group_id = row_key.split(".", 1)[0]
        return self.table2_group(version, group_id).columns

    # -- table 3 -----------------------------------------------------------------------
    @cached_property
    def table3_column_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.table3_columns)

    def table3_layout(self, version: str) -> tuple[str, ...]:
        return self.table3_layouts[version]

    # -- table 4 -----------------------------------------------------------------------
    @cached_property
    def table4_column_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.table4_columns)

    @cached_property
    def table4_cell_order(self) -> tuple[tuple[str, str], ...]:
        """(group, column) pairs in the printed left-to-right order of the data row."""
        return tuple((g.id, c.id) for g in self.table4_groups for c in self.table4_columns)

    # -- all cells ---------------------------------------------------------------------
    def expected_cells(self, version: str, table3_layout: str | None = None) -> list[str]:
        """Flat ids of every cell a complete report of ``version`` has."""
        cells = [
            f"table2.{g.id}.{r.id}.{c.id}" for g, r in self.table2_rows(version) for c in g.columns
        ]
        layout = self.table3_layout(table3_layout or version)
        cells += [f"table3.{r}.{c}" for r in layout for c in self.table3_column_ids]
        cells += [f"table4.{g}.{c}" for g, c in self.table4_cell_order]
        return cells

    @cached_property
    def all_cells(self) -> dict[str, str]:
        """Every cell id of every format version and table-3 layout (docs/schema.md), grouped by
        table (the 2021 cells in printed order, then the 2019-only ones) -> the first version
        that has it."""
        seen: dict[str, str] = {}
        for version in VERSIONS[::-1]:
            for layout in VERSIONS[::-1]:
                for cell_id in self.expected_cells(version, layout):
                    seen.setdefault(cell_id, version)
        return dict(sorted(seen.items(), key=lambda kv: kv[0].split(".", 1)[0]))


def _load() -> NationalFormat:
    data = shipped_data(__package__, "national.yaml")
    t3 = data["table3"]
    t4 = data["table4"]
    return NationalFormat(
        tables={k: (v["name"], v["title"]) for k, v in data["tables"].items()},
        sections=tuple(
            SectionSpec(s["number"], s["title"], tuple(s["keywords"]), tuple(s.get("variants", ())))
            for s in data["sections"]
        ),
        table2={
            version: tuple(
                Table2Group(
                    g["id"], g["label"], tuple(_column(c) for c in g["columns"]),
                    tuple(_row(r) for r in g["rows"]),
                )
                for g in groups
            )
            for version, groups in data["table2"].items()
        },
        table2_version_markers={k: tuple(v) for k, v in data["table2_version_markers"].items()},
        table3_note=t3["note"],
        table3_columns=tuple(_column(c) for c in t3["columns"]),
        table3_rows={r["id"]: _row(r) for r in t3["rows"]},
        table3_layouts={k: tuple(v) for k, v in t3["layouts"].items()},
        table3_outcome_rows=tuple(t3["outcome_rows"]),
        table3_outcome_group_label=t3["outcome_group_label"],
        table3_header_markers=tuple(t3["header_markers"]),
        table4_groups=tuple(Table4Group(g["id"], g["label"], g.get("parent")) for g in t4["groups"]),
        table4_columns=tuple(_column(c) for c in t4["columns"]),
        table4_header_markers=tuple(t4["header_markers"]),
    )


FORMAT = _load()

__all__ = ["FORMAT", "VERSIONS", "NationalFormat", "Column", "Row", "Table2Group", "SectionSpec"]

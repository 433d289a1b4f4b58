"""Sources read partitions: a list of files, or a pattern listed when the source runs."""

import pytest
from lester.abstraction.errors import SourceError

import lester as lt


def _folder(tmp_path, days):
    folder = tmp_path / "tx"
    folder.mkdir()
    for day, amount in days:
        (folder / f"2024-03-{day}.tsv").write_text(f"cust\tamount\nc{day}\t{amount}\n")
    (folder / "notes.txt").write_text("not a partition\n")
    return folder


def test_a_pattern_reads_the_matching_files_in_sorted_order_with_their_names(tmp_path):
    folder = _folder(tmp_path, [("03", 3.0), ("01", 1.0), ("02", 2.0)])
    frame = lt.read_csv(f"{folder}/*.tsv", sep="\t", file_column="file", source="tx")
    data = frame.data
    assert list(data.columns) == ["cust", "amount", "file"]
    assert data["amount"].tolist() == [1.0, 2.0, 3.0]
    assert data["file"].tolist() == ["2024-03-01.tsv", "2024-03-02.tsv", "2024-03-03.tsv"]
    (folder / "2024-03-04.tsv").write_text("cust\tamount\nc04\t4.0\n")
    again = lt.read_csv(f"{folder}/*.tsv", sep="\t", source="tx").data
    assert again["amount"].tolist() == [1.0, 2.0, 3.0, 4.0]  # listed when it runs
    assert "file" not in again.columns


def test_a_pattern_that_matches_nothing_names_the_source_and_the_pattern(tmp_path):
    with pytest.raises(SourceError, match=r"source 'tx': no file matches '.*\*\.tsv'"):
        lt.read_csv(f"{tmp_path}/*.tsv", source="tx")


def test_json_partitions_take_a_file_column_too(tmp_path):
    for day in ("02", "01"):
        (tmp_path / f"e{day}.jsonl").write_text(f'{{"day": {int(day)}}}\n')
    data = lt.read_json(f"{tmp_path}/e*.jsonl", file_column="part").data
    assert data["day"].tolist() == [1, 2]
    assert data["part"].tolist() == ["e01.jsonl", "e02.jsonl"]

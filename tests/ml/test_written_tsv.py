"""Writers' slices read into row types and written back with a header, for both written sets."""

from __future__ import annotations

from pathlib import Path

from ml.dialogue import companion
from ml.emotion import chat
from ml.written_tsv import read_slice, write


def test_slices_round_trip_through_the_committed_readers(tmp_path: Path) -> None:
    for module, row_type in ((chat, chat.ChatMessage), (companion, companion.Exchange)):
        rows = module.load("heldout")[:5]  # type: ignore[attr-defined]
        slice_file = tmp_path / "slice.tsv"
        lines = ["\t".join(str(v) for v in vars_of(r)) for r in rows]
        slice_file.write_text("\n".join([*lines, "too\tfew", ""]), encoding="utf-8")
        got = read_slice(slice_file, row_type)
        assert got == rows  # the short line is left out
        out = tmp_path / "out.tsv"
        write(got, module.COLUMNS, out)  # type: ignore[attr-defined]
        assert list(module.read(out)) == rows  # type: ignore[attr-defined]


def vars_of(row: object) -> list[str]:
    from dataclasses import astuple

    return list(astuple(row))  # type: ignore[call-overload]


def test_read_checked_keeps_passing_rows_and_names_the_others(tmp_path: Path) -> None:
    from dataclasses import replace

    from ml.dialogue.companion_check import row_problems
    from ml.written_tsv import read_checked

    good = companion.load("train")[0]
    bad = replace(good, id="en-x-0001", reply="Congrats [NAME]!")  # a placeholder
    slice_file = tmp_path / "slice.tsv"
    slice_file.write_text("\n".join("\t".join(vars_of(r)) for r in (good, bad)), encoding="utf-8")
    rows, dropped = read_checked([slice_file], companion.Exchange, row_problems)
    assert rows == [good]
    assert len(dropped) == 1 and dropped[0].startswith("en-x-0001: ")


def test_merge_keeps_a_shared_reply_in_one_split(tmp_path: Path) -> None:
    """Round 3's groups (three messages, one reply) are held out or kept whole."""
    from dataclasses import replace

    from ml.dialogue.companion_check import merge

    base = companion.load("train")[0]
    lines = []
    for g in range(40):
        for k, text in enumerate(
            ("my boss yelled at me", "boss shouted at me in front of everyone", "got yelled at by my manager")
        ):
            row = replace(
                base,
                id=f"en-gt-{g:04d}-{'abc'[k]}",
                prev_user="",
                prev_bot="",
                message=f"{text} ({g} {k})",
                reply=f"Being yelled at like that stings, number {g}.",
            )
            lines.append("\t".join(vars_of(row)))
    slice_file = tmp_path / "slice.tsv"
    slice_file.write_text("\n".join(lines), encoding="utf-8")
    train, held, _ = merge([slice_file])
    assert held and train
    assert not {r.reply for r in train} & {r.reply for r in held}

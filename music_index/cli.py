"""``happytalk index build|demo|stats``, ``happytalk recommend``, ``happytalk similar``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from config import EMOTIONS
from config.cli import group, settings_or_exit
from music_index.track import LibraryNotReady, Suggestion

if TYPE_CHECKING:
    from music_index.library import MusicLibrary


def _print_suggestions(suggestions: list[Suggestion], as_json: bool) -> None:
    if as_json:
        tracks = [
            {
                "id": s.track.id,
                "title": s.track.title,
                "artist": s.track.artist,
                "emotion": s.track.emotion,
                "reason": s.reason,
            }
            for s in suggestions
        ]
        click.echo(json.dumps({"tracks": tracks}, ensure_ascii=False))
        return
    for s in suggestions:
        click.echo(f"{s.track.id}  {s.track.title} — {s.track.artist} [{s.track.emotion}]  ({s.reason})")


def _open_library() -> MusicLibrary:
    from music_index.library import MusicLibrary

    settings = settings_or_exit()
    try:
        return MusicLibrary.open(settings.data_dir, settings.music)
    except LibraryNotReady as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@click.command("build")
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option("--workers", type=int, default=None, help="Worker processes (default: settings).")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build_cmd(catalog: Path, workers: int | None, as_json: bool) -> None:
    """Index the tracks listed in CATALOG (CSV or JSON lines)."""
    from music_index.build import BuildError, build_index
    from music_index.catalog import CatalogError

    settings = settings_or_exit()
    music = settings.music if workers is None else settings.music.model_copy(update={"workers": workers})
    try:
        report = build_index(catalog, settings.data_dir, music, progress=not as_json)
    except (CatalogError, BuildError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    click.echo(f"indexed {report.indexed} tracks into {settings.data_dir / 'index'}")
    click.echo(
        f"features: {report.extracted} read, {report.cached} from cache; "
        f"decode {report.decode_s:.1f} s, features {report.features_s:.1f} s (CPU, summed), "
        f"wall {report.extract_wall_s:.1f} s; total {report.total_s:.1f} s"
    )
    if report.inferred:
        click.echo(f"emotion inferred for {len(report.inferred)} untagged tracks")
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)}:")
        for p in report.skipped:
            click.echo(f"  {p.where}: {p.reason}")


@click.command("demo")
def demo_cmd() -> None:
    """Synthesise the demo library and index it."""
    from music_index.build import build_index
    from music_index.demo import write_demo_library

    settings = settings_or_exit()
    catalog = write_demo_library(settings.data_dir)
    report = build_index(catalog, settings.data_dir, settings.music)
    click.echo(f"demo library: {report.indexed} tracks indexed from {catalog} in {report.total_s:.1f} s")


@click.command("stats")
@click.option("--json", "as_json", is_flag=True)
def stats_cmd(as_json: bool) -> None:
    """Show what the current index holds."""
    stats = _open_library().stats()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    for key, value in stats.items():
        click.echo(f"{key}: {value}")


@click.command("recommend")
@click.option("--emotion", "-e", required=True, type=click.Choice(EMOTIONS))
@click.option("-k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--seed", type=int, default=None, help="Fix the random variety.")
@click.option("--json", "as_json", is_flag=True)
def recommend_cmd(emotion: str, k: int, seed: int | None, as_json: bool) -> None:
    """Recommend K tracks for an emotion."""
    _print_suggestions(_open_library().recommend(emotion, k, seed=seed), as_json)


@click.command("similar")
@click.argument("track_id")
@click.option("-k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True)
def similar_cmd(track_id: str, k: int, as_json: bool) -> None:
    """K tracks that sound like TRACK_ID."""
    library = _open_library()
    try:
        suggestions = library.similar(track_id, k)
    except KeyError:
        click.echo(f"error: no track with id {track_id!r} (see `happytalk recommend`)", err=True)
        sys.exit(1)
    _print_suggestions(suggestions, as_json)


@click.command("index")
@click.option("--sizes", default="10000,100000,1000000", show_default=True)
@click.option("--queries", default=1000, show_default=True, type=click.IntRange(10, 100000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per setting.")
def bench_cmd(sizes: str, queries: int, as_json: bool) -> None:
    """Annoy build time, size, query latency and recall@10 vs exact search."""
    from music_index.benchmark import main as bench_main

    try:
        parsed = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(
            "comma-separated integers, e.g. 10000,100000", param_hint="--sizes"
        ) from None
    if not parsed or min(parsed) < 100:
        raise click.BadParameter("sizes must be ≥ 100", param_hint="--sizes")
    bench_main(parsed, queries, as_json)


@click.command("music-features")
@click.argument("catalog", type=click.Path(path_type=Path))
def eval_features_cmd(catalog: Path) -> None:
    """Compare feature blocks on CATALOG's tagged tracks (emotion accuracy, neighbour agreement)."""
    from music_index.catalog import CatalogError
    from music_index.feature_eval import evaluate

    settings = settings_or_exit()
    try:
        rows = evaluate(catalog, settings.data_dir, settings.music)
    except (CatalogError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for row in rows:
        click.echo(json.dumps(row))


def register(root: click.Group) -> None:
    """Add the music commands to ``happytalk``."""
    index = group(root, "index")
    for cmd in (build_cmd, demo_cmd, stats_cmd):
        index.add_command(cmd)
    group(root, "bench").add_command(bench_cmd)
    group(root, "eval").add_command(eval_features_cmd)
    root.add_command(recommend_cmd)
    root.add_command(similar_cmd)

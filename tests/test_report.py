"""`synthsocial report`: a self-contained HTML page, readable PNGs and metrics.json."""

from __future__ import annotations

import json
import os
import re

from synthsocial.cli import main


def test_report_files(tmp_path, capsys):
    world = tmp_path / "w"
    assert main(["generate", "-n", "400", "-s", "1", "-o", str(world)]) == 0
    assert main(["report", str(world)]) == 0
    html = (world / "report.html").read_text()
    figures = sorted(os.listdir(world / "figures"))
    assert figures == [
        "community_network.png",
        "degree_distributions.png",
        "homophily.png",
        "metrics_vs_reference.png",
        "ned_contributions.png",
    ]
    for f in figures:
        assert (world / "figures" / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert html.count("data:image/png;base64,") == len(figures)
    assert not re.search(r'src="(?!data:)', html), "external resource in a self-contained report"
    for text in ("normalized ASPL", "NED", "The largest communities", "occupation", "40-user world"):
        assert text in html, text
    metrics = json.loads((world / "metrics.json").read_text())
    assert metrics["graph"]["nodes"] == 400 and "ned" in metrics
    assert not [p for p in os.listdir(world) if p.startswith(".report")], "temporary files left"


def test_small_world_is_drawn_whole_and_bad_directory(tmp_path, capsys):
    world = tmp_path / "small"
    assert main(["generate", "-n", "50", "-o", str(world)]) == 0
    assert main(["report", str(world)]) == 0
    assert "the whole world (50 users)" in (world / "report.html").read_text()
    capsys.readouterr()
    assert main(["report", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err
    assert "not a directory" in err and err.count("\n") == 1


def test_report_of_a_streamed_profile(tmp_path):
    """A world too large for memory is measured streamed: no modularity, no communities, no
    homophily; the report draws what was measured and says modularity was not computed."""
    from synthsocial import generate
    from synthsocial.metrics import EvaluateOptions, Profile
    from synthsocial.metrics.targets import evaluate_paths
    from synthsocial.report.html import build_report

    world = tmp_path / "w"
    generate(300, seed=2, out=world)
    streamed = evaluate_paths([world], "bluesky", EvaluateOptions(seed=0), streaming=True)[0]
    assert streamed.metrics["modularity"] is None and streamed.communities is None
    page = build_report(world, result=Profile.from_dict(streamed.to_dict())).read_text()
    assert "not computed" in page and "homophily.png" not in os.listdir(world / "figures")
    assert "metrics.json" not in os.listdir(world), "a report given a result must not write metrics.json"


def test_degree_plot_shows_a_graph_reference_and_a_built_in_target_shape(tmp_path):
    import numpy as np

    from synthsocial.report import plots
    from synthsocial.report.html import _reference_degrees

    ref_file = tmp_path / "ref.txt"
    ref_file.write_text("0 1\n2 1\n3 1\n1 0\n")
    reference, shape = _reference_degrees(str(ref_file))
    assert shape is None and reference[0] == "ref.txt" and reference[2].tolist() == [1, 3, 0, 0]
    reference_bs, shape_bs = _reference_degrees("Bluesky")
    assert reference_bs is None and shape_bs["in_gini_min"] == 0.6

    rng = np.random.default_rng(0)
    out_deg, in_deg = rng.integers(1, 50, 500), rng.pareto(1.2, 500).astype(int) + 1
    fig = plots.degree_distributions(out_deg, in_deg, True, reference, None)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("ref.txt in") for t in labels) and any(t.startswith("ref.txt out") for t in labels)
    fig = plots.degree_distributions(out_deg, in_deg, True, None, shape_bs)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "in-degree Gini" in text and "(target >= 0.6)" in text and "(target >= 100)" in text


def test_report_with_seeds_shows_the_spread_of_every_metric(tmp_path, capsys):
    world = tmp_path / "w"
    assert main(["generate", "-n", "300", "-s", "4", "-o", str(world)]) == 0
    assert main(["report", str(world), "--seeds", "3"]) == 0
    html = (world / "report.html").read_text()
    assert "Across seeds" in html and "mean of 3 worlds" in html and "seeds 5-7" in html
    table = html.split("Across seeds", 1)[1].split("</table>", 1)[0]
    from synthsocial.metrics import reference_profile
    from synthsocial.metrics.ensemble import EXTRA

    scalars = [k for k, v in reference_profile("bluesky")["metrics"].items() if isinstance(v, (int, float))]
    assert table.count("<tr>") == 1 + len(scalars) + len(set(EXTRA) - set(scalars))  # the header, then a metric a row
    assert "reciprocity" in table and "in-degree Gini" in table
    capsys.readouterr()
    assert main(["report", str(world), "--seeds", "1"]) != 0
    err = capsys.readouterr().err
    assert "--seeds 1 is not accepted" in err and err.count("\n") == 1

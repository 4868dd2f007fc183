"""Each figure of the chapter "What the readers saw" returns a matplotlib Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from microcalc.figures import phantom as figs  # noqa: E402
from microcalc.study import phantom  # noqa: E402

ROW = {
    "participant_id": "P900",
    "malignant": 1,
    "histology": "dcis",
    "lesion_size_mm": 7.0,
    "calcification_pattern": "clustered",
    "elasticity_kpa": 85.0,
    "elasticity_max_kpa": 101.0,
    "strain_ratio": 2.3,
    "elasticity_score": 4,
    "birads": 4,
    "age_years": 52.0,
}


@pytest.fixture(scope="module")
def lesion():
    return phantom.lesion_phantom(ROW, seed=1)


def test_elastography_screen(lesion):
    fig = figs.elastography_screen(lesion, title=figs.screen_caption(lesion, ROW))
    assert isinstance(fig, plt.Figure)
    assert "85.0 kPa" in figs.screen_caption(lesion, ROW)
    plt.close(fig)


def test_strain_score_panels(lesion):
    panels = [(lesion, phantom.strain_elastogram(lesion, s)) for s in (1, 3, 5)]
    fig = figs.strain_score_panels(panels, labels=["a", "b", "c"])
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
    with pytest.raises(ValueError, match="labels"):
        figs.strain_score_panels(panels, labels=["a"])


def test_roi_bias_plot():
    table = phantom.roi_bias_table(50.0, [0.0, 0.1], n_maps=3)
    fig = figs.roi_bias_plot(table, true_kpa=50.0)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_participant_flow_diagram(default_cohort):
    flow = phantom.participant_flow(default_cohort.lesions, cutoff_kpa=62.0)
    fig = figs.participant_flow_diagram(flow, footnote="note", follow_up_mark="*")
    assert isinstance(fig, plt.Figure)
    plt.close(fig)


def test_swe_colour_stops_span_the_scale():
    positions = [p for p, _, _ in figs.SWE_COLOUR_STOPS]
    assert positions[0] == 0 and positions[-1] == 1 and positions == sorted(positions)
    assert figs.SWE_SCALE_KPA == (0.0, 180.0)


def test_swe_colour_name_follows_the_stops():
    assert figs.swe_colour_name(-5.0) == "dark blue"
    assert figs.swe_colour_name(1e6) == "red"
    yellow = next(p for p, _, name in figs.SWE_COLOUR_STOPS if name == "yellow")
    assert figs.swe_colour_name(yellow * figs.SWE_SCALE_KPA[1]) == "yellow"

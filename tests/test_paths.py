"""Where chapters find their data: the committed cohort, or $MICROCALC_LESIONS."""

import pytest

from microcalc import paths


def test_default_is_the_committed_cohort(monkeypatch, root):
    monkeypatch.delenv(paths.LESIONS_VARIABLE, raising=False)
    assert paths.lesions_path() == root / "data" / "lesions.csv"
    assert paths.measurements_path() == root / "data" / "measurements.csv"
    assert paths.using_committed_data()
    assert paths.repository_data_dir() == root / "data"


def test_environment_variable_points_elsewhere(monkeypatch, tmp_path):
    table = tmp_path / "lesions.csv"
    table.write_text("participant_id,malignant,elasticity_kpa\n")
    monkeypatch.setenv(paths.LESIONS_VARIABLE, str(table))
    assert paths.lesions_path() == table.resolve()
    assert paths.measurements_path() is None
    assert not paths.using_committed_data()
    (tmp_path / "measurements.csv").write_text("participant_id\n")
    assert paths.measurements_path() == tmp_path / "measurements.csv"


def test_a_path_that_is_not_a_file_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.LESIONS_VARIABLE, str(tmp_path / "missing.csv"))
    with pytest.raises(ValueError, match="MICROCALC_LESIONS"):
        paths.lesions_path()

"""The config object: paper defaults, validation with one-line messages, file loading."""

from __future__ import annotations

import json

import pytest

from synthsocial.config import GeneratorConfig
from synthsocial.errors import ConfigError, InputError


def test_defaults_are_table_iii_best_row():
    links = GeneratorConfig().links
    assert (
        links.eta0,
        links.kappa,
        links.delta0,
        links.lambda_,
        links.delta_cap,
        links.zeta,
        links.alpha,
        links.beta,
    ) == (
        0.05,
        0.10,
        0.20,
        3.5,
        0.42,
        36.0,
        0.16,
        0.06,
    )
    assert links.temperature == 0.5 and links.theta == 0.6


def test_round_trip():
    cfg = GeneratorConfig.from_dict({"links": {"lambda": 2.5, "triadic_scope": "undirected"}, "block_size": 100})
    again = GeneratorConfig.from_dict(cfg.to_dict())
    assert again == cfg and again.links.lambda_ == 2.5


@pytest.mark.parametrize(
    "data, fragments",
    [
        ({"links": {"delta0": 1.7}}, ["links.delta0", "1.7", "less than or equal to 1"]),
        ({"population": {"trait_p": {"Openness": 1.7}}}, ["population.trait_p.Openness", "1.7"]),
        ({"links": {"foo": 1}}, ["unknown key 'links.foo'", "alpha"]),
        ({"colour": "red"}, ["unknown key 'colour'", "population"]),
        ({"population": {"age_band_p": [0.5, 0.6, 0, 0, 0, 0, 0]}}, ["age_band_p", "sum to 1"]),
        ({"population": {"gender_p": {"robot": 1.0}}}, ["robot", "female"]),
        ({"population": {"interests_per_user": [0, 3]}}, ["interests_per_user", "1 <= low"]),
        ({"homophily": {"weights": [1, 1, 1]}}, ["weights", "8 dimensions"]),
        ({"links": {"triadic_scope": "sideways"}}, ["triadic_scope", "sideways"]),
        ({"block_size": 0}, ["block_size", "0"]),
    ],
)
def test_bad_values_give_one_line_naming_key_and_value(data, fragments):
    with pytest.raises(ConfigError) as exc:
        GeneratorConfig.from_dict(data)
    msg = str(exc.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, (f, msg)


def test_files(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text("[links]\nalpha = 0.25\n[population]\ninterests_per_user = [2, 4]\n")
    cfg = GeneratorConfig.from_file(toml)
    assert cfg.links.alpha == 0.25 and cfg.population.interests_per_user == (2, 4) and cfg.dimensions == 7
    js = tmp_path / "c.json"
    js.write_text(json.dumps({"links": {"beta": 0.1}}))
    assert GeneratorConfig.from_file(js).links.beta == 0.1
    with pytest.raises(ConfigError, match="unknown format '.yaml'"):
        GeneratorConfig.from_file(tmp_path / "c.yaml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[links\nalpha=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        GeneratorConfig.from_file(bad)
    with pytest.raises(InputError, match="cannot be read"):
        GeneratorConfig.from_file(tmp_path / "missing.toml")


def test_maps_dir_is_relative_to_the_config_file(tmp_path):
    sub = tmp_path / "cfgs"
    sub.mkdir()
    (sub / "c.toml").write_text('[homophily]\nmaps_dir = "my_maps"\n')
    assert GeneratorConfig.from_file(sub / "c.toml").homophily.maps_dir == str(sub / "my_maps")

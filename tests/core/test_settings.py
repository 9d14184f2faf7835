"""Settings typed as text: the one reader behind both the command line and the app's forms."""

import pytest

from core import bandit, minmax
from core.errors import InvalidSetting
from core.gan import settings as gan
from core.settings import find, format_value, parse_text


def test_lists_read_commas_or_spaces_and_a_word_for_none():
    q = find(bandit.SETTINGS, "q")
    assert parse_text(q, " 1, 0.9 0.1 ") == (1.0, 0.9, 0.1)
    assert parse_text(q, "draw") is None and parse_text(q, "") is None
    assert format_value(q, None) == "draw" and format_value(q, (1.0, 0.5)) == "1, 0.5"
    with pytest.raises(InvalidSetting) as refused:
        parse_text(q, "1,x")
    assert refused.value.field == "q" and "or 'draw' (got '1,x')" in refused.value.message


def test_snapshot_epochs_read_the_same_with_commas_or_spaces():
    epochs = find(gan.SETTINGS, "sample_epochs")
    for text in ("1 10 30", "1,10,30", "1, 10, 30"):
        assert parse_text(epochs, text) == (1, 10, 30)
    assert parse_text(epochs, "") == ()
    with pytest.raises(InvalidSetting, match="whole epoch numbers"):
        parse_text(epochs, "1.5")


def test_an_optional_setting_left_blank_takes_its_default():
    lr_d = find(gan.SETTINGS, "lr_d")
    assert parse_text(lr_d, "  ") is None and format_value(lr_d, None) == ""
    assert parse_text(lr_d, "2e-4") == 2e-4 and format_value(lr_d, 2e-4) == "0.0002"


def test_a_setting_may_say_what_is_typed_there():
    start = find(minmax.SETTINGS, "start")
    assert format_value(start, (1.0, -0.5)) == "1,-0.5"
    with pytest.raises(InvalidSetting, match=r"must be two numbers x,y such as 1,1 \(got '1;1'\)"):
        parse_text(start, "1;1")


@pytest.mark.parametrize("schema, config", [(gan.SETTINGS, gan.GanConfig()), (bandit.SETTINGS, bandit.BanditConfig()),
                                            (minmax.SETTINGS, minmax.SaddleConfig())], ids=["gan", "bandit", "saddle"])
def test_every_default_reads_back_as_itself(schema, config):
    for setting in schema:
        if setting.kind not in ("flag", "choice"):
            value = getattr(config, setting.name)
            assert parse_text(setting, format_value(setting, value)) == value, setting.name

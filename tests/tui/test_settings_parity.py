"""The command line and the app's forms read every setting the same way: both are built from one schema per lab.

For each setting of each lab: it is an option and a field; a good text gives the same value in both; a bad
one makes the command line exit 2 naming the option, and the form show the same words at the field.
"""

import dataclasses

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from core.adder import SETTINGS as ADDER_SETTINGS, AdderConfig
from core.bandit import SETTINGS as BANDIT_SETTINGS, BanditConfig
from core.gan.config import GanConfig
from core.gan.settings import SETTINGS as GAN_SETTINGS
from core.minmax import SETTINGS as SADDLE_SETTINGS, SaddleConfig
from core.settings import Setting, format_value
from tests.tui.conftest import text_of
from tui.app import GanTuiApp
from tui.cli import build_parser, main
from tui.commands import LAB_COMMANDS
from tui.widgets.config_form import ConfigForm
from tui.widgets.float_slider import FloatSlider

LABS = {"gan": (GAN_SETTINGS, GanConfig), "bandit": (BANDIT_SETTINGS, BanditConfig),
        "saddle": (SADDLE_SETTINGS, SaddleConfig), "adder": (ADDER_SETTINGS, AdderConfig)}
OWN_EDITORS = {"adder": {"weights"}}  # config fields with a widget and options of their own, not one typed text
GOOD_TEXT = {  # where the rule in good_text() would not give a valid value
    ("gan", "data_dir"): "some/folder",
    ("gan", "classifier"): "some/evaluator.pt",
    ("gan", "sample_epochs"): "2 5",
    ("bandit", "q"): "1 2 3 4 5 6 7 8 9 10",
    ("bandit", "theta"): "0, 0, 5, 0, 0, 0, 0, 0, 0, 0",
    ("bandit", "compare_eta"): "0.2,0.3",
    ("saddle", "start"): "0.5 -2",
    ("adder", "a"): "101",  # binary, as the adder starts
    ("adder", "b"): "1_1",
}
BAD_TEXTS = {"int": ("many", "-1"), "float": ("abc", "nan"), "list": ("1,x",), "epochs": ("1,x", "0")}


def good_text(lab: str, setting: Setting, config) -> str:
    """A valid text that differs from the default, so that reading it changes something."""
    if (lab, setting.name) in GOOD_TEXT:
        return GOOD_TEXT[lab, setting.name]
    value = getattr(config, setting.name)
    if setting.kind == "int":
        return str((value or 1) + 1)
    if setting.kind == "float":
        return format_value(setting, value / 2 if value else 0.5)
    return next(choice for choice in reversed(setting.choices) if choice != value)


def cli_config(lab: str, *argv: str):
    parser, _ = build_parser()
    args = parser.parse_args([lab, "--headless", *argv])
    return next(command for command in LAB_COMMANDS if command.NAME == lab).config_from_args(args)


def cli_refusal(capsys, lab: str, setting: Setting, text: str) -> str:
    """What the command line says about `text`, after the option's name; it must exit 2."""
    with pytest.raises(SystemExit) as exit_info:
        main([lab, "--headless", f"{setting.option}={text}"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"error: {setting.option}: " in error, error
    return error.split(f"{setting.option}: ", 1)[1]


class FormOnly(App):
    def __init__(self, settings, config) -> None:
        super().__init__()
        self.settings, self.config = settings, config

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield ConfigForm(self.settings, self.config)


def app_for(lab: str) -> App:
    settings, config_class = LABS[lab]
    if lab == "gan":
        return FormOnly(settings, config_class())
    return GanTuiApp(initial_tab=lab, configs={lab: config_class()})  # the pane's form, from the same defaults


def form_of(app, lab: str) -> ConfigForm:
    return app.query_one(ConfigForm) if lab == "gan" else app.query_one(f"#{lab}-pane").query_one(ConfigForm)


def field_of(app, lab: str, setting: Setting):
    return form_of(app, lab).query_one(f"#f-{setting.name}")


async def enter(pilot, lab: str, setting: Setting, value) -> None:
    field = field_of(pilot.app, lab, setting)
    field.value = float(value) if isinstance(field, FloatSlider) else value  # a slider is dragged, not typed
    await pilot.pause()


def form_state(app, lab: str) -> tuple[object, str]:
    """The config the form holds now (the pane's, where there is a pane), and every error it shows."""
    form = form_of(app, lab)
    config = form.config if lab == "gan" else app.query_one(f"#{lab}-pane").config
    return config, "\n".join(text_of(form, f"#e-{name}") for name in form.errors)


def test_every_config_field_is_a_setting_of_its_lab():
    for lab, (settings, config_class) in LABS.items():
        fields = sorted(field.name for field in dataclasses.fields(config_class)
                        if field.name not in OWN_EDITORS.get(lab, ()))
        assert sorted(setting.name for setting in settings) == fields


def read_alike_on_the_command_line(capsys, lab: str, setting: Setting):
    """What the command line makes of a good text (the value and the text the form is given) and of each bad one."""
    _, subparsers = build_parser()
    assert setting.option in subparsers[lab].format_help()
    base = LABS[lab][1]()
    if setting.kind == "flag":
        entered, from_cli = True, cli_config(lab, setting.option)
    else:
        text = good_text(lab, setting, base)
        entered, from_cli = text, cli_config(lab, f"{setting.option}={text}")
    if setting.kind == "choice":  # the form offers the choices only
        assert "'nope'" in cli_refusal(capsys, lab, setting, "nope")
    refusals = {bad: cli_refusal(capsys, lab, setting, bad) for bad in BAD_TEXTS.get(setting.kind, ())}
    return base, entered, getattr(from_cli, setting.name), refusals


async def form_reads_alike(pilot, lab: str, setting: Setting, base, entered, wanted, refusals) -> None:
    app = pilot.app
    await enter(pilot, lab, setting, entered)
    config, errors = form_state(app, lab)
    assert errors.strip() == ""
    assert getattr(config, setting.name) == wanted != getattr(base, setting.name)
    if isinstance(field_of(app, lab, setting), FloatSlider):
        return
    for bad, message in refusals.items():
        await enter(pilot, lab, setting, bad)
        config, errors = form_state(app, lab)
        assert message in errors, (bad, message, errors)
        assert getattr(config, setting.name) == wanted  # the last valid value stays


@pytest.mark.parametrize("lab", LABS)
async def test_the_command_line_and_the_form_read_every_setting_alike(capsys, lab):
    # One app per lab (building a form is most of the time); each setting goes back to its first text after
    # its check, so that it is read from the defaults as on the command line. Every failing setting is listed.
    command_line = {setting.name: read_alike_on_the_command_line(capsys, lab, setting) for setting in LABS[lab][0]}
    app = app_for(lab)
    failures = {}
    async with app.run_test(size=(120, 40)) as pilot:
        for setting in LABS[lab][0]:
            first = field_of(app, lab, setting).value
            try:
                await form_reads_alike(pilot, lab, setting, *command_line[setting.name])
            except AssertionError as error:
                failures[setting.name] = repr(error)
            await enter(pilot, lab, setting, first)
            assert form_state(app, lab)[1].strip() == "", f"{setting.name} kept an error after its first text"
    assert not failures, failures

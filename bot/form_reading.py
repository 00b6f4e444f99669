"""Reading a submitted Slack form into a pydantic model: the value of each
input from ``view.state.values``, the model's validation errors turned into
one localised message per field, and the pieces every form model shares (the
national-id screen, length limits). The forms themselves are in ``bot.forms``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id

FormErrors = dict[str, str]
StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]
M = TypeVar("M", bound="Form")


def refuse_national_id(value: object) -> object:
    if isinstance(value, str) and find_national_id(value):
        # The message must not repeat the number: errors end up in logs.
        raise PydanticCustomError("national_id", "the text contains a national identity number")
    return value


#: Screens a free-text field; listed last so it runs before strip and length.
NoNationalId = BeforeValidator(refuse_national_id)


def limits(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


class Form(BaseModel):
    # hide_input_in_errors: a refused text may hold a national identity number
    # and must not reach a log through str(ValidationError).
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


def element_state(values: StateValues, block: str) -> Mapping[str, Any] | None:
    actions = values.get(block) or {}
    element = actions.get(block)
    if element is None and len(actions) == 1:
        element = next(iter(actions.values()))
    return element


def value_of(values: StateValues, block: str) -> Any:
    """The submitted value of the input in ``block``: a stripped string (None
    when empty), a list of option values for checkboxes, or None."""
    element = element_state(values, block)
    if element is None:
        return None
    kind = element.get("type")
    if kind in ("plain_text_input", "url_text_input", "email_text_input", "number_input"):
        text = element.get("value")
        return (text.strip() or None) if isinstance(text, str) else None
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("selected_option")
        return option.get("value") if option else None
    if kind in ("checkboxes", "multi_static_select"):
        return [o["value"] for o in element.get("selected_options") or []]
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "users_select":
        return element.get("selected_user")
    raise ValueError(f"block {block!r}: unsupported element type {kind!r}")


def collect(values: StateValues, blocks: Sequence[str]) -> dict[str, Any]:
    raw = {str(b): value_of(values, b) for b in blocks}
    return {k: v for k, v in raw.items() if v is not None}


def error_message(err: Mapping[str, Any], lang: Lang, given: object) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "national_id":
        return t(lang, "form.error.pii")
    if kind == "missing":
        return t(lang, "form.error.required")
    if kind == "string_too_short":
        minimum = int(ctx.get("min_length", 1))
        return (
            t(lang, "form.error.required") if minimum <= 1 else t(lang, "form.error.too_short", min=minimum)
        )
    if kind == "string_too_long":
        length = len(given.strip()) if isinstance(given, str) else 0
        return t(lang, "form.error.too_long", max=int(ctx.get("max_length", 0)), length=length)
    return t(lang, "form.error.invalid")


def validate(
    model: type[M],
    raw: Mapping[str, Any],
    lang: Lang,
    block_of: Callable[[tuple[int | str, ...]], str],
) -> tuple[M | None, FormErrors]:
    try:
        return model.model_validate(raw), {}
    except ValidationError as exc:
        errors: FormErrors = {}
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            given: object = raw
            for part in loc:
                given = given.get(part) if isinstance(given, Mapping) else None
            errors.setdefault(block_of(loc), error_message(err, lang, given))
        return None, errors


def finish(model: M | None, errors: FormErrors, extra: FormErrors) -> M | FormErrors:
    """Model errors win over context checks (e.g. "contains a national id" over
    "wrong case reference format"): one message per field, the most important."""
    for block, message in extra.items():
        errors.setdefault(block, message)
    if errors or model is None:
        return {str(block): message for block, message in errors.items()}
    return model

"""Checks of free-form input shared by the API serializers, the forms and the services.

A JSON value (an order's business details, a drawer count) goes into a
PostgreSQL `jsonb` column. PostgreSQL refuses a NUL character there
(`unsupported Unicode escape sequence`) and logs the whole statement, with
whatever personal data the value carries; a lone surrogate cannot even be
encoded. Other control characters are kept but show as garbage on slips and
exports. So every string inside a JSON value, keys included, is checked here
first and refused with a message the clerk understands (a 400).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return (a text area's own), DEL, the C1 controls,
# and the UTF-16 surrogates (a JSON "\ud800" without its pair is not text).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Keys are names: no line breaks or tabs either.
KEY_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
JSON_MAX_DEPTH = 8

CONTROL_MESSAGE = _("The text holds a control character (such as NUL) that cannot be kept. Type it again.")


def has_control_characters(value: str, *, in_key: bool = False) -> bool:
    return bool((KEY_CONTROL_CHARACTERS if in_key else CONTROL_CHARACTERS).search(value))


def refuse_control_characters(value: Any) -> None:
    """A form or serializer field validator: text with a control character is refused."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_character")


def _field_message(key: str) -> Any:
    return _("“%(key)s” holds a control character (such as NUL) that cannot be kept. Type it again.") % {"key": key}


def _check_json(value: Any, *, key: str, depth: int) -> None:
    if depth > JSON_MAX_DEPTH:
        raise ValidationError(_("The values are nested too deeply."), code="too_deep")
    if isinstance(value, str):
        if has_control_characters(value):
            raise ValidationError(_field_message(key) if key else CONTROL_MESSAGE, code="control_character")
    elif isinstance(value, dict):
        for name, inner in value.items():
            name = str(name)
            if has_control_characters(name, in_key=True):
                raise ValidationError(
                    _("A name among the values holds a control character (such as NUL)."), code="control_character"
                )
            _check_json(inner, key=key or name, depth=depth + 1)
    elif isinstance(value, list | tuple):
        for inner in value:
            _check_json(inner, key=key, depth=depth + 1)


def validate_json_text(value: Any) -> None:
    """Every string inside a JSON value (keys and values, at any depth) is clean text; else ValidationError.

    The message names the top-level key whose value is bad (keys are field
    names, never personal data), not the value.
    """
    _check_json(value, key="", depth=0)


def validate_known_keys(value: dict[str, Any], *, allowed: Callable[[str], bool] | Iterable[str]) -> None:
    """Every key of `value` is one the business defines; the first unknown one is named in the refusal."""
    is_allowed = allowed if callable(allowed) else set(allowed).__contains__
    for name in value:
        if not is_allowed(str(name)):
            raise ValidationError(
                _("“%(key)s” is not an input of this business; remove it.") % {"key": str(name)[:48]},
                code="unknown_key",
            )


def text_fields_refuse_control_characters(form: Any) -> None:
    """Give every text field of a bound or unbound form the control-character check (call in `__init__`)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
            field.validators.append(refuse_control_characters)

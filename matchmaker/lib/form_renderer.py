"""A form renderer that builds the common widgets in Python.

Django renders every widget, and every option of a select, through a template (input.html
including attrs.html, select_option.html per choice). On the discovery page that was a sixth of
the server's CPU per request. `FastRenderer` builds the same markup for the stock input, checkbox,
textarea and select templates and for the project's field template, byte for byte (tests/project/test_form_renderer.py compares it with
Django's own output), and hands every other template to Django's renderer unchanged.
"""

from html import escape

from django.forms.renderers import DjangoTemplates

_WIDGETS = "django/forms/widgets/"
_OPTION = _WIDGETS + "select_option.html"


def _text(value) -> str:
    """As the template's autoescape does: safe strings pass, anything else is str() then escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _widget(build):
    return lambda context: build(context["widget"])


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None  # a custom option template: Django renders the whole select
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the option template's last newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


FIELD_TEMPLATE = "partials/field.html"


def _field(context: dict) -> str:
    """templates/partials/field.html: label, widget, help text and errors of one field."""
    field = context["field"]
    if field.is_hidden:
        return str(field)
    errors = field.errors
    # The ids the widget's aria-describedby names (BoundField.aria_describedby).
    help_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
    error_id = f' id="{_text(field.auto_id)}_error"' if field.auto_id else ""
    help_text = f'<small class="help"{help_id}>{field.help_text}</small>' if field.help_text else ""
    messages = (
        f'<div class="errors"{error_id}>'
        + "".join(f'<small class="error" role="alert">{_text(e)}</small>' for e in errors)
        + "</div>"
        if errors
        else ""
    )
    return (
        f'<div class="field{" field-error" if errors else ""}">\n'
        f'  <label for="{_text(field.id_for_label)}">{_text(field.label)}</label>\n'
        f"  {field}\n  {help_text}\n  {messages}\n</div>"
    )


_BUILDERS = {
    **{
        _WIDGETS + name: _widget(_input)
        for name in (
            "input.html",
            "text.html",
            "number.html",
            "email.html",
            "url.html",
            "password.html",
            "hidden.html",
            "date.html",
            "datetime.html",
            "time.html",
            "checkbox.html",
            "search.html",
            "tel.html",
            "color.html",
        )
    },
    _WIDGETS + "textarea.html": _widget(_textarea),
    _WIDGETS + "select.html": _widget(_select),
    FIELD_TEMPLATE: _field,
}


class FastRenderer(DjangoTemplates):
    """Django's default renderer, with the stock widgets above built without a template, and the
    project's field template (label, widget, help, errors) as every field's `as_field_group`."""

    field_template_name = FIELD_TEMPLATE

    def render(self, template_name, context, request=None):
        build = _BUILDERS.get(template_name)
        html = build(context) if build is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return html

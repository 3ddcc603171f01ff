"""The Jinja2 environment of the hot row partials (templates/jinja2/): static(), url() and the
number filters of the Django templates, so a Jinja2 row prints what a Django template would."""

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment

from campaigns.templatetags.campaign_tags import bar_width, humanise, score100
from creators.templatetags.numbers import pct
from matchmaker.lib import formatting


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(static=static, url=url, money_range=formatting.money_range)
    env.filters.update(
        pct=pct,
        score100=score100,
        bar_width=bar_width,
        humanise=humanise,
    )
    env.filters.update({name: getattr(formatting, name) for name in formatting.FILTERS})
    return env
